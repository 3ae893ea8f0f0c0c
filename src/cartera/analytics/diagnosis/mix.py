"""Where the revenue comes from: product mix, new products, sources (S3.1, S3.9.4, S3.9.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import polars as pl

from cartera.analytics.diagnosis._numbers import ratio, to_decimal
from cartera.analytics.diagnosis.clients import Period
from cartera.analytics.diagnosis.window import add_months

SOURCE_DIMENSIONS: Final[tuple[str, ...]] = (
    "source",
    "channel",
    "segment",
    "city",
    "family",
    "salesperson",
)
"""Columns the revenue is mapped by, line by line, when present (S3.1)."""
NEW_PRODUCT_MONTHS: Final = 12


@dataclass(frozen=True, slots=True)
class ProductMix:
    """Revenue share by product family in the window (S3.9.4).

    Attributes
    ----------
    families
        ``family``, ``revenue_cents``, ``share``, ``previous_revenue_cents``,
        ``growth``, and with costs ``margin_cents`` and ``margin_rate``; largest first.
    families_per_client
        Mean distinct families bought per active client.
    """

    families: pl.DataFrame
    families_per_client: float | None


@dataclass(frozen=True, slots=True)
class NewProducts:
    """Revenue from products launched within the 12 months before ``as_of`` (S3.9.5).

    Attributes
    ----------
    products
        New products sold in the window.
    revenue, revenue_share
        Their window revenue, and its share of the window revenue.
    launch_inferred
        ``True`` when the file has no launch date and a product's first sale stands in
        for it (only done with a year of history before the window).
    top
        ``product``, ``launch_date``, ``revenue_cents``, largest first (at most 20).
    """

    products: int
    revenue: Decimal
    revenue_share: float | None
    launch_inferred: bool
    top: pl.DataFrame


def flagged_lines(lines: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Return ``lines`` with ``_aw`` / ``_ap`` (amount in the window / previous window, else 0)."""
    return lines.with_columns(
        pl.when(period.window.contains(pl.col("date")))
        .then(pl.col("amount_cents"))
        .otherwise(0)
        .alias("_aw"),
        pl.when(period.previous.contains(pl.col("date")))
        .then(pl.col("amount_cents"))
        .otherwise(0)
        .alias("_ap"),
    )


def _by(
    flagged: pl.LazyFrame, column: str, *, with_cost: bool, values: pl.Series | None
) -> pl.LazyFrame:
    aggregations = [
        pl.col("_aw").sum().alias("revenue_cents"),
        pl.col("_ap").sum().alias("previous_revenue_cents"),
    ]
    if with_cost:
        aggregations.append(pl.col("_cw").sum().alias("cost_cents"))
    grouped = flagged.group_by(pl.col(column).alias("_key")).agg(aggregations)
    # A coded column (ranks, see clients.client_stage) is decoded after grouping.
    value = pl.lit(values).gather(pl.col("_key")) if values is not None else pl.col("_key")
    return grouped.select(value.cast(pl.String).alias("value"), pl.exclude("_key"))


def sources_queries(
    flagged: pl.LazyFrame,
    dimensions: Sequence[str] = SOURCE_DIMENSIONS,
    values: Mapping[str, pl.Series] | None = None,
) -> dict[str, pl.LazyFrame]:
    """Return, per present dimension, the query of window and previous revenue per value.

    ``values`` decodes the dimensions that are coded as ranks.
    """
    schema = flagged.collect_schema()
    codes = values or {}
    return {
        d: _by(flagged, d, with_cost=False, values=codes.get(d)) for d in dimensions if d in schema
    }


def finish_source(frame: pl.DataFrame) -> pl.DataFrame:
    """Return a per-value revenue frame with ``share`` and ``growth``, largest first."""
    total = frame["revenue_cents"].sum()
    return frame.with_columns(
        (pl.col("revenue_cents") / total if total > 0 else pl.lit(None, pl.Float64)).alias("share"),
        pl.when(pl.col("previous_revenue_cents") > 0)
        .then(pl.col("revenue_cents") / pl.col("previous_revenue_cents") - 1)
        .alias("growth"),
    ).sort(["revenue_cents", "value"], descending=[True, False], nulls_last=True)


