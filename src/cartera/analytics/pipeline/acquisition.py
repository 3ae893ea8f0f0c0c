"""Customer acquisition cost per campaign and per source, against first-year revenue (S1.4).

CAC = campaign cost ÷ clients won from it. Set against the revenue those clients bring in
their first year, it says whether a trade fair, an event or a web campaign pays for
itself, and which to repeat.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import polars as pl

from cartera.analytics.frames import FrameError, prepare_sales
from cartera.analytics.pipeline.columns import prepare_campaigns, prepare_prospects


def _divide_half_up(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Return ``numerator / denominator`` in whole cents, halves away from zero; null on 0."""
    ratio = numerator.cast(pl.Float64) / denominator.cast(pl.Float64)
    rounded = (ratio.abs() + 0.5).floor() * ratio.sign()
    return pl.when(denominator > 0).then(rounded.cast(pl.Int64))


def acquisition_cost(
    prospects: pl.DataFrame | pl.LazyFrame,
    campaigns: pl.DataFrame | pl.LazyFrame,
    *,
    by: Literal["campaign", "source"] = "campaign",
    sales: pl.DataFrame | pl.LazyFrame | None = None,
    as_of: dt.date | None = None,
    first_year_days: int = 365,
) -> pl.DataFrame:
    """Return acquisition cost per campaign or per source, with first-year revenue.

    Parameters
    ----------
    prospects
        Frame following :data:`cartera.analytics.pipeline.PROSPECTS`; won prospects
        count as clients won. A prospect without a source takes its campaign's.
    campaigns
        Frame following :data:`cartera.analytics.pipeline.CAMPAIGNS`.
    by
        ``"campaign"`` or ``"source"`` (a source's cost is the sum of its campaigns').
    sales
        Sales lines (:data:`cartera.analytics.frames.SALES`); with ``as_of``, adds the
        revenue of the clients won (linked by the prospects' ``client``) in their first
        ``first_year_days`` after ``won_date``. Only clients whose first year has ended
        by ``as_of`` are counted, so a recent win does not look like a poor one.
    as_of
        Day the first-year revenue is measured at.
    first_year_days
        Length of the "first year".

    Returns
    -------
    polars.DataFrame
        ``campaign`` or ``source``; ``cost_cents``; ``prospects``; ``won``;
        ``win_rate``; ``cac_cents`` (cost ÷ won, whole cents half up; null without a
        win); with sales: ``clients_full_year``, ``first_year_revenue_cents`` (their
        total), ``first_year_revenue_per_client_cents`` and ``cac_to_first_year``
        (CAC ÷ first-year revenue per client: below 1 the first year pays it back).
        Sorted by cost, largest first.
    """
    if by not in ("campaign", "source"):
        raise ValueError(f"by must be 'campaign' or 'source', got {by!r}")
    frame = prepare_prospects(prospects)
    spend = prepare_campaigns(campaigns)
    if by not in frame.columns and not (by == "source" and "campaign" in frame.columns):
        raise FrameError(f"prospects: no column {by!r} to attribute wins to", column=by)
    if by == "source":
        if "source" not in spend.columns:
            spend = spend.with_columns(pl.lit(None, pl.String).alias("source"))
        if "campaign" in frame.columns:
            origin = spend.select("campaign", pl.col("source").alias("_campaign_source"))
            frame = frame.join(origin, on="campaign", how="left")
            own = pl.col("source") if "source" in frame.columns else pl.lit(None, pl.String)
            frame = frame.with_columns(pl.coalesce(own, pl.col("_campaign_source")).alias("source"))
        spend = spend.group_by("source").agg(pl.col("cost_cents").sum())
    else:
        spend = spend.select("campaign", "cost_cents")

    is_won = pl.col("stage") == "won"
    counts = frame.group_by(by).agg(
        pl.len().cast(pl.Int64).alias("prospects"), is_won.sum().cast(pl.Int64).alias("won")
    )
    table = (
        spend.join(counts, on=by, how="full", coalesce=True)
        .filter(pl.col(by).is_not_null() | (pl.col("prospects") > 0))
        .with_columns(
            pl.col("cost_cents").fill_null(0),
            pl.col("prospects").fill_null(0),
            pl.col("won").fill_null(0),
        )
        .with_columns(
            pl.when(pl.col("prospects") > 0)
            .then(pl.col("won") / pl.col("prospects"))
            .alias("win_rate"),
            _divide_half_up(pl.col("cost_cents"), pl.col("won")).alias("cac_cents"),
        )
    )
    if sales is not None:
        if as_of is None:
            raise ValueError("first-year revenue needs as_of")
        table = table.join(
            _first_year(frame, sales, by=by, as_of=as_of, days=first_year_days),
            on=by,
            how="left",
        ).with_columns(
            pl.col("clients_full_year").fill_null(0),
            pl.col("first_year_revenue_cents").fill_null(0),
        )
        per_client = _divide_half_up(
            pl.col("first_year_revenue_cents"), pl.col("clients_full_year")
        )
        table = table.with_columns(
            per_client.alias("first_year_revenue_per_client_cents")
        ).with_columns(
            pl.when(pl.col("first_year_revenue_per_client_cents") > 0)
            .then(pl.col("cac_cents") / pl.col("first_year_revenue_per_client_cents"))
            .alias("cac_to_first_year")
        )
    return table.sort(["cost_cents", by], descending=[True, False], nulls_last=True)


def _first_year(
    prospects: pl.DataFrame,
    sales: pl.DataFrame | pl.LazyFrame,
    *,
    by: str,
    as_of: dt.date,
    days: int,
) -> pl.DataFrame:
    for column in ("client", "won_date"):
        if column not in prospects.columns:
            raise FrameError(f"prospects: first-year revenue needs column {column}", column=column)
    horizon = pl.col("won_date") + pl.duration(days=days)
    won = prospects.filter(
        (pl.col("stage") == "won") & pl.col("client").is_not_null() & (horizon <= as_of)
    ).select(by, "client", "won_date")
    repeated = won.filter(pl.col("client").is_duplicated())
    if repeated.height:
        raise FrameError(
            f"prospects: client {repeated['client'][0]} was won more than once", column="client"
        )
    revenue = (
        prepare_sales(sales)
        .select("client", "date", "amount_cents")
        .join(won.lazy().select("client", "won_date"), on="client", how="inner")
        .filter((pl.col("date") >= pl.col("won_date")) & (pl.col("date") < horizon))
        .group_by("client")
        .agg(pl.col("amount_cents").sum().alias("_revenue"))
        .collect()
    )
    return (
        won.join(revenue, on="client", how="left")
        .group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias("clients_full_year"),
            pl.col("_revenue").fill_null(0).sum().alias("first_year_revenue_cents"),
        )
    )
