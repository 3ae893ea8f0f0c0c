"""Bottom-up view: current clients' expected purchases plus new clients (S3.5, S1.7)."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from cartera.analytics.clv import MONTH_DAYS, BetaGeo, GammaGamma
from cartera.analytics.forecast import (
    Acquisition,
    acquisition,
    bottom_up_forecast,
    new_client_revenue,
)
from cartera.analytics.forecast.from_clv import bottom_up_from_clv

from .synthetic import PROFILE, months

SALES = pl.DataFrame(
    {
        "client": ["a", "a", "b", "c", "c", "d"],
        "date": [
            dt.date(2025, 1, 3),
            dt.date(2025, 2, 3),
            dt.date(2025, 6, 1),
            dt.date(2025, 11, 1),
            dt.date(2025, 12, 1),
            dt.date(2025, 12, 5),
        ],
        "amount": [10.0, 5.0, 8.0, 4.0, 6.0, 2.0],
    }
)


def test_acquisition_rate_and_first_year_curve_by_hand():
    result = acquisition(SALES, through=dt.date(2025, 12, 31), window_months=6)
    # First purchases Jul–Dec 2025: c (Nov) and d (Dec) → 2 in 6 months.
    assert (result.new_clients, result.rate_per_month) == (2, pytest.approx(1 / 3))
    # Clients first seen in 2025 (12 months): a, b, c, d. Age 0: all four,
    # 1000 + 800 + 400 + 200 = 2400 → 600. Age 1: a, b, c observed (d is too recent),
    # a 500 + c 600 = 1100 → 366.67. Age 2 onwards: a and b, nothing bought.
    assert result.curve_cents == pytest.approx((600.0, 1100 / 3) + (0.0,) * 10)
    assert result.curve_clients == 4
    assert str(result.first_year_value) == "9.67"


def test_new_clients_add_up_cohort_by_cohort():
    # Two clients a month; a client brings 100 in its first month, 50 in each after.
    acquired = Acquisition(
        through=dt.date(2025, 12, 1),
        window_months=12,
        new_clients=24,
        rate_per_month=2.0,
        curve_cents=(100.0,) + (50.0,) * 11,
        curve_clients=24,
    )
    # Month m: 2 × 100 for the newest cohort + 2 × 50 for each earlier one.
    assert new_client_revenue(acquired, 4).tolist() == [200.0, 300.0, 400.0, 500.0]


def test_current_clients_are_spread_by_season_and_new_ones_added():
    # 6 purchases × 10.00 + 12 × 5.00 = 120.00 over the year = 12,000 cents;
    # by PROFILE a month gets 12,000 × index / 12 = 1,000 × index.
    existing = pl.DataFrame(
        {
            "client": ["x", "y"],
            "expected_purchases": [6.0, 12.0],
            "expected_spend": [10.0, 5.0],
        }
    )
    acquired = Acquisition(dt.date(2025, 12, 1), 12, 12, 1.0, (30.0,) * 12, 12)
    time_series = pl.DataFrame(
        {"month": months(dt.date(2026, 1, 1), 12), "forecast_cents": [1_000] * 12}
    )
    view = bottom_up_forecast(
        existing,
        start=dt.date(2026, 1, 15),
        acquired=acquired,
        profile=PROFILE,
        time_series=time_series,
    )
    assert view["existing_cents"].to_list() == [round(1_000 * i) for i in PROFILE]
    assert view["new_cents"].to_list() == [30 * m for m in range(1, 13)]
    assert view.row(0) == (dt.date(2026, 1, 1), 600, 30, 630, 1_000, -370)
    even = bottom_up_forecast(existing, start=dt.date(2026, 1, 1), horizon=12)
    assert even["total_cents"].to_list() == [1_000] * 12


def test_current_clients_per_month_are_taken_as_given():
    existing = pl.DataFrame(
        {
            "client": ["x", "x", "y"],
            "month": [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 2, 1)],
            "expected_purchases": [0.5, 0.25, 2.0],
            "expected_spend": [100.0, 100.0, 1.0],
        }
    )
    view = bottom_up_forecast(existing, start=dt.date(2026, 1, 1), horizon=3)
    assert view["existing_cents"].to_list() == [5_000, 2_700, 0]


def test_from_clv_models_matches_their_expected_purchases_over_the_horizon():
    # Published CDNOW parameters: BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma
    # (Fader, Hardie & Lee 2005b), in weeks and dollars.
    purchases = BetaGeo.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    spend = GammaGamma.from_params({"p": 6.25, "q": 3.74, "gamma": 15.44})
    summary = pl.DataFrame(
        {
            "client": ["1", "2", "3"],
            "frequency": [2.0, 0.0, 7.0],
            "recency": [30.43, 0.0, 35.0],
            "T": [38.86, 38.86, 38.0],
            "monetary": [22.5, 0.0, 40.0],
        }
    )
    view = bottom_up_from_clv(purchases, spend, summary, start=dt.date(1997, 10, 1))
    year = 12 * MONTH_DAYS / 7
    expected = purchases.conditional_expected_purchases(
        year, summary["frequency"], summary["recency"], summary["T"]
    ) * spend.expected_spend(summary["frequency"], summary["monetary"])
    assert view["existing_cents"].sum() == pytest.approx(expected.sum() * 100, abs=12)
    # Purchases fade as clients drop out: each month expects no more than the one before.
    assert (np.diff(view["existing_cents"].to_numpy()) <= 0).all()
    assert view["new_cents"].to_list() == [0] * 12
