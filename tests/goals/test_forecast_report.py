"""The forecast of the database: complete months, per series, beside the bottom-up view (S3.5)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.goals.selectors import NoHistoryError, forecast_report
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 10, 5)


@pytest.fixture
def report(small_portfolio):
    return forecast_report(user=ManagerFactory(), by="salesperson", horizon=6, as_of=AS_OF)


def test_only_complete_months_are_learnt_from(report):
    assert report.through == dt.date(2026, 9, 1)
    assert report.total.history["month"].max() == dt.date(2026, 9, 1)
    assert report.total.forecast["month"].to_list() == [
        dt.date(2026, m, 1) for m in (10, 11, 12)
    ] + [dt.date(2027, m, 1) for m in (1, 2, 3)]


def test_every_salesperson_gets_a_model_and_its_backtest_mase(report):
    models = report.forecast.models
    assert models["series"].to_list() == ["Ana Souto", "Bruno Lage"]
    assert models["months"].to_list() == [26, 26]
    assert models["mase"].null_count() == 0
    assert report.forecast.forecast.group_by("series").len()["len"].to_list() == [6, 6]
    # The intervals hold the point forecast.
    ahead = report.forecast.forecast
    assert (ahead["lo_80_cents"] <= ahead["forecast_cents"]).all()
    assert (ahead["forecast_cents"] <= ahead["hi_95_cents"]).all()


def test_the_bottom_up_view_sits_beside_the_time_series(report):
    view = report.bottom_up
    assert view.available, view.note
    assert view.clients == 40
    months = view.months
    assert months["month"].to_list() == report.total.forecast["month"].to_list()
    assert (months["total_cents"] == months["existing_cents"] + months["new_cents"]).all()
    assert (
        months["time_series_cents"].to_list() == report.total.forecast["forecast_cents"].to_list()
    )
    assert (months["existing_cents"] > 0).all()


def test_a_salesperson_forecasts_only_their_own_portfolio(small_portfolio):
    ana, _bruno = small_portfolio
    mine = forecast_report(user=ana.user, by="salesperson", horizon=3, as_of=AS_OF, bottom_up=False)
    assert mine.forecast.models["series"].to_list() == ["Ana Souto"]
    everyone = forecast_report(
        user=ManagerFactory(), by="salesperson", horizon=3, as_of=AS_OF, bottom_up=False
    )
    own = everyone.forecast.history.filter(pl.col("series") == "Ana Souto")
    assert mine.total.history["revenue_cents"].to_list() == own["revenue_cents"].to_list()


def test_a_breakdown_by_segment_names_the_segments(small_portfolio):
    result = forecast_report(
        user=ManagerFactory(), by="segment", horizon=2, as_of=AS_OF, bottom_up=False
    )
    assert result.forecast.models["series"].to_list() == ["Bares", "Hoteles"]
    assert not result.bottom_up.available


@pytest.mark.parametrize(("by", "horizon", "message"), [("city", 12, "'city'"), (None, 0, " 0")])
def test_bad_options_are_refused_naming_the_value(by, horizon, message):
    with pytest.raises(ValueError, match=message):
        forecast_report(user=ManagerFactory(), by=by, horizon=horizon, as_of=AS_OF)


def test_no_sales_is_said_plainly():
    with pytest.raises(NoHistoryError):
        forecast_report(user=ManagerFactory(), by=None, as_of=AS_OF)
