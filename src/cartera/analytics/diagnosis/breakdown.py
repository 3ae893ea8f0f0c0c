"""Every portfolio figure per salesperson, segment, city or channel (S3.2, S3.12, S1.6, S3.13).

A client belongs to the group of its latest line up to ``as_of`` (the salesperson
who sold to it last, its current segment …), so that each client counts once and
the groups add up to the portfolio.
"""

from __future__ import annotations

import polars as pl

from cartera.analytics.diagnosis.concentration import concentration_of
from cartera.analytics.diagnosis.retention import movement_of, rates_of


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
    active_revenue = pl.col("window_revenue_cents").filter(pl.col("active"))
    aggregations = [
        *movement_of(),
        *[
            (pl.col("abc_class") == c).sum().cast(pl.Int64).alias(f"{c.lower()}_clients")
            for c in "ABC"
        ],
        *concentration_of(active_revenue),
        (pl.col("rfm_segment") == "champions").sum().cast(pl.Int64).alias("champions"),
        pl.col("rfm_segment").is_in(["at_risk", "cant_lose"]).sum().cast(pl.Int64).alias("at_risk"),
    ]
    with_margin = "margin_cents" in scored.columns
    if with_margin:
        aggregations.append(pl.col("margin_cents").filter(pl.col("active")).sum())
    total = scored["window_revenue_cents"].sum()
    table = (
        scored.group_by(by)
        .agg(aggregations)
        .with_columns(
            *rates_of(),
            (pl.col("revenue_cents") / total if total > 0 else pl.lit(None, pl.Float64)).alias(
                "revenue_share"
            ),
        )
    )
    if with_margin:
        table = table.with_columns(
            pl.when(pl.col("revenue_cents") > 0)
            .then(pl.col("margin_cents") / pl.col("revenue_cents"))
            .alias("margin_rate")
        )
    return table.sort(["revenue_cents", by], descending=[True, False], nulls_last=True)
