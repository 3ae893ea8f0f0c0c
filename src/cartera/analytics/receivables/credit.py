"""A credit limit proposed by a general policy, from solvency, size and history (S1.8).

The policy, in order:

1. less than ``min_history_days`` since the first invoice: ``new_client_limit``
   (reason ``short_history``);
2. a solvency score below ``min_score``: no credit (``low_score``);
3. no net sales in the last 365 days: no credit (``no_sales``);
4. otherwise ``monthly sales × months_of_sales × factor``, where monthly sales are the
   net sales of the last 365 days divided by the months observed (at most 12, at
   least 1) and ``factor`` rises linearly from ``min_factor`` at ``min_score`` to 1 at
   ``full_score``; rounded down to a multiple of ``step`` and capped at ``max_limit``
   (``policy``, or ``capped`` when the cap bit).

The proposal is a starting point for the person who grants credit; the limit that
binds is the one recorded on the client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from cartera.analytics.receivables.columns import prepare_invoices

_DAYS_PER_MONTH = 365.25 / 12


class LimitReason(StrEnum):
    """Why the proposed limit is what it is."""

    POLICY = "policy"
    CAPPED = "capped"
    LOW_SCORE = "low_score"
    SHORT_HISTORY = "short_history"
    NO_SALES = "no_sales"


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    """The general credit policy (see the module docstring for how it applies).

    Attributes
    ----------
    months_of_sales
        How many months of the client's average purchases the limit covers.
    min_score, full_score
        Solvency below ``min_score`` gets no credit; at ``full_score`` and above the
        whole ``months_of_sales`` is granted.
    min_factor
        Share of the full limit granted at exactly ``min_score``.
    min_history_days
        Relationship needed before the policy applies.
    new_client_limit_cents
        Limit for clients with a shorter history.
    step_cents
        Limits are rounded down to a multiple of it.
    max_limit_cents
        Cap, or ``None``.
    """

    months_of_sales: float = 2.0
    min_score: float = 40.0
    full_score: float = 80.0
    min_factor: float = 0.5
    min_history_days: int = 90
    new_client_limit_cents: int = 0
    step_cents: int = 10_000
    max_limit_cents: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.min_score < self.full_score <= 100:
            raise ValueError("credit policy: need 0 ≤ min_score < full_score ≤ 100")
        if not 0 <= self.min_factor <= 1:
            raise ValueError("credit policy: min_factor must be between 0 and 1")
        if self.step_cents < 1 or self.months_of_sales < 0 or self.new_client_limit_cents < 0:
            raise ValueError("credit policy: step, months of sales and limits must be positive")


def propose_credit_limits(
    scores: pl.DataFrame,
    invoices: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date,
    policy: CreditPolicy | None = None,
) -> pl.DataFrame:
    """Return the credit limit the policy proposes for each scored client.

    Parameters
    ----------
    scores
        ``client`` and ``score`` (the result of
        :func:`~cartera.analytics.receivables.solvency.solvency`).
    invoices
        Invoices and credit notes (for the size of the client and its history).
    as_of
        Date of the proposal; only invoices dated on or before it count.
    policy
        The policy; the defaults of :class:`CreditPolicy` when omitted.

    Returns
    -------
    polars.DataFrame
        ``client``, ``score``, ``history_days``, ``monthly_sales_cents``, ``factor``,
        ``proposed_limit_cents`` (Int64) and ``reason`` (a :class:`LimitReason` value).
    """
    p = policy or CreditPolicy()
    year_start = as_of - dt.timedelta(days=364)
    size = (
        prepare_invoices(invoices)
        .filter(pl.col("date") <= as_of)
        .group_by("client")
        .agg(
            pl.col("date").min().alias("_first"),
            pl.col("amount_cents").filter(pl.col("date") >= year_start).sum().alias("_sales"),
        )
        .with_columns((pl.lit(as_of) - pl.col("_first")).dt.total_days().alias("history_days"))
        .with_columns(
            (
                pl.col("_sales") / ((pl.col("history_days") + 1) / _DAYS_PER_MONTH).clip(1.0, 12.0)
            ).alias("_monthly")
        )
    )
    factor = (
        pl.when(pl.col("score") < p.min_score)
        .then(0.0)
        .otherwise(
            p.min_factor
            + (1 - p.min_factor)
            * ((pl.col("score") - p.min_score) / (p.full_score - p.min_score)).clip(0.0, 1.0)
        )
    )
    raw = (pl.col("_monthly") * p.months_of_sales * pl.col("factor")).clip(lower_bound=0)
    stepped = (raw / p.step_cents).floor().cast(pl.Int64) * p.step_cents
    capped = stepped if p.max_limit_cents is None else stepped.clip(upper_bound=p.max_limit_cents)
    is_capped = pl.lit(False) if p.max_limit_cents is None else stepped > p.max_limit_cents
    short = pl.col("history_days") < p.min_history_days
    return (
        scores.lazy()
        .select("client", "score")
        .join(size, on="client", how="left")
        .with_columns(pl.col("_sales").fill_null(0), pl.col("history_days").fill_null(0))
        .with_columns(pl.col("_monthly").fill_null(0.0), factor.alias("factor"))
        .with_columns(
            pl.when(short)
            .then(pl.lit(p.new_client_limit_cents, pl.Int64))
            .when((pl.col("score") < p.min_score) | (pl.col("_sales") <= 0))
            .then(pl.lit(0, pl.Int64))
            .otherwise(capped)
            .alias("proposed_limit_cents"),
            pl.when(short)
            .then(pl.lit(LimitReason.SHORT_HISTORY.value))
            .when(pl.col("score") < p.min_score)
            .then(pl.lit(LimitReason.LOW_SCORE.value))
            .when(pl.col("_sales") <= 0)
            .then(pl.lit(LimitReason.NO_SALES.value))
            .when(is_capped)
            .then(pl.lit(LimitReason.CAPPED.value))
            .otherwise(pl.lit(LimitReason.POLICY.value))
            .alias("reason"),
        )
        .select(
            "client",
            "score",
            "history_days",
            pl.col("_monthly").round(0).cast(pl.Int64).alias("monthly_sales_cents"),
            "factor",
            "proposed_limit_cents",
            "reason",
        )
        .sort("client")
        .collect()
    )
