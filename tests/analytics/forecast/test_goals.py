"""Annual goals spread by the seasonal profile, to the cent, and their tracking (S3.5)."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartera.analytics.forecast import RevenueForecast, decompose
from cartera.analytics.goals import goal_status, propose_goals, spread_goal, spread_goals

from .synthetic import PROFILE, months

D = Decimal


def test_a_goal_of_1_2_million_follows_the_seasonal_profile():
    # Issue 8, point 2. PROFILE sums to 12, so month i gets 1,200,000 × index / 12.
    assert spread_goal(D("1200000"), PROFILE) == (
        D("60000.00"),
        D("70000.00"),
        D("90000.00"),
        D("100000.00"),
        D("100000.00"),
        D("110000.00"),
        D("120000.00"),
        D("130000.00"),
        D("110000.00"),
        D("100000.00"),
        D("90000.00"),
        D("120000.00"),
    )


def test_cents_left_by_rounding_go_to_the_largest_fractions_earliest_first():
    # 120,000,000 cents × 5/63 = 9,523,809.52…; × 7/63 = 13,333,333.33…;
    # × 6/63 = 11,428,571.42…. Floors add up to 119,999,994: six cents are left and go
    # to the six earliest of the ten months with the largest fraction (.52).
    assert spread_goal(D("1200000"), [7, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6]) == (
        D("133333.33"),
        D("95238.10"),
        D("95238.10"),
        D("95238.10"),
        D("95238.10"),
        D("95238.10"),
        D("95238.10"),
        D("95238.09"),
        D("95238.09"),
        D("95238.09"),
        D("95238.09"),
        D("114285.71"),
    )


def test_an_even_spread_of_1000_puts_the_four_spare_cents_first():
    parts = spread_goal(D("1000"), [1] * 12)
    assert parts == (D("83.34"),) * 4 + (D("83.33"),) * 8


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**13),
    weights=st.lists(
        st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=24
    ),
)
def test_parts_add_up_to_the_goal_and_stay_within_a_cent_of_the_exact_share(total, weights):
    frame = spread_goals(
        pl.DataFrame({"series": ["s"], "goal_cents": [total]}),
        pl.DataFrame(
            {"series": ["s"] * len(weights), "month": range(len(weights)), "weight": weights}
        ),
    )
    parts = frame["goal_cents"].to_list()
    assert sum(parts) == total
    assert min(parts) >= 0
    quantised = [round(w * 10**9) for w in weights]
    if sum(quantised):
        for part, weight in zip(parts, quantised, strict=True):
            assert abs(part * sum(quantised) - total * weight) < sum(quantised)


def _forecast(history_months, forecast_months, forecast_cents, profile):
    """A hand-made forecast of one series 's' with a given seasonal profile."""
    history = pl.DataFrame(
        {
            "series": ["s"] * len(history_months),
            "month": history_months,
            "revenue_cents": [10_000_000] * len(history_months),
        }
    )
    components = decompose(history).components
    return RevenueForecast(
        history=history,
        forecast=pl.DataFrame(
            {
                "series": ["s"] * len(forecast_months),
                "month": forecast_months,
                "forecast_cents": forecast_cents,
                "lo_80_cents": forecast_cents,
                "hi_80_cents": forecast_cents,
            }
        ),
        models=pl.DataFrame({"series": ["s"], "months": [len(history_months)]}),
        backtest=pl.DataFrame(),
        decomposition=type(decompose(history))(
            components=components,
            profile=pl.DataFrame(
                {
                    "series": ["s"] * 12,
                    "month_of_year": pl.Series(range(1, 13), dtype=pl.Int8),
                    "seasonal_index": list(profile),
                    "seasonal": [True] * 12,
                }
            ),
        ),
        horizon=len(forecast_months),
        levels=(80,),
        search="fast",
    )


def test_proposal_adds_growth_to_the_forecast_year_and_spreads_it_by_season():
    # Forecast of 2027: 1,000,000.00 a year (12 × 83,333.33 + 4 cents), growth 8 %:
    # goal 1,080,000.00, spread by PROFILE → 54,000.00 in January … 140,400.00 in August.
    forecast_cents = [8_333_334] * 4 + [8_333_333] * 8
    forecast = _forecast(
        months(dt.date(2024, 1, 1), 35), months(dt.date(2026, 12, 1), 13), [0, *forecast_cents],
        PROFILE,
    )  # fmt: skip
    proposal = propose_goals(forecast, year=2027, growth="0.08")
    assert proposal.annual.rows() == [("s", 100_000_000, 108_000_000)]
    assert proposal.goal("s") == D("1080000.00")
    assert proposal.monthly["goal_cents"].to_list() == [
        5_400_000,
        6_300_000,
        8_100_000,
        9_000_000,
        9_000_000,
        9_900_000,
        10_800_000,
        11_700_000,
        9_900_000,
        9_000_000,
        8_100_000,
        10_800_000,
    ]
    even = propose_goals(forecast, year=2027, growth=0, spread="even")
    assert even.monthly["goal_cents"].to_list() == forecast_cents


def test_proposal_uses_actual_revenue_for_months_already_closed():
    # History through February 2027 (10,000,000 a month), forecast March – December.
    forecast = _forecast(
        months(dt.date(2025, 1, 1), 26), months(dt.date(2027, 3, 1), 10), [1_000_000] * 10,
        [1.0] * 12,
    )  # fmt: skip
    proposal = propose_goals(forecast, year=2027, growth=D("0.10"))
    # 2 × 10,000,000 + 10 × 1,000,000 = 30,000,000; + 10 % = 33,000,000
    assert proposal.annual.rows() == [("s", 30_000_000, 33_000_000)]
    assert proposal.monthly["goal_cents"].to_list() == [2_750_000] * 12


def test_proposal_beyond_the_horizon_says_which_horizon_is_needed():
    forecast = _forecast(
        months(dt.date(2024, 1, 1), 36), months(dt.date(2027, 1, 1), 6), [1] * 6, [1.0] * 12
    )
    with pytest.raises(ValueError, match="horizon of at least 12 months"):
        propose_goals(forecast, year=2027, growth=0.05)
    with pytest.raises(ValueError, match="growth"):
        propose_goals(forecast, year=2027, growth="-1.5")


def test_status_compares_actual_goal_and_forecast_to_date_and_projects_the_year():
    # Goal 100.00 a month. Sold 90, 120, 100 in Jan–Mar; forecast 95 a month after.
    year = months(dt.date(2026, 1, 1), 12)
    goals = pl.DataFrame({"series": ["s"] * 12, "month": year, "goal_cents": [10_000] * 12})
    actual = pl.DataFrame(
        {"series": ["s"] * 3, "month": year[:3], "revenue_cents": [9_000, 12_000, 10_000]}
    )
    forecast = pl.DataFrame({"series": ["s"] * 9, "month": year[3:], "forecast_cents": [9_500] * 9})
    status = goal_status(goals, actual, as_of=dt.date(2026, 3, 31), forecast=forecast)
    assert status.as_of == dt.date(2026, 3, 1)
    first_four = status.monthly.head(4).select(
        "actual_cents", "gap_cents", "ytd_goal_cents", "ytd_actual_cents", "ytd_gap_cents"
    )
    assert first_four.rows() == [
        (9_000, -1_000, 10_000, 9_000, -1_000),
        (12_000, 2_000, 20_000, 21_000, 1_000),
        (10_000, 0, 30_000, 31_000, 1_000),
        (None, None, None, None, None),
    ]
    summary = status.summary.row(0, named=True)
    assert summary["goal_cents"] == 120_000
    assert summary["ytd_gap_cents"] == 1_000
    assert summary["attainment"] == pytest.approx(31_000 / 30_000)
    assert summary["projected_cents"] == 31_000 + 9 * 9_500  # 116,500
    assert summary["projected_gap_cents"] == -3_500


def test_status_without_a_forecast_leaves_the_projection_empty():
    year = months(dt.date(2026, 1, 1), 12)
    goals = pl.DataFrame({"series": ["s"] * 12, "month": year, "goal_cents": [100] * 12})
    actual = pl.DataFrame({"series": ["s"], "month": year[:1], "revenue_cents": [50]})
    summary = goal_status(goals, actual, as_of=dt.date(2026, 1, 15)).summary
    assert summary.select("ytd_actual_cents", "projected_cents").row(0) == (50, None)


def test_annual_goal_is_rounded_half_up_to_the_cent():
    # 45 cents × 1.1 = 49.5 cents → 50; the twelve months then share 50 cents.
    forecast = _forecast(
        months(dt.date(2024, 1, 1), 36), months(dt.date(2027, 1, 1), 12), [0] * 11 + [45],
        [1.0] * 12,
    )  # fmt: skip
    proposal = propose_goals(forecast, year=2027, growth=0.1, spread="even")
    assert proposal.annual["goal_cents"].item() == 50
    assert proposal.monthly["goal_cents"].to_list() == [5, 5] + [4] * 10
