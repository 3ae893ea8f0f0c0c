"""Sales-cycle length: days from creation to won, and how fast hopeless prospects are dropped.

Shortening the cycle by qualifying quickly and discarding what has no potential is a
goal of prospecting (S0.6); both durations are measured here.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cartera.analytics.frames import FrameError
from cartera.analytics.pipeline.columns import LOST, check_group_columns, prepare_prospects


def _days_after_creation(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column not in frame.columns:
        return pl.lit(None, pl.Int64)
    early = frame.filter(pl.col(column) < pl.col("created"))
    if early.height:
        first = early.row(0, named=True)
        raise FrameError(
            f"prospects: prospect {first['prospect']} has {column} {first[column]} "
            f"before its creation {first['created']}",
            column=column,
        )
    return (pl.col(column) - pl.col("created")).dt.total_days()


def sales_cycle(prospects: pl.DataFrame | pl.LazyFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """Return the sales-cycle length per group.

    Parameters
    ----------
    prospects
        Frame following :data:`cartera.analytics.pipeline.PROSPECTS`; the cycle of a
        won prospect needs its ``won_date``, the time to discard a lost one its
        ``lost_date``.
    by
        Columns to break the figures down by; empty for the whole pipeline.

    Returns
    -------
    polars.DataFrame
        The ``by`` columns; ``won`` (won prospects with a date), ``mean_days``,
        ``median_days``, ``p25_days``, ``p75_days`` from creation to won; ``lost``
        (lost prospects with a date) and ``median_days_to_discard``.
    """
    frame = prepare_prospects(prospects)
    keys = check_group_columns(frame, by)
    won_days = _days_after_creation(frame, "won_date")
    lost_days = _days_after_creation(frame, "lost_date")
    frame = frame.with_columns(
        pl.when(pl.col("stage") == "won").then(won_days).alias("_won_days"),
        pl.when(pl.col("stage") == LOST).then(lost_days).alias("_lost_days"),
    )
    days = pl.col("_won_days").cast(pl.Float64)
    aggregations = [
        pl.col("_won_days").count().cast(pl.Int64).alias("won"),
        days.mean().alias("mean_days"),
        days.median().alias("median_days"),
        days.quantile(0.25, interpolation="linear").alias("p25_days"),
        days.quantile(0.75, interpolation="linear").alias("p75_days"),
        pl.col("_lost_days").count().cast(pl.Int64).alias("lost"),
        pl.col("_lost_days").cast(pl.Float64).median().alias("median_days_to_discard"),
    ]
    result = frame.group_by(keys).agg(aggregations) if keys else frame.select(aggregations)
    return result.sort(keys) if keys else result