def product_mix_query(
    flagged: pl.LazyFrame, period: Period, values: Mapping[str, pl.Series] | None = None
) -> pl.LazyFrame | None:
    """Return the query of revenue (and cost) per family, or ``None`` without families."""
    schema = flagged.collect_schema()
    if "family" not in schema:
        return None
    with_cost = "cost_cents" in schema
    if with_cost:
        flagged = flagged.with_columns(
            pl.when(period.window.contains(pl.col("date")))
            .then(pl.col("cost_cents"))
            .otherwise(0)
            .alias("_cw")
        )
    return _by(flagged, "family", with_cost=with_cost, values=(values or {}).get("family"))


def family_pairs_query(lines: pl.LazyFrame, period: Period) -> pl.LazyFrame | None:
    """Return the query counting distinct (client, family) pairs in the window, or ``None``."""
    if "family" not in lines.collect_schema():
        return None
    return lines.filter(
        period.window.contains(pl.col("date")) & pl.col("family").is_not_null()
    ).select(pl.struct("client", "family").n_unique().cast(pl.Int64).alias("pairs"))


def product_mix(per_family: pl.DataFrame, *, pairs: int | None, active: int) -> ProductMix:
    """Return the product mix from :func:`product_mix_query`'s result.

    ``pairs`` (from :func:`family_pairs_query`) over the ``active`` clients gives the
    mean families per client.
    """
    families = finish_source(per_family).rename({"value": "family"})
    if "cost_cents" in families.columns:
        families = families.with_columns(
            (pl.col("revenue_cents") - pl.col("cost_cents")).alias("margin_cents")
        ).with_columns(
            pl.when(pl.col("revenue_cents") > 0)
            .then(pl.col("margin_cents") / pl.col("revenue_cents"))
            .alias("margin_rate")
        )
    return ProductMix(families, ratio(pairs, active))


def new_products_query(lines: pl.LazyFrame, period: Period) -> tuple[pl.LazyFrame, bool] | None:
    """Return the query of window revenue per new product, and whether launches are inferred.

    ``None`` when the sales have no product, or neither launch dates nor a year of
    history before the window to infer them from.
    """
    schema = lines.collect_schema()
    if "product" not in schema:
        return None
    since = add_months(period.as_of, -NEW_PRODUCT_MONTHS) + dt.timedelta(days=1)
    in_window = period.window.contains(pl.col("date"))
    if "launch_date" in schema:
        launches = lines.group_by("product").agg(pl.col("launch_date").min())
        inferred = False
    else:
        launches = lines.group_by("product").agg(pl.col("date").min().alias("launch_date"))
        inferred = True
    new = launches.filter(pl.col("launch_date").is_between(pl.lit(since), pl.lit(period.as_of)))
    query = (
        lines.filter(in_window)
        .join(new, on="product", how="semi")
        .group_by("product")
        .agg(pl.col("amount_cents").sum().alias("revenue_cents"))
        .join(new, on="product", how="left")
    )
    return query, inferred


def new_products(
    per_product: pl.DataFrame, *, inferred: bool, window_revenue_cents: int
) -> NewProducts:
    """Return the new-product figures from :func:`new_products_query`'s result."""
    revenue = int(per_product["revenue_cents"].sum())
    top = per_product.sort(["revenue_cents", "product"], descending=[True, False]).head(20)
    return NewProducts(
        products=per_product.height,
        revenue=to_decimal(revenue),
        revenue_share=ratio(revenue, window_revenue_cents) if window_revenue_cents > 0 else None,
        launch_inferred=inferred,
        top=top.select("product", "launch_date", "revenue_cents"),
    )


def has_history_before(lines_first_day: dt.date | None, period: Period) -> bool:
    """Return whether the data starts at least a year before the window (to infer launches)."""
    return lines_first_day is not None and lines_first_day <= add_months(period.window.start, -12)
