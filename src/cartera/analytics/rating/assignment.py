"""Best clients to the best salespeople (S3.12): a proposal the manager accepts or not.

Salespeople are ranked by quality, a weighted mix of their percentile in retention and in
growth. The proposal maximises the sum of ``client value × salesperson quality`` under
each salesperson's capacity (an even spread by default, which also spreads the
portfolio, S3.12), solved exactly as an assignment problem. A client only leaves its
current salesperson when the quality gained exceeds ``stay_bonus``, so the proposal does
not churn relationships for a hair's breadth of difference.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from cartera.analytics.frames import FrameError


def _require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise FrameError(f"{what}: missing required column {column}", column=column)


def salesperson_quality(
    salespeople: pl.DataFrame, *, retention_weight: float = 0.6, growth_weight: float = 0.4
) -> pl.DataFrame:
    """Return ``salespeople`` with ``quality`` (0–1) and ``quality_rank`` (1 is the best).

    Quality is ``retention_weight × p(retention) + growth_weight × p(growth_pct)`` over
    the weights' sum, where ``p`` is the share of the other salespeople strictly below;
    an unknown retention or growth counts as the bottom.
    """
    _require(salespeople, ("salesperson", "retention", "growth_pct"), "salespeople")
    if retention_weight < 0 or growth_weight < 0 or retention_weight + growth_weight == 0:
        raise ValueError("retention_weight and growth_weight must be ≥ 0 and not both 0")
    others = pl.len() - 1

    def share_below(column: str) -> pl.Expr:
        rank = pl.col(column).cast(pl.Float64).rank("min")
        return pl.when(others > 0).then((rank - 1) / others).otherwise(1.0).fill_null(0.0)

    total = retention_weight + growth_weight
    quality = (
        share_below("retention") * retention_weight + share_below("growth_pct") * growth_weight
    ) / total
    return salespeople.with_columns(quality.alias("quality")).with_columns(
        pl.col("quality").rank("min", descending=True).cast(pl.Int32).alias("quality_rank")
    )


def propose_assignment(
    clients: pl.DataFrame,
    salespeople: pl.DataFrame,
    *,
    value: str = "revenue_cents",
    retention_weight: float = 0.6,
    growth_weight: float = 0.4,
    stay_bonus: float = 0.1,
    max_cells: int = 25_000_000,
) -> pl.DataFrame:
    """Return a proposed salesperson for each client, with the reason.

    Parameters
    ----------
    clients
        The clients to place (typically the A level): ``client``, ``salesperson``
        (current, may be null or someone who left) and the ``value`` column.
    salespeople
        Available salespeople: ``salesperson``, ``retention`` (share of clients kept,
        0–1), ``growth_pct``, and optionally ``capacity`` (most clients of this set to
        hold; by default ``⌈clients / salespeople⌉`` each).
    value
        Column of ``clients`` with the value at stake (revenue, CLV …).
    retention_weight, growth_weight
        Weights of retention and growth in a salesperson's quality.
    stay_bonus
        Quality a client's current salesperson is credited with, in favour of keeping it.
    max_cells
        Refuse problems larger than ``clients × capacity`` cells (memory guard).

    Returns
    -------
    polars.DataFrame
        ``client``, the value column, ``current``, ``proposed``, ``moved``, ``reason``
        (``"kept"``, ``"better_salesperson"``, ``"capacity"`` — moved to make room —
        or ``"current_unavailable"``), ``current_quality``, ``proposed_quality``,
        ``proposed_rank``, ``proposed_retention``, ``proposed_growth_pct``; sorted by
        value, largest first.
    """
    _require(clients, ("client", "salesperson", value), "clients")
    ranked = salesperson_quality(
        salespeople, retention_weight=retention_weight, growth_weight=growth_weight
    )
    if ranked["salesperson"].is_duplicated().any():
        raise FrameError("salespeople: a salesperson appears more than once", column="salesperson")
    n_clients, n_people = clients.height, ranked.height
    if n_people == 0:
        raise ValueError("no salesperson to assign clients to")
    even = max(1, math.ceil(n_clients / n_people))
    if "capacity" in ranked.columns:
        capacity = ranked["capacity"].cast(pl.Int64).fill_null(even).clip(0, n_clients).to_numpy()
    else:
        capacity = np.full(n_people, min(even, n_clients), dtype=np.int64)
    if capacity.sum() < n_clients:
        raise ValueError(
            f"the salespeople can hold {int(capacity.sum())} clients, fewer than the "
            f"{n_clients} to place; raise their capacity"
        )
    if n_clients * int(capacity.sum()) > max_cells:
        raise ValueError(
            f"{n_clients} clients × {int(capacity.sum())} places is too large a proposal; "
            "narrow it to a level, a region or a team"
        )

    people = ranked["salesperson"].cast(pl.String)
    index_of = {name: i for i, name in enumerate(people.to_list())}
    current = (
        clients["salesperson"]
        .cast(pl.String)
        .replace_strict(index_of, default=-1, return_dtype=pl.Int64)
        .to_numpy()
    )
    worth = clients[value].cast(pl.Float64).fill_null(0.0).to_numpy()
    # Shares keep the matrix well scaled whatever the currency.
    worth = worth / worth.max() if n_clients and worth.max() > 0 else np.ones(n_clients)
    quality = ranked["quality"].to_numpy()
    owner = np.repeat(np.arange(n_people), capacity)
    benefit = worth[:, None] * (
        quality[owner][None, :] + stay_bonus * (current[:, None] == owner[None, :])
    )
    # Imported here: scipy.optimize costs half a second at start-up, paid by every
    # command and web worker that imports the rating, for a proposal made rarely.
    from scipy.optimize import linear_sum_assignment

    rows, slots = linear_sum_assignment(benefit, maximize=True)
    chosen = np.empty(n_clients, dtype=np.int64)
    chosen[rows] = owner[slots]

    proposed = ranked.select(
        pl.col("salesperson").alias("proposed"),
        pl.col("quality").alias("proposed_quality"),
        pl.col("quality_rank").alias("proposed_rank"),
        pl.col("retention").alias("proposed_retention"),
        pl.col("growth_pct").alias("proposed_growth_pct"),
    )[chosen]
    current_quality = pl.Series(
        "current_quality", np.where(current >= 0, quality[np.maximum(current, 0)], np.nan)
    ).fill_nan(None)
    moved = pl.col("current").is_null() | (pl.col("current") != pl.col("proposed"))
    reason = (
        pl.when(pl.col("current_quality").is_null())
        .then(pl.lit("current_unavailable"))
        .when(~pl.col("moved"))
        .then(pl.lit("kept"))
        .when(pl.col("proposed_quality") > pl.col("current_quality"))
        .then(pl.lit("better_salesperson"))
        .otherwise(pl.lit("capacity"))
    )
    return (
        pl.concat(
            [
                clients.select(
                    pl.col("client"), pl.col(value), pl.col("salesperson").alias("current")
                ),
                proposed,
            ],
            how="horizontal",
        )
        .with_columns(current_quality)
        .with_columns(moved.alias("moved"))
        .with_columns(reason.alias("reason"))
        .select(
            "client",
            value,
            "current",
            "proposed",
            "moved",
            "reason",
            "current_quality",
            "proposed_quality",
            "proposed_rank",
            "proposed_retention",
            "proposed_growth_pct",
        )
        .sort(value, "client", descending=[True, False])
    )
