"""The per-client table: one pass over the sales lines gives every per-client figure.

Everything else in the diagnosis (ABC, RFM, concentration, attrition, cohorts,
breakdowns) is computed from this table of one row per client, so the costly
grouping of millions of lines happens once. It happens in two stages: the lines
are first reduced to *purchase days* (one row per client and date, a few million
rows with sums only), then the days are grouped by client. Counting distinct days
becomes counting rows, so no per-client distinct count over the lines is needed.
Text attributes (salesperson, segment …) travel as integer codes in sorted order
so that the value on a client's latest day is a maximum of integers, the same
whatever the row order.
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
from cartera.analytics.frames import GROUPINGS, SALES, prepare_sales, to_cents

MASK_MONTHS: Final = 64
"""Months of activity kept per client as bits of a UInt64 (the last 64 up to ``as_of``)."""
_POWERS: Final = pl.Series("powers", [1 << i for i in range(MASK_MONTHS)], dtype=pl.UInt64)
# Codes fit in 32 bits; the date goes above them, so that the maximum of
# (date, code) per client is the value of the client's latest day.
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
    "tickets",
    "month_mask",
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


def _is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)


def conform_sales(sales: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``sales`` following :data:`~cartera.analytics.frames.SALES`, text left Categorical.

    As :func:`~cartera.analytics.frames.prepare_sales`, except that text columns may be
    ``Categorical`` or ``Enum`` as well as ``String``: big frames read with
    ``read_sales(..., categorical=True)`` keep their compact codes instead of being
    decoded to strings.
    """
    frame = sales.lazy()
    schema = frame.collect_schema()
    text = {c.name for c in SALES if c.dtype == pl.String}
    kept = [c for c, dtype in schema.items() if c in text and _is_text(dtype)]
    if not kept:
        return prepare_sales(frame)
    if "amount_cents" not in schema and "amount" in schema:
        frame = frame.with_columns(to_cents(pl.col("amount")).alias("amount_cents")).drop("amount")
    if "cost_cents" not in schema and "cost" in schema:
        frame = frame.with_columns(to_cents(pl.col("cost")).alias("cost_cents")).drop("cost")
    renamed = {c: f"__text_{c}" for c in kept}
    stand_ins = [pl.lit("", pl.String).alias(c) for c in kept]
    checked = prepare_sales(frame.rename(renamed).with_columns(stand_ins))
    return checked.drop(kept).rename({v: k for k, v in renamed.items()})


def usable_lines(
    sales: pl.DataFrame | pl.LazyFrame, as_of: dt.date | None
) -> tuple[pl.LazyFrame, dt.date]:
    """Return the lines to diagnose (dated, with a client, up to ``as_of``) and ``as_of``.

    Filtering copies every column of millions of lines, so it is only done when a
    line would actually be dropped.
    """
    lines = conform_sales(sales)
    facts = lines.select(
        pl.col("date").max().alias("latest"),
        (pl.col("date").is_null() | pl.col("client").is_null()).any().alias("gaps"),
    ).collect()
    latest, gaps = facts.row(0)
    if latest is None:
        raise ValueError("the sales have no dated line: nothing to diagnose")
    as_of = as_of or latest
    if gaps:
        lines = lines.filter(pl.col("date").is_not_null() & pl.col("client").is_not_null())
    if as_of < latest:
        lines = lines.filter(pl.col("date") <= as_of)
    return lines, as_of


def _codes(
    lines: pl.DataFrame, columns: Sequence[str]
) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """Return ``lines`` with each text column of ``columns`` replaced by its rank in sorted order.

    Also returns, per column, its distinct values in that order (to decode the ranks).
    The Categorical cast hashes a low-cardinality column cheaply (and is skipped when
    the column is Categorical already); the rank, not the physical code that depends
    on which value came first, keeps ties independent of row order.
    """
    if not columns:
        return lines, {}
    casts = [
        pl.col(c).cast(pl.String).cast(pl.Categorical)
        for c in columns
        if not isinstance(lines.schema[c], pl.Categorical | pl.Enum)
    ]
    categorical = lines.with_columns(casts) if casts else lines
    values: dict[str, pl.Series] = {}
    ranked: list[pl.Expr] = []
    for c in columns:
        distinct = categorical.get_column(c).unique().drop_nulls()
        order = distinct.cast(pl.String).arg_sort()
        codes = distinct.to_physical().cast(pl.Int64).gather(order)
        texts = distinct.cast(pl.String).gather(order)
        lookup = pl.Series(c, [0] * (int(codes.max() or 0) + 1), dtype=pl.UInt32)
        lookup = lookup.scatter(codes, pl.int_range(0, codes.len(), dtype=pl.UInt32, eager=True))
        ranked.append(pl.lit(lookup).gather(pl.col(c).to_physical()).alias(c))
        values[c] = texts
    return categorical.with_columns(ranked), values


