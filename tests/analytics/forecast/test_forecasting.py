"""Forecast per series, model choice by backtest MASE, prediction intervals (S3.5, S3.8)."""

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.forecast import forecast_revenue, tiers
from cartera.analytics.forecast.selection import backtest, choose, naive_scale

from .synthetic import PROFILE, seasonal_series, seasonal_truth

FIRST = dt.date(2022, 1, 1)


@pytest.fixture(scope="module")
def known():
    """One series of 48 months with known trend and season, one of each shorter tier."""
    frames = [
        seasonal_series("known", FIRST, 48, noise=0.02, seed=11),
        seasonal_series("two_years", dt.date(2023, 7, 1), 30, seed=2),
        seasonal_series("one_year", dt.date(2024, 10, 1), 15, seed=3),
        seasonal_series("new", dt.date(2025, 9, 1), 4, seed=4),
    ]
    return forecast_revenue(pl.concat(frames), horizon=12)


def test_twelve_month_total_of_a_known_series_is_recovered_within_five_percent(known):
    # Issue 8, point 1: the truth of the next 12 months, without noise.
    truth = seasonal_truth(FIRST, 60, level=10_000_000.0, slope=50_000.0)[48:].sum()
    total = known.totals().filter(pl.col("series") == "known")["forecast_cents"].item()
    assert total == pytest.approx(truth, rel=0.05)
    # and the seasonal profile, from the same result
    for got, expected in zip(known.decomposition.indices("known"), PROFILE, strict=True):
        assert got == pytest.approx(expected, rel=0.05)


def test_each_series_is_placed_in_the_tier_its_history_allows(known):
    rows = {r["series"]: r for r in known.models.iter_rows(named=True)}
    assert {s: (r["months"], r["tier"]) for s, r in rows.items()} == {
        "known": (48, "full"),
        "two_years": (30, "two_years"),
        "one_year": (15, "one_year"),
        "new": (4, "new"),
    }
    assert rows["new"]["model"] == "Mean"
    assert rows["new"]["mase"] is None
    assert rows["known"]["model"] in {"AutoETS", "AirlineARIMA", "AutoTheta", "SeasonalNaive"}
    assert rows["known"]["mase"] < 1.0  # beats last year repeated on a clean series


def test_backtest_reports_mase_of_every_candidate_and_the_choice_is_the_lowest(known):
    scores = known.backtest.filter(pl.col("series") == "known")
    assert sorted(scores["model"]) == ["AirlineARIMA", "AutoETS", "AutoTheta", "SeasonalNaive"]
    chosen = known.models.filter(pl.col("series") == "known")
    assert chosen["mase"].item() == pytest.approx(scores["mase"].min())


def test_forecast_covers_the_horizon_after_each_series_and_intervals_are_nested(known):
    forecast = known.forecast
    assert forecast.columns == [
        "series",
        "month",
        "forecast_cents",
        "lo_80_cents",
        "hi_80_cents",
        "lo_95_cents",
        "hi_95_cents",
    ]
    known_months = forecast.filter(pl.col("series") == "known")["month"]
    assert known_months.to_list()[0] == dt.date(2026, 1, 1)
    assert known_months.to_list()[-1] == dt.date(2026, 12, 1)
    assert forecast.group_by("series").len()["len"].to_list() == [12] * 4
    nested = forecast.select(
        (pl.col("lo_95_cents") <= pl.col("lo_80_cents"))
        & (pl.col("lo_80_cents") <= pl.col("forecast_cents"))
        & (pl.col("forecast_cents") <= pl.col("hi_80_cents"))
        & (pl.col("hi_80_cents") <= pl.col("hi_95_cents"))
        & (pl.col("lo_95_cents") >= 0)
    ).to_series()
    assert nested.all()


def test_mase_of_naive_forecasts_on_a_straight_line_is_computed_by_hand():
    # y = 100 + t currency units for 24 months: tier two_years, origins at months 12,
    # 15 and 18, six months ahead. Seasonal naive misses by exactly 12 every month and
    # its in-sample error (the scale) is 12: MASE 1. Naive misses by 1..6, mean 3.5:
    # MASE 3.5 / 12.
    line = pl.DataFrame(
        {
            "series": ["line"] * 24,
            "month": seasonal_series("line", FIRST, 24)["month"],
            "revenue_cents": [(100 + t) * 100 for t in range(24)],
        }
    )
    tier = next(t for t in tiers() if t.name == "two_years")
    assert naive_scale(line, 12)["scale_cents"].item() == 1200.0
    scores = {r["model"]: r for r in backtest(line, tier).iter_rows(named=True)}
    assert scores["SeasonalNaive"]["mase"] == pytest.approx(1.0)
    assert scores["SeasonalNaive"]["mae_cents"] == pytest.approx(1200.0)
    assert scores["Naive"]["mase"] == pytest.approx(3.5 / 12)
    # Mean of the history up to each origin: misses grow with the line.
    assert scores["Mean"]["mase"] > scores["Naive"]["mase"]
    chosen = choose(line, backtest(line, tier), tier)
    assert chosen["model"].item() == "AutoETS"  # a trend model follows a line exactly
    assert chosen["mase"].item() < 0.05


def test_choose_breaks_ties_by_the_order_of_the_candidates():
    tier = next(t for t in tiers() if t.name == "one_year")
    history = pl.DataFrame({"series": ["s"], "month": [FIRST], "revenue_cents": [1]})
    errors = pl.DataFrame(
        {
            "series": ["s", "s", "s"],
            "model": ["Mean", "Naive", "AutoETS"],
            "mae_cents": [5.0, 5.0, None],  # AutoETS failed: never chosen
            "mase": [0.5, 0.5, None],
        }
    )
    assert choose(history, errors, tier)["model"].item() == "Naive"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"horizon": 0}, "horizon"),
        ({"levels": (80, 100)}, "levels"),
        ({"search": "exhaustive"}, "search"),
    ],
)
def test_bad_settings_are_refused_with_a_message(options, message):
    monthly = seasonal_series("s", FIRST, 12)
    with pytest.raises(ValueError, match=message):
        forecast_revenue(monthly, **options)


def test_thorough_search_puts_the_stepwise_autoarima_and_damped_trends_back():
    fast, thorough = tiers("fast")[0], tiers("thorough")[0]
    assert fast.models == ("AutoETS", "AirlineARIMA", "AutoTheta", "SeasonalNaive")
    assert thorough.models == ("AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive")
    assert (fast.damped, thorough.damped) == (False, None)
    # Every tier's backtest leaves at least 7 months before its earliest origin.
    assert [(t.min_months, t.cv_months) for t in tiers()] == [(36, 12), (24, 12), (12, 5), (1, 0)]
