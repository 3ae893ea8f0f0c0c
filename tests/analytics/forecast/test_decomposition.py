"""Trend and seasonal profile by classical decomposition (S3.5)."""

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.forecast import decompose

from .synthetic import PROFILE, seasonal_series


def test_profile_of_a_known_seasonal_series_is_recovered_within_five_percent():
    # Issue 8, point 1: trend 10,000,000 + 50,000 a month, PROFILE, 2 % noise, 4 years.
    monthly = seasonal_series("s", dt.date(2022, 1, 1), 48, noise=0.02, seed=7)
    recovered = decompose(monthly).indices("s")
    for month, (got, expected) in enumerate(zip(recovered, PROFILE, strict=True), start=1):
        assert got == pytest.approx(expected, rel=0.05), f"month {month}"
    assert sum(recovered) == pytest.approx(12.0)


def test_trend_of_a_noise_free_series_is_the_centred_moving_average():
    monthly = seasonal_series("s", dt.date(2022, 1, 1), 36, slope=0.0, noise=0.0)
    components = decompose(monthly).components
    # With a flat level the 2×12 average of one full year is the level itself.
    trend = components["trend_cents"].to_list()
    assert trend[:6] == [None] * 6
    assert trend[-6:] == [None] * 6
    assert set(trend[6:-6]) == {10_000_000}
    # Seasonally adjusted revenue of a flat series is flat.
    assert set(components["adjusted_cents"].to_list()) == {10_000_000}


def test_short_series_get_a_flat_profile():
    monthly = seasonal_series("young", dt.date(2024, 1, 1), 23, noise=0.0)
    result = decompose(monthly)
    assert result.profile["seasonal_index"].to_list() == [1.0] * 12
    assert result.profile["seasonal"].to_list() == [False] * 12


def test_zero_series_gets_a_flat_profile_not_a_division_by_zero():
    monthly = pl.DataFrame(
        {
            "series": ["z"] * 30,
            "month": seasonal_series("z", dt.date(2023, 1, 1), 30)["month"],
            "revenue_cents": [0] * 30,
        }
    )
    assert decompose(monthly).indices("z") == (1.0,) * 12