def _purchase_days(
    lines: pl.DataFrame, schema: pl.Schema, coded: Sequence[str], family_bits: bool
) -> pl.LazyFrame:
    """Return the lines reduced to one row per client and date (stage 1)."""
    aggregations = [
        pl.col("amount_cents").sum(),
        pl.len().cast(pl.Int64).alias("lines"),
        *[pl.col(c).max() for c in coded],
    ]
    if "cost_cents" in schema:
        aggregations.append(pl.col("cost_cents").sum())
    if "invoice" in schema:
        # An invoice has one date, so distinct invoices per day add up to distinct
        # invoices per client; a line without invoice counts as one ticket that day.
        # Counting 64-bit hashes instead of the strings saves a string hash set per
        # group; two invoice numbers of one client on one day colliding is ~1e-19.
        aggregations.append(pl.col("invoice").hash().n_unique().cast(pl.Int64).alias("tickets"))
    lazy = lines.lazy()
    if family_bits:
        # The bit is computed per line before grouping: a gather inside an
        # aggregation would run once per group.
        lazy = lazy.with_columns(pl.lit(_POWERS).gather(pl.col("family")).alias("_family_bit"))
        aggregations.append(pl.col("_family_bit").bitwise_or().alias("family_mask"))
    return lazy.group_by("client", "date").agg(aggregations)


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
        value on the client's latest day up to ``as_of`` that has one (ties: the
        greatest value).
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
        families bought in the window, with up to 64 families); ``month_mask`` (bit
        *k* set when the client bought in month ``mask_base + k``); the grouping
        columns; and the flags ``active``, ``previously_active``, ``new``, ``lost`` and
        ``status`` (``new``, ``retained``, ``reactivated``, ``lost`` or ``inactive``).
        Rows are in no particular order.
    """
    lines, as_of = usable_lines(sales, as_of)
    stage = client_stage(lines.collect(), period_for(as_of), groupings=groupings, labels=labels)
    return stage.table.collect(), stage.period


@dataclass(frozen=True, slots=True)
class ClientStage:
    """The lines coded once and the lazy queries built on them, shared by the engine.

    Attributes
    ----------
    period
        The dates looked at.
    lines
        The lines with every coded text column replaced by its rank (``UInt32``).
    values
        Coded column → its values in rank order (to decode).
    days
        Query of the purchase days (one row per client and date).
    table
        Query of the per-client table (see :func:`client_table`).
    """

    period: Period
    lines: pl.DataFrame
    values: dict[str, pl.Series]
    days: pl.LazyFrame
    table: pl.LazyFrame


def client_stage(
    frame: pl.DataFrame,
    period: Period,
    *,
    groupings: Sequence[str] = GROUPINGS,
    labels: Sequence[str] = LABELS,
    dimensions: Sequence[str] = (),
) -> ClientStage:
    """Return the coded lines and the per-client query of usable lines (see :func:`usable_lines`).

    ``dimensions`` are more text columns to code (for the revenue sources).
    """
    schema = frame.schema
    present = [g for g in (*groupings, *labels) if g in schema]
    extra = [d for d in (*dimensions, "family") if d in schema and d not in present]
    frame, values = _codes(frame, [*present, *dict.fromkeys(extra)])
    # Up to 64 families, each client's families travel as bits of one integer.
    family_bits = "family" in schema and values["family"].len() <= MASK_MONTHS
    days = _purchase_days(frame, schema, present, family_bits)

    window, previous = period.window, period.previous
    in_window = window.contains(pl.col("date"))
    in_previous = previous.contains(pl.col("date"))
    bit = month_index_expr(pl.col("date")) - period.mask_base

    def when_window(column: str) -> pl.Expr:
        return pl.when(in_window).then(pl.col(column)).otherwise(0)

    def when_previous(column: str) -> pl.Expr:
        return pl.when(in_previous).then(pl.col(column)).otherwise(0)

    # Per-day columns first, so that stage 2 uses only plain sums, ors and maxima
    # (a filter inside an aggregation is many times slower).
    per_day = [
        when_window("amount_cents").alias("_aw"),
        when_previous("amount_cents").alias("_ap"),
        in_window.cast(pl.Int64).alias("_dw"),
        in_previous.cast(pl.Int64).alias("_dp"),
        when_window("lines").alias("_lw"),
        when_previous("lines").alias("_lp"),
        pl.when(bit >= 0)
        .then(pl.lit(_POWERS).gather(bit.clip(0, MASK_MONTHS - 1)))
        .otherwise(pl.lit(0, pl.UInt64))
        .alias("_month"),
        *[
            (pl.col("date").cast(pl.Int64) * (1 << _CODE_BITS) + pl.col(c).cast(pl.Int64)).alias(
                f"_g_{c}"
            )
            for c in present
        ],
    ]
    aggregations = [
        pl.col("_aw").sum().alias("window_revenue_cents"),
        pl.col("_ap").sum().alias("previous_revenue_cents"),
        pl.col("date").min().alias("first_purchase"),
        pl.col("date").max().alias("last_purchase"),
        pl.col("_dw").sum().alias("purchase_days"),
        pl.col("_dp").sum().alias("previous_purchase_days"),
        pl.col("_lw").sum().alias("window_lines"),
        pl.col("_lp").sum().alias("previous_lines"),
        pl.col("_month").bitwise_or().alias("month_mask"),
        *[pl.col(f"_g_{c}").max() for c in present],
    ]
    if "invoice" in schema:
        per_day.append(when_window("tickets").alias("_tw"))
        aggregations.append(pl.col("_tw").sum().alias("tickets"))
    if "cost_cents" in schema:
        per_day.append(when_window("cost_cents").alias("_cw"))
        aggregations.append(pl.col("_cw").sum().alias("window_cost_cents"))
    if family_bits:
        per_day.append(
            pl.when(in_window)
            .then(pl.col("family_mask"))
            .otherwise(pl.lit(0, pl.UInt64))
            .alias("_fw")
        )
        aggregations.append(
            pl.col("_fw").bitwise_or().bitwise_count_ones().cast(pl.Int64).alias("families")
        )
    table = days.with_columns(per_day).group_by("client").agg(aggregations)

    decoded = [
        pl.lit(values[c]).gather(pl.col(f"_g_{c}") % (1 << _CODE_BITS)).alias(c) for c in present
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
    ).drop([f"_g_{c}" for c in present])
    return ClientStage(period, frame, values, days, table)
