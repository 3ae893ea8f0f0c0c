"""A solvency score from 0 to 100 per client, explained component by component (S1.8).

The score is the sum of five components, each worth at most its weight (defaults in
brackets); every component is a column of the result, so a low score can be read off
as "late on most payments" or "a large old debt":

punctuality (35)
    × the share of the amounts due in the window paid by the due date.
lateness (25)
    × ``1 - avg_days_late / 90``, floored at 0: 90 or more days late on average gives 0.
overdue (20)
    × ``1 - (open amount more than 30 days overdue) / (open amount)``; full points
    with nothing open.
seniority (10)
    × ``days since the first invoice / 730``, capped at 1: two years of relationship
    give full points.
worst delay (10)
    × ``1 - days overdue of the oldest open invoice / 180``, floored at 0.

A client with nothing due in the window (new, or buying rarely) has no evidence of
punctuality or lateness: those two components give half their points, and the
``evidence`` column is false, so the policy can treat the score with caution.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cartera.analytics.receivables.allocation import Allocation
from cartera.analytics.receivables.behaviour import payment_behaviour
from cartera.analytics.receivables.columns import prepare_invoices

COMPONENTS: tuple[str, ...] = ("punctuality", "lateness", "overdue", "seniority", "worst_delay")
"""Names of the components; each is a ``<name>_points`` column of :func:`solvency`."""


@dataclass(frozen=True, slots=True)
class SolvencyWeights:
    """Weights (summing to 100) and scales of the solvency components.

    Attributes
    ----------
    punctuality, lateness, overdue, seniority, worst_delay
        Points of each component; they must add up to 100.
    lateness_days
        Average days late that brings the lateness points to zero.
    overdue_after_days
        Open amounts more than this many days overdue count against the overdue points.
    seniority_days
        Days of relationship that give the full seniority points.
    worst_delay_days
        Days overdue of the oldest open invoice that bring the worst-delay points to zero.
    """

    punctuality: float = 35.0
    lateness: float = 25.0
    overdue: float = 20.0
    seniority: float = 10.0
    worst_delay: float = 10.0
    lateness_days: int = 90
    overdue_after_days: int = 30
    seniority_days: int = 730
    worst_delay_days: int = 180

    def __post_init__(self) -> None:
        total = sum(getattr(self, name) for name in COMPONENTS)
        if abs(total - 100.0) > 1e-9:
            raise ValueError(f"the solvency weights must add up to 100, not {total}")
        if min(getattr(self, name) for name in COMPONENTS) < 0:
            raise ValueError("a solvency weight cannot be negative")


def solvency(
    allocation: Allocation,
    invoices: pl.DataFrame | pl.LazyFrame,
    *,
    window_days: int = 365,
    weights: SolvencyWeights | None = None,
) -> pl.DataFrame:
    """Return the solvency score of every client invoiced on or before ``allocation.as_of``.

    Parameters
    ----------
    allocation
        The matching at the date of the score (:func:`allocate`).
    invoices
        The invoices frame the allocation was computed from (for the first invoice).
    window_days
        The payment-behaviour window (see
        :func:`~cartera.analytics.receivables.behaviour.payment_behaviour`).
    weights
        Weights and scales of the components; the defaults above when omitted.

    Returns
    -------
    polars.DataFrame
        ``client``, ``<component>_points`` for each of :data:`COMPONENTS`, ``score``
        (their sum, 0–100, Float64), ``evidence`` (something fell due in the window),
        and the figures behind them: ``share_on_time``, ``avg_days_late``,
        ``open_cents``, ``overdue_cents`` (more than ``overdue_after_days``),
        ``oldest_days_overdue``, ``first_invoice``. Sorted by score, lowest first.
    """
    w = weights or SolvencyWeights()
    as_of = allocation.as_of
    behaviour = payment_behaviour(allocation, window_days=window_days, by="client").lazy()
    days_overdue = (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    debts = (
        allocation.items.lazy()
        .filter(pl.col("open_cents") > 0)
        .group_by("client")
        .agg(
            pl.col("open_cents").sum(),
            pl.col("open_cents")
            .filter(days_overdue > w.overdue_after_days)
            .sum()
            .alias("overdue_cents"),
            days_overdue.max().clip(lower_bound=0).alias("oldest_days_overdue"),
        )
    )
    clients = (
        prepare_invoices(invoices)
        .filter(pl.col("date") <= as_of)
        .group_by("client")
        .agg(pl.col("date").min().alias("first_invoice"))
    )
    evidence = pl.col("share_on_time").is_not_null()
    seniority_days = (pl.lit(as_of) - pl.col("first_invoice")).dt.total_days()
    scored = (
        clients.join(behaviour, on="client", how="left")
        .join(debts, on="client", how="left")
        .with_columns(
            pl.col("open_cents", "overdue_cents", "oldest_days_overdue").fill_null(0),
            evidence.alias("evidence"),
        )
        .with_columns(
            pl.when(evidence)
            .then(pl.col("share_on_time") * w.punctuality)
            .otherwise(w.punctuality / 2)
            .alias("punctuality_points"),
            pl.when(evidence)
            .then((1 - pl.col("avg_days_late") / w.lateness_days).clip(lower_bound=0) * w.lateness)
            .otherwise(w.lateness / 2)
            .alias("lateness_points"),
            pl.when(pl.col("open_cents") > 0)
            .then((1 - pl.col("overdue_cents") / pl.col("open_cents")) * w.overdue)
            .otherwise(w.overdue)
            .alias("overdue_points"),
            ((seniority_days / w.seniority_days).clip(upper_bound=1.0) * w.seniority).alias(
                "seniority_points"
            ),
            (
                (1 - pl.col("oldest_days_overdue") / w.worst_delay_days).clip(lower_bound=0)
                * w.worst_delay
            ).alias("worst_delay_points"),
        )
        .with_columns(pl.sum_horizontal(*(f"{name}_points" for name in COMPONENTS)).alias("score"))
    )
    return (
        scored.select(
            "client",
            *(f"{name}_points" for name in COMPONENTS),
            "score",
            "evidence",
            "share_on_time",
            "avg_days_late",
            "open_cents",
            "overdue_cents",
            "oldest_days_overdue",
            "first_invoice",
        )
        .sort("score", "client")
        .collect()
    )


def risk_class(
    score: pl.Expr | str = "score", *, high_below: float = 40.0, low_from: float = 70.0
) -> pl.Expr:
    """Return the payment-risk class of a solvency score: ``high``, ``medium`` or ``low``.

    Parameters
    ----------
    score
        The score column or expression.
    high_below
        Scores below it are high risk.
    low_from
        Scores at or above it are low risk; in between, medium.
    """
    if not high_below <= low_from:
        raise ValueError(f"high_below ({high_below}) must not exceed low_from ({low_from})")
    value = pl.col(score) if isinstance(score, str) else score
    return (
        pl.when(value < high_below)
        .then(pl.lit("high"))
        .when(value < low_from)
        .then(pl.lit("medium"))
        .otherwise(pl.lit("low"))
        .cast(pl.Enum(["low", "medium", "high"]))
    )
