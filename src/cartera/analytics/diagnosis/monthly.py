"""Monthly revenue: trend, seasonality, year-on-year growth, moving average (S3.5, S3.8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from cartera.analytics.diagnosis.clients import MASK_MONTHS, Period
from cartera.analytics.diagnosis.cohorts import month_bits
from cartera.analytics.diagnosis.grouped import counts, minima, sums
from cartera.analytics.diagnosis.lines import Lines
from cartera.analytics.diagnosis.window import add_months


@dataclass(frozen=True, slots=True)
class MonthlyStatistics:
    """Monthly revenue over the whole history up to ``as_of``, and its statistics.

    Attributes
    ----------
    months
        One row per calendar month from the first sale to ``as_of`` (months without
        sales included): ``month`` (first day), ``revenue_cents``, ``lines``,
        ``active_clients`` (clients with a line; null before the last 64 months),
        ``new_clients`` (first purchase in the month), ``moving_average_3m_cents``
        (trailing, the month and the two before), ``yoy_growth`` (against the same
        month a year before), ``partial`` (the month is cut by the data's first day
        or by ``as_of``).
    mean, median, std
        Of the revenue of the last 12 calendar months up to ``as_of``'s month.
    coefficient_of_variation
        ``std / mean`` of those months.
    best_month, worst_month
        The months of highest and lowest revenue among them.
    trend_per_month
        Slope of a least-squares line through the last 24 months' revenue (currency
        units per month); positive means growing.
    seasonality
        ``calendar_month`` (1–12) and ``index``: the month's mean revenue over the
        mean of all complete months (1 = an average month).
    """

    months: pl.DataFrame
    mean: float | None
    median: float | None
    std: float | None
    coefficient_of_variation: float | None
    best_month: dt.date | None
    worst_month: dt.date | None
    trend_per_month: float | None
    seasonality: pl.DataFrame


def monthly_lines(lines: Lines) -> pl.DataFrame:
    """Return revenue, lines and first sale day per calendar month with lines.

    Columns ``month`` (first day), ``revenue_cents``, ``lines``, ``_first_day``.
    """
    low, high = int(lines.day.min()), int(lines.day.max())
    # Each line's month is read from a table of the days spanned, built once.
    calendar = np.arange(low, high + 1, dtype=np.int64).astype("datetime64[D]")
    month_of_day = calendar.astype("datetime64[M]").astype(np.int64)
    first_month = int(month_of_day[0])
    month = month_of_day[lines.day - low] - first_month
    size = int(month_of_day[-1]) - first_month + 1
    count = counts(month, size)
    used = np.flatnonzero(count)
    starts = (np.arange(size, dtype=np.int64) + first_month).astype("datetime64[M]")
    return pl.DataFrame(
        {
            "month": pl.Series(starts[used].astype("datetime64[D]")).cast(pl.Date),
            "revenue_cents": sums(month, lines.amount, size)[used],
            "lines": count[used],
            "_first_day": pl.Series(
                minima(month, lines.day, size)[used].astype("datetime64[D]")
            ).cast(pl.Date),
        }
    )


def _active_per_month(clients: pl.DataFrame, period: Period) -> pl.DataFrame:
    masks = clients.get_column("month_mask").to_numpy()
    counts = month_bits(masks).sum(axis=0, dtype=np.int64)
    base = period.mask_base
    first = [dt.date((base + k) // 12, (base + k) % 12 + 1, 1) for k in range(MASK_MONTHS)]
    return pl.DataFrame({"month": first, "active_clients": counts})


def monthly_statistics(
    per_month: pl.DataFrame, clients: pl.DataFrame, period: Period
) -> MonthlyStatistics:
    """Return the monthly statistics from :func:`monthly_lines`'s result and the clients."""
    as_of = period.as_of
    end = dt.date(as_of.year, as_of.month, 1)
    start = min(per_month["month"].min(), end) if per_month.height else end  # type: ignore[type-var]
    calendar = pl.DataFrame({"month": pl.date_range(start, end, "1mo", eager=True)})
    new = clients.group_by(pl.col("first_purchase").dt.truncate("1mo").alias("month")).agg(
        pl.len().cast(pl.Int64).alias("new_clients")
    )
    first_day = per_month["_first_day"].min() if per_month.height else None
    months = (
        calendar.join(per_month, on="month", how="left")
        .join(_active_per_month(clients, period), on="month", how="left")
        .join(new, on="month", how="left")
        .sort("month")
        .with_columns(
            pl.col("revenue_cents").fill_null(0),
            pl.col("lines").fill_null(0),
            pl.col("new_clients").fill_null(0),
        )
        .with_columns(
            pl.col("revenue_cents")
            .rolling_mean(3, min_samples=1)
            .round(0)
            .cast(pl.Int64)
            .alias("moving_average_3m_cents"),
            pl.when(pl.col("revenue_cents").shift(12) > 0)
            .then(pl.col("revenue_cents") / pl.col("revenue_cents").shift(12) - 1)
            .alias("yoy_growth"),
            (
                (pl.col("month") == end) & (as_of != _month_end(as_of))
                | (
                    (pl.col("month") == start)
                    & (first_day is not None)
                    & (pl.lit(first_day) != start)
                )
            ).alias("partial"),
        )
        .drop("_first_day")
        .with_columns(
            pl.when(pl.col("month") >= pl.lit(add_months(end, -(MASK_MONTHS - 1))))
            .then(pl.col("active_clients").fill_null(0))
            .alias("active_clients")
        )
    )
    recent = months.filter(pl.col("month") > pl.lit(add_months(end, -12)))
    revenue = recent["revenue_cents"].cast(pl.Float64) / 100
    mean = float(revenue.mean()) if recent.height else None  # type: ignore[arg-type]
    std = float(revenue.std()) if recent.height > 1 else None  # type: ignore[arg-type]
    best = recent.sort(["revenue_cents", "month"], descending=[True, False]).head(1)
    worst = recent.sort(["revenue_cents", "month"]).head(1)
    trend_months = months.tail(24)
    trend = None
    if trend_months.height >= 3:
        y = trend_months["revenue_cents"].to_numpy().astype(np.float64) / 100
        trend = float(np.polyfit(np.arange(y.size, dtype=np.float64), y, 1)[0])
    complete = months.filter(~pl.col("partial"))
    overall = complete["revenue_cents"].mean()
    seasonality = (
        complete.group_by(pl.col("month").dt.month().alias("calendar_month"))
        .agg((pl.col("revenue_cents").mean() / overall).alias("index"))
        .sort("calendar_month")
        if overall
        else pl.DataFrame(schema={"calendar_month": pl.Int8, "index": pl.Float64})
    )
    return MonthlyStatistics(
        months=months,
        mean=mean,
        median=float(revenue.median()) if recent.height else None,  # type: ignore[arg-type]
        std=std,
        coefficient_of_variation=(std / mean) if std is not None and mean else None,
        best_month=best["month"].item() if best.height else None,
        worst_month=worst["month"].item() if worst.height else None,
        trend_per_month=trend,
        seasonality=seasonality,
    )


def _month_end(day: dt.date) -> dt.date:
    return add_months(dt.date(day.year, day.month, 1), 1) - dt.timedelta(days=1)
