"""Trend and seasonal profile of monthly revenue: classical multiplicative decomposition.

The trend is the centred 2×12 moving average; the seasonal index of a calendar month
is the mean ratio of revenue to trend in that month, scaled so the twelve indices sum
to 12 (an index of 1.15 means a month sells 15 % above the trend). A profile that sums
to 12 spreads an annual goal directly: month share = index / 12 (S3.5).

References
----------
Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*,
3rd ed., section 3.4 "Classical decomposition". OTexts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from cartera.analytics.forecast.candidates import SEASON
from cartera.analytics.forecast.monthly import check_monthly
from cartera.analytics.frames import MONEY

PROFILE_MIN_MONTHS: Final = 2 * SEASON
"""History needed for a seasonal profile: every calendar month seen against a trend."""


@dataclass(frozen=True, slots=True)
class Decomposition:
    """Trend and seasonal profile of each series, ready to be drawn.

    Attributes
    ----------
    components
        ``series``, ``month``, ``revenue_cents``, ``trend_cents`` (Int64; empty for the
        first and last six months, where the centred average is not defined, and for
        series shorter than 13 months), ``seasonal_index`` (the profile's index of the
        month) and ``adjusted_cents`` (revenue divided by that index: the seasonally
        adjusted revenue).
    profile
        ``series``, ``month_of_year`` (1 – 12), ``seasonal_index`` (Float64, the
        twelve sum to 12) and ``seasonal`` (Boolean: estimated from at least
        :data:`PROFILE_MIN_MONTHS` months; otherwise every index is 1, a flat year).
    """

    components: pl.DataFrame
    profile: pl.DataFrame

    def indices(self, series: str) -> tuple[float, ...]:
        """Return the twelve seasonal indices of ``series``, January first."""
        rows = self.profile.filter(pl.col("series") == series).sort("month_of_year")
        if rows.height != SEASON:
            raise KeyError(series)
        return tuple(rows["seasonal_index"].to_list())


def decompose(monthly: pl.DataFrame) -> Decomposition:
    """Return the trend and the seasonal profile of every series of ``monthly``.

    Parameters
    ----------
    monthly
        ``series``, ``month``, ``revenue_cents`` as built by
        :func:`~cartera.analytics.forecast.monthly_revenue`.

    Returns
    -------
    Decomposition
        Series with fewer than :data:`PROFILE_MIN_MONTHS` months, or whose trend is
        never positive, get a flat profile (every index 1).
    """
    frame = check_monthly(monthly).lazy()
    revenue = pl.col("revenue_cents").cast(pl.Float64)
    ma = revenue.rolling_mean(SEASON)
    # A 12-month mean ending 5 and 6 months later, averaged: the centred 2×12 average
    # that weighs y[t-6] and y[t+6] by a half and the eleven months between by one.
    centred = ((ma.shift(-5) + ma.shift(-6)) / 2).over("series")
    with_trend = frame.with_columns(
        centred.alias("_trend"),
        pl.col("month").dt.month().cast(pl.Int8).alias("month_of_year"),
        pl.len().over("series").alias("_months"),
    )
    ratio = pl.when(pl.col("_trend") > 0).then(revenue / pl.col("_trend"))
    raw = (
        with_trend.group_by("series", "month_of_year")
        .agg(ratio.mean().clip(lower_bound=0.0).alias("_raw"), pl.col("_months").first())
        .with_columns(pl.col("_raw").sum().over("series").alias("_sum"))
    )
    seasonal = (pl.col("_months") >= PROFILE_MIN_MONTHS) & (pl.col("_sum") > 0)
    grid = (
        frame.select(pl.col("series").unique())
        .join(pl.LazyFrame({"month_of_year": pl.int_range(1, SEASON + 1, eager=True)}), how="cross")
        .with_columns(pl.col("month_of_year").cast(pl.Int8))
    )
    profile = (
        grid.join(raw, on=["series", "month_of_year"], how="left")
        .with_columns(seasonal.fill_null(False).all().over("series").alias("seasonal"))
        .select(
            "series",
            "month_of_year",
            pl.when("seasonal")
            .then(pl.col("_raw").fill_null(0.0) * SEASON / pl.col("_sum"))
            .otherwise(1.0)
            .alias("seasonal_index"),
            "seasonal",
        )
        .sort("series", "month_of_year")
    )
    components = (
        with_trend.join(
            profile.select("series", "month_of_year", "seasonal_index"),
            on=["series", "month_of_year"],
            how="left",
        )
        .select(
            "series",
            "month",
            "revenue_cents",
            pl.col("_trend").round(0).cast(MONEY).alias("trend_cents"),
            "seasonal_index",
            pl.when(pl.col("seasonal_index") > 0)
            .then(revenue / pl.col("seasonal_index"))
            .round(0)
            .cast(MONEY)
            .alias("adjusted_cents"),
        )
        .sort("series", "month")
    )
    collected = pl.collect_all([components, profile])
    return Decomposition(components=collected[0], profile=collected[1])
