"""The column contract of prospect-pipeline frames (S0.5–S0.7, S1.4).

Prospects (``PROSPECTS``)
-------------------------
=============== ====== ======== ========================================================
column          dtype  required meaning
=============== ====== ======== ========================================================
prospect        String yes      prospect key
created         Date   yes      day the prospect entered the pipeline
stage           String yes      current stage: new, contacted, qualified, proposal,
                                won or lost
source          String no       acquisition source (trade fair, event, referral …)
campaign        String no       campaign key (see ``CAMPAIGNS``)
won_date        Date   no       day it was won
lost_date       Date   no       day it was discarded
lost_reason     String no       no potential, no budget, bad payer, out of territory …
lost_stage      String no       last stage reached before being lost
client          String no       client code once won (links to the sales)
salesperson     String no       salesperson in charge
=============== ====== ======== ========================================================

Stage history (``STAGE_EVENTS``, optional): ``prospect``, ``stage``, ``date`` — one row
each time a prospect entered a stage. The furthest stage a prospect reached is the
furthest of its current stage, its ``lost_stage`` and its history; a won prospect has
passed every stage.

Campaigns (``CAMPAIGNS``): ``campaign`` String, ``source`` String (optional), and
``cost_cents`` Int64 (or ``cost`` in currency units).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from cartera.analytics.frames import MONEY, Column, FrameError, conform, to_cents

STAGES: Final[tuple[str, ...]] = ("new", "contacted", "qualified", "proposal", "won")
"""Stages in order; a prospect reaching one has passed all before it."""

LOST: Final = "lost"

PROSPECTS: Final[tuple[Column, ...]] = (
    Column("prospect", pl.String, True, "prospect key"),
    Column("created", pl.Date, True, "creation day"),
    Column("stage", pl.String, True, "current stage"),
    Column("source", pl.String, False, "acquisition source"),
    Column("campaign", pl.String, False, "campaign key"),
    Column("won_date", pl.Date, False, "day won"),
    Column("lost_date", pl.Date, False, "day lost"),
    Column("lost_reason", pl.String, False, "disqualification reason"),
    Column("lost_stage", pl.String, False, "last stage before lost"),
    Column("client", pl.String, False, "client code once won"),
    Column("salesperson", pl.String, False, "salesperson"),
)

STAGE_EVENTS: Final[tuple[Column, ...]] = (
    Column("prospect", pl.String, True, "prospect key"),
    Column("stage", pl.String, True, "stage entered"),
    Column("date", pl.Date, True, "day entered"),
)

CAMPAIGNS: Final[tuple[Column, ...]] = (
    Column("campaign", pl.String, True, "campaign key"),
    Column("source", pl.String, False, "acquisition source"),
    Column("cost_cents", MONEY, True, "campaign cost in cents"),
)


def _check_stages(frame: pl.DataFrame, column: str, allowed: tuple[str, ...], what: str) -> None:
    bad = frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(allowed)))
    if bad.height:
        first = bad.row(0, named=True)
        raise FrameError(
            f"{what}: prospect {first['prospect']} has unknown {column} {first[column]!r}; "
            f"expected one of {', '.join(allowed)}",
            column=column,
        )


def prepare_prospects(prospects: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Return ``prospects`` following :data:`PROSPECTS`, its stages checked."""
    frame = conform(prospects.lazy(), PROSPECTS, "prospects").collect()
    _check_stages(frame, "stage", (*STAGES, LOST), "prospects")
    if "lost_stage" in frame.columns:
        _check_stages(frame, "lost_stage", STAGES[:-1], "prospects")
    if frame["prospect"].is_duplicated().any():
        repeated = frame.filter(pl.col("prospect").is_duplicated())["prospect"][0]
        raise FrameError(
            f"prospects: prospect {repeated} appears more than once", column="prospect"
        )
    return frame


def prepare_stage_events(events: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Return ``events`` following :data:`STAGE_EVENTS`, its stages checked."""
    frame = conform(events.lazy(), STAGE_EVENTS, "stage events").collect()
    _check_stages(frame, "stage", (*STAGES, LOST), "stage events")
    return frame


def prepare_campaigns(campaigns: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Return ``campaigns`` following :data:`CAMPAIGNS` (``cost`` converted to cents)."""
    frame = campaigns.lazy()
    schema = frame.collect_schema()
    if "cost" in schema and "cost_cents" not in schema:
        frame = frame.with_columns(to_cents(pl.col("cost")).alias("cost_cents")).drop("cost")
    result = conform(frame, CAMPAIGNS, "campaigns").collect()
    if result["campaign"].is_duplicated().any():
        repeated = result.filter(pl.col("campaign").is_duplicated())["campaign"][0]
        raise FrameError(
            f"campaigns: campaign {repeated} appears more than once", column="campaign"
        )
    negative = result.filter(pl.col("cost_cents") < 0)
    if negative.height:
        raise FrameError(
            f"campaigns: campaign {negative['campaign'][0]} has a negative cost",
            column="cost_cents",
        )
    return result


def check_group_columns(frame: pl.DataFrame, by: Sequence[str]) -> list[str]:
    """Return ``by`` as a list after checking every column is in ``frame``."""
    for column in by:
        if column not in frame.columns:
            raise FrameError(f"prospects: no column {column!r} to group by", column=column)
    return list(by)


def stage_index(column: pl.Expr) -> pl.Expr:
    """Return the 0-based position of a stage name in :data:`STAGES` (null for lost)."""
    return column.replace_strict(
        {name: i for i, name in enumerate(STAGES)}, default=None, return_dtype=pl.Int32
    )
