"""Every portfolio figure per salesperson, segment, city or channel (S3.2, S3.12, S1.6, S3.13).

A client belongs to the group of its latest line up to ``as_of`` (the salesperson
who sold to it last, its current segment …), so that each client counts once and
the groups add up to the portfolio.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def _contributions(scored: pl.DataFrame, groupings: Sequence[str]) -> pl.DataFrame:
    """Return what each client adds to its groups' figures, as plain numbers to sum.

    Deciding each flag once per client leaves only sums to the group-bys (a filter or
    comparison inside an aggregation is redone per grouping, group by group).
    """
    active, previously, new, lost = (
        pl.col("active"),
        pl.col("previously_active"),
        pl.col("new"),
        pl.col("lost"),
    )
    revenue, previous = pl.col("window_revenue_cents"), pl.col("previous_revenue_cents")

    def count(flag: pl.Expr) -> pl.Expr:
        return flag.cast(pl.Int64)

    def when_active(value: pl.Expr) -> pl.Expr:
        return pl.when(active).then(value).otherwise(0)

    parts = [
        count(active).alias("active"),
        count(active & new).alias("new"),
        count(lost).alias("lost"),
        count(previously).alias("previous_active"),
        count(active & previously).alias("retained"),
        count(active & ~previously & ~new).alias("reactivated"),
        revenue.alias("revenue_cents"),
        previous.alias("previous_revenue_cents"),
        pl.when(lost).then(previous).otherwise(0).alias("lost_revenue_cents"),
        pl.when(active & new).then(revenue).otherwise(0).alias("new_revenue_cents"),
        count(active & (pl.col("purchase_days") >= 2)).alias("repeat_clients"),
        when_active(pl.col("tickets")).cast(pl.Int64).alias("tickets"),
        when_active(pl.col("purchase_days")).cast(pl.Int64).alias("purchase_days"),
        *[count(pl.col("abc_class") == c).alias(f"{c.lower()}_clients") for c in "ABC"],
        count(pl.col("rfm_segment") == "champions").alias("champions"),
        count(pl.col("rfm_segment").is_in(["at_risk", "cant_lose"])).alias("at_risk"),
        pl.when(active).then(revenue).alias("_active_revenue"),
    ]
    if "margin_cents" in scored.columns:
        parts.append(when_active(pl.col("margin_cents")).alias("margin_cents"))
    return scored.select(*dict.fromkeys(groupings), *parts)


def breakdowns(scored: pl.DataFrame, groupings: Sequence[str]) -> dict[str, pl.DataFrame]:
    """Return :func:`breakdown` for each of ``groupings``, computed together."""
    parts = _contributions(scored, groupings)
    with_margin = "margin_cents" in parts.columns
    summed = [c for c in parts.columns if c not in groupings and not c.startswith("_")]
    first = ["active", "new", "lost", "previous_active", "retained", "reactivated"]
    aggregations = [
        pl.len().cast(pl.Int64).alias("clients"),
        *[pl.col(c).sum() for c in first],
        *[pl.col(c).sum() for c in summed if c not in first and c != "margin_cents"],
        *concentration_of(
            pl.col("_active_revenue").drop_nulls(), descending=_in_revenue_order(scored)
        ),
    ]
    if with_margin:
        aggregations.append(pl.col("margin_cents").sum())
    order = [
        "clients",
        *first,
        "revenue_cents",
        "previous_revenue_cents",
        "lost_revenue_cents",
        "new_revenue_cents",
        "repeat_clients",
        "tickets",
        "purchase_days",
        "a_clients",
        "b_clients",
        "c_clients",
        "top1_share",
        "top5_share",
        "top10_share",
        "hhi",
        "gini",
        "champions",
        "at_risk",
        *(["margin_cents"] if with_margin else []),
    ]
    total = scored["window_revenue_cents"].sum()
    lazy = parts.lazy()
    queries = [lazy.group_by(by).agg(aggregations).select(by, *order) for by in groupings]
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
