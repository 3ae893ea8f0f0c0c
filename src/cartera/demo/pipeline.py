"""The demo's prospect pipeline: stages, their history and the qualification answers.

Clients that joined during the demo's years came through the pipeline (new → contacted →
qualified → proposal → won, over a cycle of a few weeks to a few months); today's
prospects stand at every open stage, and a share was disqualified with a reason (S0.6).
Vectorised with numpy; a generator of its own keeps the other tables as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

STAGES: Final = ("new", "contacted", "qualified", "proposal", "won")
REASONS: Final = (
    ("no_potential", 0.28),
    ("no_budget", 0.2),
    ("bad_payer", 0.1),
    ("out_of_territory", 0.08),
    ("no_need", 0.16),
    ("competitor", 0.12),
    ("unreachable", 0.06),
)


@dataclass(frozen=True, slots=True)
class PipelineStory:
    """Per-account pipeline columns (clients first, then prospects) and the history."""

    columns: pl.DataFrame
    events: pl.DataFrame
    prospect_attributes: pl.Series


def _dates(days: np.ndarray) -> pl.Series:
    series = pl.Series(np.asarray(days, dtype=np.int64)).cast(pl.Int32)
    return (
        pl.select(pl.when(series < 0).then(None).otherwise(series).alias("d"))
        .to_series()
        .cast(pl.Date)
    )


def _steps(rng: np.random.Generator, begin: np.ndarray, end: np.ndarray, count: int) -> np.ndarray:
    """Return ``count`` increasing day numbers per row from ``begin`` to ``end`` (both kept)."""
    inner = np.sort(rng.random((len(begin), max(count - 2, 0))), axis=1)
    span = (end - begin)[:, None]
    middle = begin[:, None] + np.floor(inner * span).astype(np.int64)
    return np.column_stack([begin, middle, end]) if count >= 2 else begin[:, None]


def pipeline_story(
    *,
    seed: int,
    join: np.ndarray,
    start: int,
    prospect_status: np.ndarray,
    prospect_created: np.ndarray,
    prospect_attributes: pl.Series,
    today: int,
) -> PipelineStory:
    """Return the pipeline of ``len(join)`` clients and ``len(prospect_status)`` prospects."""
    rng = np.random.default_rng(seed + 7919)
    n, n_p = len(join), len(prospect_status)

    # Clients who joined after the history began were won through the pipeline.
    won = join > start
    cycle = np.clip(np.round(rng.lognormal(np.log(45), 0.6, n)), 7, 240).astype(np.int64)
    entered = np.where(won, join - cycle, -1)
    won_days = _steps(rng, entered[won], join[won], len(STAGES))
    won_ids = np.flatnonzero(won) + 1

    # Prospects: early ones at new or contacted, qualified ones further on; some of the
    # early ones discarded with a reason.
    qualified = prospect_status == "qualified"
    reach = np.where(qualified, 2 + (rng.random(n_p) < 0.45), rng.integers(0, 2, n_p))
    lost = ~qualified & (rng.random(n_p) < 0.35)
    lost_at = np.where(lost, np.minimum(reach, 1), reach)  # stage stood at when dropped
    steps = np.where(lost, lost_at + 2, reach + 1)  # events: stages reached (+ the loss)
    finish = np.minimum(prospect_created + rng.integers(5, 120, n_p), today)
    labels = np.array(REASONS)[:, 0]
    weights = np.array([r[1] for r in REASONS])
    reason = np.where(lost, labels[rng.choice(len(REASONS), n_p, p=weights / weights.sum())], "")
    p_ids = n + 1 + np.arange(n_p)
    p_account = np.repeat(p_ids, steps)
    offset = np.arange(len(p_account)) - np.repeat(np.cumsum(steps) - steps, steps)
    p_last = np.repeat(steps, steps) - 1
    p_lost = np.repeat(lost, steps)
    fraction = np.where(p_last > 0, offset / np.maximum(p_last, 1), 0.0)
    first = np.repeat(prospect_created, steps)
    p_day = first + np.floor(fraction * (np.repeat(finish, steps) - first)).astype(np.int64)
    p_stage_code = np.where(p_lost & (offset == p_last), 5, offset)
    p_from = offset - 1  # -1: entered the pipeline

    all_stages = np.array([*STAGES, "lost"])
    account = np.concatenate([np.repeat(won_ids, len(STAGES)), p_account])
    stage = np.concatenate([np.tile(np.arange(len(STAGES)), len(won_ids)), p_stage_code])
    from_stage = np.concatenate([np.tile(np.arange(-1, len(STAGES) - 1), len(won_ids)), p_from])
    day = np.concatenate([won_days.reshape(-1), p_day])
    labels_from = np.array(["", *all_stages])
    events = pl.DataFrame(
        {
            "id": np.arange(1, len(account) + 1),
            "account_id": account,
            "stage": all_stages[stage],
            "from_stage": labels_from[from_stage + 1],
            "date": _dates(day),
            "reason": np.concatenate(
                [np.full(len(won_ids) * len(STAGES), ""), np.repeat(reason, steps)]
            ),
            "note": np.full(len(account), ""),
        }
    ).with_columns(
        pl.when(pl.col("stage") == "lost")
        .then(pl.col("reason"))
        .otherwise(pl.lit(""))
        .alias("reason")
    )

    p_stage = np.where(lost, "lost", np.array(STAGES)[reach])
    columns = pl.DataFrame(
        {
            "pipeline_stage": np.concatenate([np.where(won, "won", ""), p_stage]),
            "pipeline_entered_on": _dates(np.concatenate([entered, prospect_created])),
            "won_on": _dates(np.concatenate([np.where(won, join, -1), np.full(n_p, -1)])),
            "disqualified_on": _dates(np.concatenate([np.full(n, -1), np.where(lost, finish, -1)])),
            "disqualified_reason": np.concatenate([np.full(n, ""), reason]),
        }
    )
    return PipelineStory(columns, events, _qualification_answers(rng, prospect_attributes, reach))


def _qualification_answers(
    rng: np.random.Generator, attributes: pl.Series, reach: np.ndarray
) -> pl.Series:
    """Return the prospects' attributes with what qualifying found out (S0.6).

    Past "contacted", needs are confirmed and a credit rating is known; earlier, each is
    known for some prospects only (the questions still to ask).
    """
    n = len(reach)
    asked = reach >= 2
    needs_known = asked | (rng.random(n) < 0.3)
    needs = np.where(asked, rng.random(n) < 0.9, rng.random(n) < 0.5)
    rating_known = asked | (rng.random(n) < 0.25)
    rating = np.clip(np.round(rng.normal(640, 80, n)), 300, 850).astype(np.int64)
    frame = pl.DataFrame(
        {
            "attributes": attributes,
            "needs": pl.Series(np.where(needs, "true", "false")),
            "needs_known": needs_known,
            "rating": rating,
            "rating_known": rating_known,
        }
    )
    extra = pl.concat_str(
        pl.when(pl.col("needs_known"))
        .then(pl.concat_str(pl.lit(', "needs_confirmed": '), pl.col("needs")))
        .otherwise(pl.lit("")),
        pl.when(pl.col("rating_known"))
        .then(pl.concat_str(pl.lit(', "credit_rating": '), pl.col("rating").cast(pl.String)))
        .otherwise(pl.lit("")),
    )
    return frame.select(
        pl.concat_str(pl.col("attributes").str.strip_suffix("}"), extra, pl.lit("}")).alias(
            "attributes"
        )
    ).to_series()
