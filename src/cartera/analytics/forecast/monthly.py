"""Monthly revenue series from sales lines: the input of every forecast (S3.5, S3.8)."""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl

from cartera.analytics.forecast._calendar import month_number, month_start
from cartera.analytics.frames import MONEY, FrameError, prepare_sales

TOTAL: Final = "total"
"""Series id of the whole company when no breakdown is asked for."""

UNASSIGNED: Final = "(unassigned)"
"""Series id of the lines whose breakdown column is empty."""

MONTHLY_COLUMNS: Final = ("series", "month", "revenue_cents")
"""Columns of a monthly revenue frame: ``series`` String, ``month`` Date, ``revenue_cents``."""


def monthly_revenue(
    sales: pl.DataFrame | pl.LazyFrame,
    *,
    by: str | None = None,
    through: dt.date | None = None,
) -> pl.DataFrame:
    """Return the revenue of every month of every series, months without sales as zero.

    Parameters
    ----------
    sales
        Sales lines following :data:`cartera.analytics.frames.SALES`.
    by
        Column to break the revenue down by (``salesperson``, ``segment``, ``family``,
        ``client`` …); ``None`` gives one series, :data:`TOTAL`. Lines with an empty
        value form the series :data:`UNASSIGNED`.
    through
        Last month to include (any day of it). Lines after it are ignored. Default: the
        month of the last line. Pass the last *complete* month so that a month still
        being invoiced does not look like a collapse.

    Returns
    -------
    polars.DataFrame
        ``series`` (String), ``month`` (Date, first day) and ``revenue_cents`` (Int64),
        sorted by series and month. A series lives from its first month with a line to
        ``through``: a salesperson who stopped selling shows zeros up to the end,
        which is what the forecast and the drift alerts must see.

    Raises
    ------
    FrameError
        If a required column or the ``by`` column is missing.
    """
    lines = prepare_sales(sales)
    if by is not None and by not in lines.collect_schema():
        raise FrameError(f"sales: no column {by!r} to break the revenue down by", column=by)
    series = (
        pl.lit(TOTAL) if by is None else pl.col(by).cast(pl.String).fill_null(UNASSIGNED)
    ).alias("series")
    month = pl.col("date").dt.truncate("1mo").alias("month")
    if through is not None:
        lines = lines.filter(pl.col("date") < _next_month(month_start(through)))
    totals = lines.group_by(series, month).agg(
        pl.col("amount_cents").sum().cast(MONEY).alias("revenue_cents")
    )
    end = (
        totals.select(pl.col("month").max().alias("last"))
        if through is None
        else pl.LazyFrame({"last": [month_start(through)]}, schema={"last": pl.Date})
    )
    grid = (
        totals.group_by("series")
        .agg(pl.col("month").min().alias("first"))
        .join(end, how="cross")
        .select("series", pl.date_ranges("first", "last", "1mo").alias("month"))
        .explode("month")
    )
    return (
        grid.join(totals, on=["series", "month"], how="left")
        .select(
            pl.col("series").cast(pl.String),
            pl.col("month").cast(pl.Date),
            pl.col("revenue_cents").fill_null(0).cast(MONEY),
        )
        .sort("series", "month")
        .collect()
    )


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def check_monthly(monthly: pl.DataFrame, *, what: str = "monthly") -> pl.DataFrame:
    """Return ``monthly`` sorted by series and month after checking its shape.

    Raises
    ------
    FrameError
        If a column of :data:`MONTHLY_COLUMNS` is missing, a month is repeated or a
        month is missing inside a series (build the frame with :func:`monthly_revenue`).
    """
    missing = [c for c in MONTHLY_COLUMNS if c not in monthly.columns]
    if missing:
        raise FrameError(
            f"{what}: missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(MONTHLY_COLUMNS)} (see monthly_revenue)",
            column=missing[0],
        )
    frame = monthly.select(
        pl.col("series").cast(pl.String),
        pl.col("month").cast(pl.Date).dt.truncate("1mo"),
        pl.col("revenue_cents").cast(MONEY),
    ).sort("series", "month")
    steps = (
        frame.lazy()
        .select(
            pl.col("series"),
            (month_number() - month_number().shift(1).over("series")).alias("step"),
        )
        .filter(pl.col("step") != 1)
        .head(1)
        .collect()
    )
    if steps.height:
        series, step = steps.row(0)
        problem = "repeats a month" if step == 0 else "skips a month"
        raise FrameError(
            f"{what}: series {series!r} {problem}; one row per month is expected "
            "(see monthly_revenue)",
            column="month",
        )
    if frame["revenue_cents"].null_count():
        raise FrameError(f"{what}: revenue_cents has empty values", column="revenue_cents")
    return frame
