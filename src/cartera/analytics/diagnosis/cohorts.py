"""Cohort retention: of the clients first buying in a month, how many buy k months on (S0.4)."""

from __future__ import annotations

from typing import Final

import polars as pl

from cartera.analytics.diagnosis.clients import _POWERS, MASK_MONTHS, Period
from cartera.analytics.diagnosis.window import month_index_expr

DEFAULT_COHORTS: Final = 24


def cohort_retention(
    clients: pl.DataFrame, period: Period, months: int = DEFAULT_COHORTS
) -> pl.DataFrame:
    """Return the retention matrix of the last ``months`` monthly cohorts, in long form.

    A cohort is the calendar month of a client's first purchase ever; cell (cohort,
    k) counts the cohort's clients with a line in the k-th month after it (k = 0 is
    the first month, so its retention is 1). Cells after ``as_of``'s month are absent.

    Returns
    -------
    polars.DataFrame
        ``cohort`` (first day of the month), ``offset`` (k), ``size`` (clients in the
        cohort), ``active`` and ``retention`` (active / size), sorted by cohort, offset.
    """
    months = max(1, min(months, MASK_MONTHS))
    last = MASK_MONTHS - 1  # bit of as_of's month
    first_bit = month_index_expr(pl.col("first_purchase")) - period.mask_base
    recent = clients.select(
        pl.col("first_purchase").dt.truncate("1mo").alias("cohort"),
        first_bit.alias("_bit"),
        pl.col("month_mask"),
    ).filter(pl.col("_bit") >= last - (months - 1))
    cells = [
        pl.when(pl.col("_bit") + k <= last)
        .then(
            (
                pl.col("month_mask")
                // pl.lit(_POWERS).gather((pl.col("_bit") + k).clip(0, last))
                % 2
            ).cast(pl.Int64)
        )
        .alias(f"{k}")
        for k in range(months)
    ]
    counted = (
        recent.with_columns(cells)
        .group_by("cohort", "_bit")
        .agg(pl.len().cast(pl.Int64).alias("size"), *[pl.col(f"{k}").sum() for k in range(months)])
    )
    long = counted.unpivot(
        index=["cohort", "_bit", "size"], variable_name="offset", value_name="active"
    ).with_columns(pl.col("offset").cast(pl.Int64))
    return (
        long.filter(pl.col("_bit") + pl.col("offset") <= last)
        .select(
            "cohort",
            "offset",
            "size",
            pl.col("active").cast(pl.Int64),
            (pl.col("active") / pl.col("size")).alias("retention"),
        )
        .sort("cohort", "offset")
    )
