"""Every portfolio figure per salesperson, segment, city or channel (S3.2, S3.12, S1.6, S3.13).

A client belongs to the group of its latest line up to ``as_of`` (the salesperson
who sold to it last, its current segment …), so that each client counts once and
the groups add up to the portfolio.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from cartera.analytics.diagnosis.concentration import concentration_of
from cartera.analytics.diagnosis.retention import rates_of


def _in_revenue_order(scored: pl.DataFrame) -> bool:
    """Return whether the active clients come first, largest window revenue first."""
    if "revenue_rank" not in scored.columns:
        return False
    active = scored.get_column("active")
    n = int(active.sum())
    head = scored.get_column("revenue_rank").head(n)
    return bool(active.head(n).all()) and head.null_count() == 0 and head.is_sorted()


# A client's kind packs what it counts as in its group: one bit per flag, then its
# ABC class (0 none, 1 A, 2 B, 3 C) and its RFM group (1 champions, 2 at risk).
_FLAGS: Final = ("active", "new", "lost", "previously_active", "repeat")
_ABC_SHIFT: Final = 1 << len(_FLAGS)
_RFM_SHIFT: Final = _ABC_SHIFT * 4
_AT_RISK: Final = ("at_risk", "cant_lose")


def _kind() -> pl.Expr:
    """Return each client's kind (see the bits above) as one small integer."""
    repeat = pl.col("active") & (pl.col("purchase_days") >= 2)
    flags = [pl.col(f) if f != "repeat" else repeat for f in _FLAGS]
    abc = pl.col("abc_class").replace_strict(
        {"A": 1, "B": 2, "C": 3}, default=0, return_dtype=pl.Int32
    )
    segment = pl.col("rfm_segment")
    rfm = pl.when(segment == "champions").then(1).when(segment.is_in(_AT_RISK)).then(2)
    return (
        pl.sum_horizontal(flag.cast(pl.Int32) * (1 << i) for i, flag in enumerate(flags))
        + abc * _ABC_SHIFT
        + rfm.otherwise(0) * _RFM_SHIFT
    ).alias("_kind")


def _bit(name: str) -> pl.Expr:
    return (pl.col("_kind") // (1 << _FLAGS.index(name))) % 2


def _figures(with_margin: bool) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Return the movement figures and the class counts of a group from its per-kind rows."""
    n = pl.col("_clients")
    active, new, lost, previously, repeat = (_bit(f) for f in _FLAGS)
    abc = (pl.col("_kind") // _ABC_SHIFT) % 4
    rfm = pl.col("_kind") // _RFM_SHIFT
    figures = [
        n.sum().alias("clients"),
        (n * active).sum().alias("active"),
        (n * active * new).sum().alias("new"),
        (n * lost).sum().alias("lost"),
        (n * previously).sum().alias("previous_active"),
        (n * active * previously).sum().alias("retained"),
        (n * active * (1 - previously) * (1 - new)).sum().alias("reactivated"),
        pl.col("window_revenue_cents").sum().alias("revenue_cents"),
        pl.col("previous_revenue_cents").sum(),
        (pl.col("previous_revenue_cents") * lost).sum().alias("lost_revenue_cents"),
        (pl.col("window_revenue_cents") * active * new).sum().alias("new_revenue_cents"),
        (n * repeat).sum().alias("repeat_clients"),
        (pl.col("tickets") * active).sum().alias("tickets"),
        (pl.col("purchase_days") * active).sum().alias("purchase_days"),
        *[(n * (abc == i + 1)).sum().alias(f"{c.lower()}_clients") for i, c in enumerate("ABC")],
    ]
    counts = [
        (n * (rfm == 1)).sum().alias("champions"),
        (n * (rfm == 2)).sum().alias("at_risk"),
    ]
    margin = [(pl.col("margin_cents") * active).sum()] if with_margin else []
    return [f.cast(pl.Int64) for f in figures], [f.cast(pl.Int64) for f in counts + margin]


def breakdowns(scored: pl.DataFrame, groupings: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Return :func:`breakdown` for each of ``groupings``, computed together.

    Clients are first counted and summed per (group, kind), a kind being the flags
    and classes a client counts under (a few dozen per group); the figures are then
    sums over those few rows. Concentration takes the active clients in revenue order.
    """
    with_margin = "margin_cents" in scored.columns
    summed = [
        "window_revenue_cents",
        "previous_revenue_cents",
        "tickets",
        "purchase_days",
        *(["margin_cents"] if with_margin else []),
    ]
    clients = scored.lazy().select(*dict.fromkeys(groupings), _kind(), *summed, "active")
    descending = _in_revenue_order(scored)
    moves, counts = _figures(with_margin)
    total = scored["window_revenue_cents"].sum()
    queries = []
    for by in groupings:
        per_kind = clients.group_by(by, "_kind").agg(
            pl.len().cast(pl.Int64).alias("_clients"), *[pl.col(c).sum() for c in summed]
        )
        spread = (
            clients.filter(pl.col("active"))
            .group_by(by)
            .agg(concentration_of(pl.col("window_revenue_cents"), descending=descending))
        )
        queries.append(
            per_kind.group_by(by)
            .agg(*moves, *counts)
            .join(spread, on=by, how="left", nulls_equal=True)
            .select(
                by,
                *[e.meta.output_name() for e in moves],
                "top1_share",
                "top5_share",
                "top10_share",
                "hhi",
                "gini",
                *[e.meta.output_name() for e in counts],
            )
        )
    tables = dict(zip(groupings, pl.collect_all(queries), strict=True))
    for by, table in tables.items():
        # One chunk, so that dividing by the total rounds the same way whatever the
        # group-by's partitions were (Polars divides a long chunk by its reciprocal).
        table = table.rechunk().with_columns(
            *rates_of(),
            (pl.col("revenue_cents") / total if total > 0 else pl.lit(None, pl.Float64)).alias(
                "revenue_share"
            ),
        )
        if with_margin:
            table = table.with_columns(
                pl.when(pl.col("revenue_cents") > 0)
                .then(pl.col("margin_cents") / pl.col("revenue_cents"))
                .alias("margin_rate")
            )
        tables[by] = table.sort(["revenue_cents", by], descending=[True, False], nulls_last=True)
    return tables


def breakdown(scored: pl.DataFrame, by: str) -> pl.DataFrame:
    """Return one row per value of ``by`` with the portfolio figures of its clients.

    Parameters
    ----------
    scored
        The client table with ABC classes and RFM scores.
    by
        A grouping column of the client table.

    Returns
    -------
    polars.DataFrame
        ``by`` (the value; null for clients without one), the movement counts of
        :func:`~cartera.analytics.diagnosis.retention.movement_of`, the rates of
        :func:`~cartera.analytics.diagnosis.retention.rates_of`, ``revenue_share`` (of
        the portfolio's window revenue), ``a_clients`` / ``b_clients`` / ``c_clients``
        (portfolio classes), ``top1_share`` … ``gini`` within the group, RFM counts
        ``champions`` and ``at_risk``, and with costs ``margin_cents`` and
        ``margin_rate``; largest revenue first.
    """
    return breakdowns(scored, [by])[by]
