"""Drift alerts below the lower prediction bound and the clients behind the gap (S3.4)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from cartera.analytics.forecast import check_drift, drift_alerts, explain_gap

from .synthetic import months, seasonal_series

MONTHS = months(dt.date(2026, 1, 1), 5)


def _frames(series, revenue, lower):
    actual = pl.DataFrame({"series": [series] * 5, "month": MONTHS, "revenue_cents": revenue})
    forecast = pl.DataFrame(
        {
            "series": [series] * 5,
            "month": MONTHS,
            "forecast_cents": [100] * 5,
            "lo_80_cents": lower,
        }
    )
    return actual, forecast


def test_two_months_in_a_row_below_the_lower_bound_raise_an_alert():
    # Below in Feb and Mar (a run of two), above in Apr, below again in May (one only).
    a_actual, a_forecast = _frames("ana", [95, 70, 60, 90, 50], [80] * 5)
    # Below in Apr and May: the run reaches the last month, so it is ongoing.
    b_actual, b_forecast = _frames("bea", [90, 85, 81, 10, 20], [80] * 5)
    alerts = drift_alerts(
        pl.concat([a_actual, b_actual]), pl.concat([a_forecast, b_forecast]), level=80
    )
    assert alerts.rows() == [
        ("bea", dt.date(2026, 4, 1), dt.date(2026, 5, 1), 2, 30, 200, 160, 170, True),
        ("ana", dt.date(2026, 2, 1), dt.date(2026, 3, 1), 2, 130, 200, 160, 70, False),
    ]
    assert alerts.columns == [
        "series",
        "start",
        "end",
        "months",
        "revenue_cents",
        "forecast_cents",
        "lower_cents",
        "gap_cents",
        "ongoing",
    ]
    assert drift_alerts(a_actual, a_forecast, consecutive=3).is_empty()


def test_check_drift_flags_a_series_that_drops_after_the_forecast_was_made():
    steady = seasonal_series("steady", dt.date(2023, 1, 1), 40, noise=0.02, seed=1)
    dropped = seasonal_series("dropped", dt.date(2023, 1, 1), 40, noise=0.02, seed=1)
    # The last two months lose 40 % of their revenue.
    dropped = dropped.with_columns(
        pl.when(pl.int_range(pl.len()) >= 38)
        .then((pl.col("revenue_cents") * 0.6).round(0).cast(pl.Int64))
        .otherwise(pl.col("revenue_cents"))
        .alias("revenue_cents")
    )
    check = check_drift(pl.concat([steady, dropped]), recent=3, level=80)
    assert check.compared.height == 6
    assert check.compared.filter(pl.col("series") == "steady")["below"].sum() == 0
    assert check.alerts["series"].to_list() == ["dropped"]
    alert = check.alerts.row(0, named=True)
    assert (alert["start"], alert["end"], alert["ongoing"]) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
        True,
    )


def _client_months(client, values):
    return pl.DataFrame(
        {
            "client": [client] * len(values),
            "month": months(dt.date(2025, 1, 1), len(values)),
            "revenue_cents": values,
        }
    )


def test_gap_is_explained_by_lost_then_shrinking_clients_against_their_own_past():
    # Baseline Jan–Dec 2025, window Jan–Mar 2026 (3 months).
    clients = pl.concat(
        [
            _client_months("lost", [1_000] * 12 + [0, 0, 0]),  # expected 3,000, got 0
            _client_months("shrinking", [400] * 12 + [200, 200, 200]),  # 1,200 vs 600
            _client_months("steady", [300] * 12 + [300, 290, 310]),  # no shortfall
            _client_months("seasonal", [0] * 6 + [200] * 6 + [150, 150, 150]),
            # 1,200 over 12 months = 100 a month, 300 expected, 450 sold: growing
            _client_months("new", [0] * 12 + [500, 0, 0]),
        ]
    )
    overdue = pl.DataFrame({"client": ["steady", "gone"], "overdue_cents": [700, 40]})
    ranked = explain_gap(
        clients, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), overdue=overdue
    )
    assert ranked.select(
        "rank", "client", "status", "baseline_cents", "expected_cents", "revenue_cents",
        "shortfall_cents", "overdue_cents",
    ).rows() == [
        (1, "lost", "lost", 1_000, 3_000, 0, 3_000, None),
        (2, "shrinking", "shrinking", 400, 1_200, 600, 600, None),
        (3, "steady", "steady", 300, 900, 900, 0, 700),
        (4, "gone", "inactive", 0, 0, 0, 0, 40),
    ]  # fmt: skip
    assert ranked["share"].to_list() == pytest.approx([3_000 / 3_600, 600 / 3_600, 0, 0])
    assert ranked["cumulative_share"].to_list() == pytest.approx([5 / 6, 1, 1, 1])
    assert ranked["last_purchase"].to_list()[:2] == [dt.date(2025, 12, 1), dt.date(2026, 3, 1)]


def test_gap_accepts_the_series_column_of_monthly_revenue():
    frame = _client_months("a", [100] * 12 + [0]).rename({"client": "series"})
    ranked = explain_gap(frame, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 1))
    assert ranked.select("client", "status", "shortfall_cents").rows() == [("a", "lost", 100)]


def test_gap_window_must_not_end_before_it_starts():
    frame = _client_months("a", list(np.arange(13)))
    with pytest.raises(ValueError, match="ends"):
        explain_gap(frame, start=dt.date(2026, 3, 1), end=dt.date(2026, 1, 1))
