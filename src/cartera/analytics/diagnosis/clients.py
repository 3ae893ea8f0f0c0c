"""The per-client table: one pass over the sales lines gives every per-client figure.

Everything else in the diagnosis (ABC, RFM, concentration, attrition, cohorts,
breakdowns) is computed from this table of one row per client, so the costly
grouping of millions of lines by client happens exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from cartera.analytics.diagnosis.window import (
    Window,
    month_index,
    month_index_expr,
    previous_window,
    window_ending,
)
from cartera.analytics.frames import GROUPINGS, prepare_sales

MASK_MONTHS: Final = 64
"""Months of activity kept per client as bits of a UInt64 (the last 64 up to ``as_of``)."""
_POWERS: Final = pl.Series("powers", [1 << i for i in range(MASK_MONTHS)], dtype=pl.UInt64)
# Enum codes fit in 32 bits; the date goes above them, so that the maximum of
# (date, code) per client is the value of the client's latest line.
_CODE_BITS: Final = 32

CLIENT_COLUMNS: Final[tuple[str, ...]] = (
    "client",
    "window_revenue_cents",
    "previous_revenue_cents",
    "first_purchase",
    "last_purchase",
    "purchase_days",
    "previous_purchase_days",
    "window_lines",
    "previous_lines",
    "status",
    "active",
    "previously_active",
    "new",
    "lost",
)
"""Columns every client table has (more follow when the sales have the inputs)."""
LABELS: Final[tuple[str, ...]] = ("client_name",)
"""Per-client text columns carried into the client table when the sales have them."""


@dataclass(frozen=True, slots=True)
class Period:
    """The dates a diagnosis looks at."""

    as_of: dt.date
    window: Window
    previous: Window

    @property
    def mask_base(self) -> int:
        """Return the month number of bit 0 of the activity masks."""
        return month_index(self.as_of) - (MASK_MONTHS - 1)


def period_for(as_of: dt.date) -> Period:
    """Return the window and previous window ending on ``as_of``."""
    window = window_ending(as_of)
    return Period(as_of, window, previous_window(window))


def latest_date(sales: pl.LazyFrame) -> dt.date:
    """Return the latest sale date (the default ``as_of``)."""
    latest = sales.select(pl.col("date").max()).collect().item()
    if latest is None:
        raise ValueError("the sales have no dated line: nothing to diagnose")
    return latest


def _enum_codes(lines: pl.LazyFrame, columns: Sequence[str]) -> dict[str, pl.Series]:
    """Return, per column, its distinct values in sorted order (the categories of an Enum).

    Sorted categories make the codes, and so the tie-break between two values on a
    client's latest day, independent of row order.
    """
    if not columns:
        return {}
    uniques = lines.select(
        [pl.col(c).cast(pl.String).unique().sort().implode() for c in columns]
    ).collect()
    return {c: uniques[c][0].drop_nulls() for c in columns}


def _line_columns(period: Period, schema: pl.Schema) -> list[pl.Expr]:
    """Return the per-line helper columns the per-client aggregation sums up."""
    window, previous = period.window, period.previous
    in_window = window.contains(pl.col("date"))
    in_previous = previous.contains(pl.col("date"))
    bit = month_index_expr(pl.col("date")) - period.mask_base
    columns = [
        in_window.alias("_in_w"),
        in_previous.alias("_in_p"),
        pl.when(in_window).then(pl.col("amount_cents")).otherwise(0).alias("_aw"),
        pl.when(in_previous).then(pl.col("amount_cents")).otherwise(0).alias("_ap"),
        pl.when(in_window).then(pl.col("date")).alias("_dw"),
        pl.when(in_previous).then(pl.col("date")).alias("_dp"),
        pl.when(bit >= 0)
        .then(pl.lit(_POWERS).gather(bit.clip(0, MASK_MONTHS - 1)))
        .otherwise(pl.lit(0, pl.UInt64))
        .alias("_bit"),
    ]
    if "cost_cents" in schema:
        columns.append(pl.when(in_window).then(pl.col("cost_cents")).otherwise(0).alias("_cw"))
    if "invoice" in schema:
        columns.append(pl.when(in_window).then(pl.col("invoice")).alias("_iw"))
    if "family" in schema:
        columns.append(pl.when(in_window).then(pl.col("family")).alias("_fw"))
    return columns


def _distinct(column: str) -> pl.Expr:
    return pl.col(column).drop_nulls().n_unique().cast(pl.Int64)


def client_table(
    sales: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date | None = None,
    groupings: Sequence[str] = GROUPINGS,
    labels: Sequence[str] = LABELS,
) -> tuple[pl.DataFrame, Period]:
    """Return one row per client with every per-client figure, and the period used.

    Parameters
    ----------
    sales
        Sales lines following :data:`~cartera.analytics.frames.SALES`.
    as_of
        End of the window; the latest sale date by default. Lines after it are ignored.
    groupings
        Optional columns to attribute each client to (salesperson, segment …): the
        value on the client's latest line up to ``as_of`` (ties: the greatest value).
    labels
        Other per-client text columns taken the same way when present (the name).

    Returns
    -------
    (polars.DataFrame, Period)
        Columns: ``client``; ``window_revenue_cents`` and ``previous_revenue_cents``;
        ``first_purchase`` (ever) and ``last_purchase`` (up to ``as_of``);
        ``purchase_days`` and ``previous_purchase_days`` (distinct days with a line
        in each window); ``window_lines``, ``previous_lines``; ``tickets`` (distinct
        invoices in the window, or ``purchase_days`` without invoices);
        ``window_cost_cents`` and ``margin_cents`` with costs; ``families`` (distinct
        families bought in the window) with families; ``month_mask`` (bit *k* set when
        the client bought in month ``mask_base + k``); the grouping columns; and the
        flags ``active``, ``previously_active``, ``new``, ``lost`` and ``status``
        (``new``, ``retained``, ``reactivated``, ``lost`` or ``inactive``).
        Rows are in no particular order.
    """
    lines = prepare_sales(sales)
    lines = lines.filter(pl.col("date").is_not_null() & pl.col("client").is_not_null())
    if as_of is None:
        as_of = latest_date(lines)
    period = period_for(as_of)
    lines = lines.filter(pl.col("date") <= as_of)
    schema = lines.collect_schema()
    present = [g for g in (*groupings, *labels) if g in schema]
    enums = _enum_codes(lines, present)

    packed = [
        (
            pl.col("date").cast(pl.Int64) * (1 << _CODE_BITS)
            + pl.col(g).cast(pl.String).cast(pl.Enum(enums[g])).to_physical().cast(pl.Int64)
        ).alias(f"_g_{g}")
        for g in present
    ]
    aggregations = [
        pl.col("_aw").sum().alias("window_revenue_cents"),
        pl.col("_ap").sum().alias("previous_revenue_cents"),
        pl.col("date").min().alias("first_purchase"),
        pl.col("date").max().alias("last_purchase"),
        _distinct("_dw").alias("purchase_days"),
        _distinct("_dp").alias("previous_purchase_days"),
        pl.col("_in_w").sum().cast(pl.Int64).alias("window_lines"),
        pl.col("_in_p").sum().cast(pl.Int64).alias("previous_lines"),
        pl.col("_bit").bitwise_or().alias("month_mask"),
        *[pl.col(f"_g_{g}").max() for g in present],
    ]
    if "invoice" in schema:
        aggregations.append(_distinct("_iw").alias("tickets"))
    if "cost_cents" in schema:
        aggregations.append(pl.col("_cw").sum().alias("window_cost_cents"))
    if "family" in schema:
        aggregations.append(_distinct("_fw").alias("families"))

    table = (
        lines.with_columns(*_line_columns(period, schema), *packed)
        .group_by("client")
        .agg(aggregations)
    )
    decoded = [
        pl.lit(enums[g]).gather(pl.col(f"_g_{g}") % (1 << _CODE_BITS)).alias(g) for g in present
    ]
    active = pl.col("window_lines") > 0
    previously = pl.col("previous_lines") > 0
    new = pl.col("first_purchase") >= period.window.start
    extra: list[pl.Expr] = []
    if "invoice" not in schema:
        extra.append(pl.col("purchase_days").alias("tickets"))
    if "cost_cents" in schema:
        extra.append(
            (pl.col("window_revenue_cents") - pl.col("window_cost_cents")).alias("margin_cents")
        )
    table = table.with_columns(
        *decoded,
        *extra,
        active.alias("active"),
        previously.alias("previously_active"),
        new.alias("new"),
        (previously & ~active).alias("lost"),
        pl.when(active & new)
        .then(pl.lit("new"))
        .when(active & previously)
        .then(pl.lit("retained"))
        .when(active)
        .then(pl.lit("reactivated"))
        .when(previously)
        .then(pl.lit("lost"))
        .otherwise(pl.lit("inactive"))
        .alias("status"),
    ).drop([f"_g_{g}" for g in present])
    return table.collect(), period
