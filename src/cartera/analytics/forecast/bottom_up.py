"""Bottom-up revenue view: current clients' expected purchases plus expected new clients.

The time-series forecast extrapolates the total; this view rebuilds it from the client
base, so the manager sees both and where they disagree (S3.5, S1.7, S0.4):

* current clients: each one's expected purchases in the horizon (from BG/NBD or
  Pareto/NBD, :mod:`cartera.analytics.clv`) times its expected spend per purchase
  (Gamma-Gamma), spread over the months;
* new clients: the recent acquisition rate (new clients a month) times the average
  revenue a new client brings in each month of its first year, added up over the
  cohorts that will be acquired during the horizon.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import numpy as np
import polars as pl

from cartera.analytics.forecast._calendar import month_number, month_start, shift_month
from cartera.analytics.frames import MONEY, FrameError, prepare_sales

FIRST_YEAR: Final = 12
CENT: Final = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Acquisition:
    """How many new clients arrive and what a new client buys in its first year.

    Attributes
    ----------
    through
        First day of the last month counted.
    window_months
        Months over which new clients were counted.
    new_clients
        Clients whose first purchase fell in those months.
    rate_per_month
        ``new_clients / window_months``.
    curve_cents
        Average revenue of a new client in its month of acquisition and each of the
        eleven after (12 floats, cents), over the clients first seen in the
        ``2 × window_months`` before ``through`` that are observed at that age.
    curve_clients
        Clients behind the first point of the curve.
    """

    through: dt.date
    window_months: int
    new_clients: int
    rate_per_month: float
    curve_cents: tuple[float, ...]
    curve_clients: int

    @property
    def first_year_value(self) -> Decimal:
        """Return the average revenue of a new client over its first twelve months."""
        return (Decimal(repr(sum(self.curve_cents))) / 100).quantize(CENT, ROUND_HALF_UP)


def acquisition(
    sales: pl.DataFrame | pl.LazyFrame, *, through: dt.date, window_months: int = 12
) -> Acquisition:
    """Return the recent acquisition rate and first-year revenue curve of new clients.

    Parameters
    ----------
    sales
        Sales lines (:data:`cartera.analytics.frames.SALES`), all of them: a client's
        first line ever marks its acquisition.
    through
        Any day of the last complete month.
    window_months
        Months back over which new clients are counted.
    """
    if window_months < 1:
        raise ValueError(f"window_months must be 1 or more, not {window_months}")
    last = month_start(through)
    rate_start = shift_month(last, -(window_months - 1))
    curve_start = shift_month(last, -(2 * window_months - 1))
    lines = prepare_sales(sales).filter(pl.col("date") < shift_month(last, 1))
    month = pl.col("date").dt.truncate("1mo").alias("month")
    by_month = lines.group_by("client", month).agg(pl.col("amount_cents").sum())
    firsts = by_month.group_by("client").agg(pl.col("month").min().alias("first"))
    age = (month_number("month") - month_number("first")).alias("age")
    newcomers = firsts.filter(pl.col("first") >= curve_start)
    ages = pl.LazyFrame({"age": np.arange(FIRST_YEAR, dtype=np.int64)})
    observed = (
        newcomers.join(ages, how="cross")
        .filter(pl.col("first").dt.offset_by(pl.format("{}mo", pl.col("age"))) <= last)
        .group_by("age")
        .agg(pl.len().alias("clients"))
    )
    earned = (
        by_month.join(newcomers, on="client")
        .with_columns(age)
        .filter(pl.col("age") < FIRST_YEAR)
        .group_by("age")
        .agg(pl.col("amount_cents").sum())
    )
    curve = (
        ages.join(observed, on="age", how="left")
        .join(earned, on="age", how="left")
        .select(
            "age",
            pl.col("clients").fill_null(0),
            pl.when(pl.col("clients") > 0)
            .then(pl.col("amount_cents").fill_null(0) / pl.col("clients"))
            .otherwise(0.0)
            .alias("mean_cents"),
        )
        .sort("age")
    )
    counted = firsts.filter(pl.col("first") >= rate_start).select(pl.len().alias("n"))
    curve_frame, counted_frame = pl.collect_all([curve, counted])
    new_clients = int(counted_frame["n"][0])
    return Acquisition(
        through=last,
        window_months=window_months,
        new_clients=new_clients,
        rate_per_month=new_clients / window_months,
        curve_cents=tuple(float(v) for v in curve_frame["mean_cents"]),
        curve_clients=int(curve_frame["clients"][0]),
    )


def new_client_revenue(acquired: Acquisition, horizon: int) -> np.ndarray:
    """Return the expected revenue (cents) of clients acquired during the horizon, by month.

    ``rate`` clients arrive every month; a client acquired in month ``j`` brings
    ``curve[m - j]`` in month ``m``. Beyond its first year a client keeps its twelfth
    month's level.
    """
    curve = np.asarray(acquired.curve_cents, dtype=np.float64)
    ages = np.minimum(np.arange(horizon), FIRST_YEAR - 1)
    arrivals = np.full(horizon, acquired.rate_per_month)
    return np.convolve(arrivals, curve[ages])[:horizon]


def bottom_up_forecast(
    existing: pl.DataFrame,
    *,
    start: dt.date,
    horizon: int = 12,
    acquired: Acquisition | None = None,
    profile: Sequence[float] | None = None,
    time_series: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the revenue expected by month from current and new clients.

    Parameters
    ----------
    existing
        One row per current client: ``client``, ``expected_purchases`` (over the
        whole horizon) and ``expected_spend`` (per purchase, currency units) — the
        columns of :func:`cartera.analytics.clv.customer_value`. With a ``month``
        column instead, ``expected_purchases`` are that month's, and no spreading
        is done.
    start
        Any day of the first month of the horizon.
    horizon
        Months.
    acquired
        Acquisition rate and first-year curve (:func:`acquisition`); ``None`` leaves
        new clients out.
    profile
        Twelve seasonal indices, January first (e.g.
        ``RevenueForecast.decomposition.indices("total")``), to spread the current
        clients' purchases; ``None`` spreads them evenly.
    time_series
        ``month`` and ``forecast_cents`` of the time-series forecast of the same
        total, to put side by side.

    Returns
    -------
    polars.DataFrame
        ``month``, ``existing_cents``, ``new_cents``, ``total_cents`` (Int64) and, with
        ``time_series``, ``time_series_cents`` and ``difference_cents`` (bottom-up
        minus time series).
    """
    for column in ("expected_purchases", "expected_spend"):
        if column not in existing.columns:
            raise FrameError(f"existing: missing column {column}", column=column)
    if horizon < 1:
        raise ValueError(f"horizon must be 1 or more months, not {horizon}")
    first = month_start(start)
    months = pl.date_range(first, shift_month(first, horizon - 1), "1mo", eager=True)
    value = (
        pl.col("expected_purchases").cast(pl.Float64)
        * pl.col("expected_spend").cast(pl.Float64)
        * 100.0
    )
    calendar = pl.DataFrame({"month": months})
    if "month" in existing.columns:
        current = (
            calendar.join(
                existing.group_by(pl.col("month").cast(pl.Date).dt.truncate("1mo")).agg(
                    value.sum().alias("_existing")
                ),
                on="month",
                how="left",
            )["_existing"]
            .fill_null(0.0)
            .to_numpy()
        )
    else:
        weights = np.ones(horizon)
        if profile is not None:
            if len(profile) != FIRST_YEAR:
                raise ValueError(f"profile must have 12 indices, not {len(profile)}")
            index = np.asarray(profile, dtype=np.float64)
            weights = index[months.dt.month().to_numpy() - 1]
        total = float(existing.select(value.sum()).item())
        spread = weights.sum()
        current = total * weights / spread if spread > 0 else np.full(horizon, total / horizon)
    return assemble(calendar["month"], current, acquired=acquired, time_series=time_series)


def assemble(
    months: pl.Series,
    existing_cents: np.ndarray,
    *,
    acquired: Acquisition | None,
    time_series: pl.DataFrame | None,
) -> pl.DataFrame:
    """Return the bottom-up frame from the current clients' revenue by month (cents)."""
    horizon = months.len()
    newcomers = new_client_revenue(acquired, horizon) if acquired is not None else np.zeros(horizon)
    result = (
        pl.DataFrame({"month": months})
        .with_columns(
            pl.Series("existing_cents", existing_cents).round(0).cast(MONEY),
            pl.Series("new_cents", newcomers).round(0).cast(MONEY),
        )
        .with_columns((pl.col("existing_cents") + pl.col("new_cents")).alias("total_cents"))
    )
    if time_series is None:
        return result
    return result.join(
        time_series.select(
            pl.col("month").cast(pl.Date),
            pl.col("forecast_cents").cast(MONEY).alias("time_series_cents"),
        ),
        on="month",
        how="left",
    ).with_columns((pl.col("total_cents") - pl.col("time_series_cents")).alias("difference_cents"))
