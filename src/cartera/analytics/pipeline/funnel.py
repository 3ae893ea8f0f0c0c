"""The prospect funnel: how many reach each stage, stage-to-stage conversion, lost reasons."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cartera.analytics.pipeline.columns import (
    LOST,
    STAGES,
    check_group_columns,
    prepare_prospects,
    prepare_stage_events,
    stage_index,
)


def furthest_stage(
    prospects: pl.DataFrame | pl.LazyFrame, events: pl.DataFrame | pl.LazyFrame | None = None
) -> pl.DataFrame:
    """Return ``prospects`` with ``reached`` (Int32): the furthest stage index reached.

    The furthest of the current stage (a won prospect passed every stage), the
    ``lost_stage`` of a lost one, and the stages in its history.
    """
    frame = prepare_prospects(prospects)
    current = stage_index(pl.col("stage"))
    if "lost_stage" in frame.columns:
        current = (
            pl.when(pl.col("stage") == LOST)
            .then(stage_index(pl.col("lost_stage")))
            .otherwise(current)
        )
    frame = frame.with_columns(current.fill_null(0).alias("reached"))
    if events is not None:
        history = (
            prepare_stage_events(events)
            .group_by("prospect")
            .agg(stage_index(pl.col("stage")).max().alias("_history"))
        )
        frame = (
            frame.join(history, on="prospect", how="left")
            .with_columns(
                pl.max_horizontal("reached", pl.col("_history").fill_null(0)).alias("reached")
            )
            .drop("_history")
        )
    return frame.with_columns(pl.col("reached").cast(pl.Int32))


def funnel(
    prospects: pl.DataFrame | pl.LazyFrame,
    *,
    by: Sequence[str] = (),
    events: pl.DataFrame | pl.LazyFrame | None = None,
) -> pl.DataFrame:
    """Return the funnel: per group and stage, how many reached it and converted.

    Parameters
    ----------
    prospects
        Frame following :data:`cartera.analytics.pipeline.PROSPECTS`.
    by
        Columns to break the funnel down by (``("source",)``, ``("campaign",)`` …);
        empty for the whole pipeline.
    events
        Optional stage history following ``STAGE_EVENTS``.

    Returns
    -------
    polars.DataFrame
        The ``by`` columns, ``stage``, ``step`` (1 = new … 5 = won), ``reached``
        (prospects that got at least this far), ``open`` (prospects standing at this
        stage now; for won, those won), ``lost_here`` (lost with this as their furthest
        stage), ``conversion`` (reached ÷ reached at the previous step, null at step 1)
        and ``share_of_created`` (reached ÷ created).
    """
    frame = furthest_stage(prospects, events)
    keys = check_group_columns(frame, by)
    reached, lost = pl.col("reached"), pl.col("stage") == LOST
    counts = []
    for step, name in enumerate(STAGES):
        counts += [
            (reached >= step).sum().alias(f"reached__{name}"),
            (pl.col("stage") == name).sum().alias(f"open__{name}"),
            (lost & (reached == step)).sum().alias(f"lost__{name}"),
        ]
    wide = frame.group_by(keys).agg(counts) if keys else frame.select(counts)
    long = pl.concat(
        [
            wide.select(
                *keys,
                pl.lit(name).alias("stage"),
                pl.lit(step + 1, pl.Int32).alias("step"),
                pl.col(f"reached__{name}").cast(pl.Int64).alias("reached"),
                pl.col(f"open__{name}").cast(pl.Int64).alias("open"),
                pl.col(f"lost__{name}").cast(pl.Int64).alias("lost_here"),
            )
            for step, name in enumerate(STAGES)
        ]
    ).sort([*keys, "step"])
    over = keys or None
    previous = pl.col("reached").shift(1)
    created = pl.col("reached").first()
    if over:
        previous, created = previous.over(over), created.over(over)
    return long.with_columns(
        pl.when(pl.col("step") > 1)
        .then(pl.when(previous > 0).then(pl.col("reached") / previous))
        .alias("conversion"),
        pl.when(created > 0).then(pl.col("reached") / created).alias("share_of_created"),
    )


def conversion_by(funnel: pl.DataFrame, by: str) -> pl.DataFrame:
    """Return created → won per group of a funnel broken down ``by`` one column.

    Columns ``by``, ``created``, ``won`` and ``win_rate`` (won ÷ created, null when none
    was created), the groups with most prospects first: the conversion a manager
    compares across sources or campaigns.
    """
    created = funnel.filter(pl.col("step") == 1).select(by, pl.col("reached").alias("created"))
    won = funnel.filter(pl.col("stage") == "won").select(
        by, pl.col("reached").alias("won"), pl.col("share_of_created").alias("win_rate")
    )
    # Prospects without a source (or campaign) are a group of their own, not dropped.
    return created.join(won, on=by, nulls_equal=True).sort("created", by, descending=[True, False])


def lost_reasons(prospects: pl.DataFrame | pl.LazyFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """Return why prospects were discarded (S0.6): count and share per reason and group.

    Columns: the ``by`` columns, ``lost_reason`` (null when none was given),
    ``prospects`` and ``share`` (of the group's lost prospects); largest first.
    """
    frame = prepare_prospects(prospects)
    keys = check_group_columns(frame, by)
    if "lost_reason" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("lost_reason"))
    counted = (
        frame.filter(pl.col("stage") == LOST)
        .group_by([*keys, "lost_reason"])
        .agg(pl.len().cast(pl.Int64).alias("prospects"))
    )
    total = pl.col("prospects").sum()
    share = pl.col("prospects") / (total.over(keys) if keys else total)
    return counted.with_columns(share.alias("share")).sort(
        [*keys, "prospects", "lost_reason"],
        descending=[*(False for _ in keys), True, False],
        nulls_last=True,
    )
