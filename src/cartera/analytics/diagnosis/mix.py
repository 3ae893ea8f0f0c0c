"""Where the revenue comes from: product mix, new products, sources (S3.1, S3.9.4, S3.9.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import numpy as np
import polars as pl

from cartera.analytics.diagnosis._numbers import ratio, to_decimal
from cartera.analytics.diagnosis.clients import Period, family_counts
from cartera.analytics.diagnosis.grouped import counts, minima, sums
from cartera.analytics.diagnosis.lines import PREVIOUS, WINDOW, Lines, day_number, period_totals
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


def revenue_by(lines: Lines, column: str, *, with_cost: bool = False) -> pl.DataFrame:
    """Return window and previous-window revenue per value of a coded column.

    One row per value of the column and one for the lines without a value (``value``
    null) when there are any: ``value``, ``revenue_cents``, ``previous_revenue_cents``
    and, with ``with_cost``, ``cost_cents`` (window).
    """
    ranked = lines.ranked[column]
    size = ranked.null_code + 1
    money = [lines.amount] if not with_cost or lines.cost is None else [lines.amount, lines.cost]
    revenue, *cost = period_totals(ranked.codes, lines.period, size, money)
    # Rows in text order, then the lines without a value if there are any.
    rows = np.argsort(ranked.rank_of)[size - ranked.values.len() :]
    empty = bool((ranked.codes == ranked.null_code).any())
    if empty:
        rows = np.append(rows, ranked.null_code)
    value = ranked.values
    frame = pl.DataFrame(
        {
            "value": pl.concat([value, pl.Series([None], dtype=pl.String)]) if empty else value,
            "revenue_cents": revenue[rows, WINDOW],
            "previous_revenue_cents": revenue[rows, PREVIOUS],
        }
    )
    if cost:
        frame = frame.with_columns(pl.Series("cost_cents", cost[0][rows, WINDOW]))
    return frame


def sources(lines: Lines, dimensions: Sequence[str] = SOURCE_DIMENSIONS) -> dict[str, pl.DataFrame]:
    """Return, per present dimension, the window and previous revenue per value (S3.1)."""
    return {d: revenue_by(lines, d) for d in dimensions if d in lines.ranked}


def finish_source(frame: pl.DataFrame) -> pl.DataFrame:
    """Return a per-value revenue frame with ``share`` and ``growth``, largest first."""
    total = frame["revenue_cents"].sum()
    return frame.with_columns(
        (pl.col("revenue_cents") / total if total > 0 else pl.lit(None, pl.Float64)).alias("share"),
        pl.when(pl.col("previous_revenue_cents") > 0)
        .then(pl.col("revenue_cents") / pl.col("previous_revenue_cents") - 1)
        .alias("growth"),
    ).sort(["revenue_cents", "value"], descending=[True, False], nulls_last=True)


def product_mix_revenue(lines: Lines) -> pl.DataFrame | None:
    """Return revenue (and window cost) per family, or ``None`` without families."""
    if "family" not in lines.ranked:
        return None
    return revenue_by(lines, "family", with_cost=True)


def family_pairs(lines: Lines) -> int:
    """Return the distinct (client, family) pairs in the window (lines with a family)."""
    return int(family_counts(lines).sum())


def product_mix(per_family: pl.DataFrame, *, pairs: int | None, active: int) -> ProductMix:
    """Return the product mix from :func:`product_mix_revenue`'s result.

    ``pairs`` (distinct client-family pairs, see :func:`family_pairs`) over the
    ``active`` clients gives the mean families per client.
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


def launches_inferred(lines: Lines) -> bool | None:
    """Return whether new products need their launch inferred; ``None`` without products."""
    if "product" not in lines.schema:
        return None
    return lines.launch is None


def new_products_revenue(lines: Lines, period: Period) -> pl.DataFrame:
    """Return the window revenue of each new product sold in the window.

    A product is new when its launch (the earliest ``launch_date`` given, else its
    first sale) falls in the 12 months up to ``as_of``. Columns ``product``,
    ``launch_date``, ``revenue_cents``.
    """
    ranked = lines.ranked["product"]
    size = ranked.null_code + 1
    launch = lines.launch if lines.launch is not None else lines.day
    # A product's launch is its earliest line's; the empty slot collects no product.
    first = minima(ranked.codes, launch, size)
    since = add_months(period.as_of, -NEW_PRODUCT_MONTHS) + dt.timedelta(days=1)
    in_window = lines.period == WINDOW
    code = ranked.codes[in_window]
    sold = counts(code, size) > 0
    revenue = sums(code, lines.amount[in_window], size)
    new = sold & (first >= day_number(since)) & (first <= day_number(period.as_of))
    new &= ranked.rank_of >= 0
    chosen = np.flatnonzero(new)
    chosen = chosen[np.argsort(ranked.rank_of[chosen])]
    return pl.DataFrame(
        {
            # The values come back as text; the product keeps the sales' own dtype.
            "product": ranked.values.gather(ranked.rank_of[chosen]).cast(lines.schema["product"]),
            "launch_date": pl.Series(first[chosen].astype(np.int32)).cast(pl.Date),
            "revenue_cents": revenue[chosen],
        }
    )


def new_products(
    per_product: pl.DataFrame, *, inferred: bool, window_revenue_cents: int
) -> NewProducts:
    """Return the new-product figures from :func:`new_products_revenue`'s result."""
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
