"""The column contract of the frames that ``cartera.analytics`` accepts and returns.

Every entry point of the library (the diagnosis, the CLV models, receivables, the
forecast) takes frames in the shapes described here, whether they come from a CSV
read by :mod:`cartera.analytics.io` or from the database bridge of the web app.

Money
-----
Inside canonical frames, money is **integer cents** (``Int64``) in columns whose names
end in ``_cents``: exact, as fast as it gets in Polars, and the same representation as
the database column. Users may pass ``amount`` / ``cost`` in currency units (float,
integer, decimal or numeric strings); :func:`prepare_sales` converts them to cents,
rounding half away from zero. Scalars in typed results are :class:`decimal.Decimal`.

Sales lines (``SALES``)
-----------------------
=============== ========= ======== ==================================================
column          dtype     required meaning
=============== ========= ======== ==================================================
client          String    yes      client code (the account's unique key)
date            Date      yes      invoice date
amount_cents    Int64     yes      net line amount (after discount, before tax)
invoice         String    no       invoice / ticket number
product         String    no       product code (SKU)
family          String    no       product family
quantity        Float64   no       quantity sold (may be fractional: kilos, hours)
cost_cents      Int64     no       total cost of the line
salesperson     String    no       salesperson at the time of the sale
segment         String    no       client segment (S1.6)
city            String    no       client city
channel         String    no       B2B, B2C, e-commerce, partner (S3.13)
source          String    no       acquisition source of the client (S1.4)
launch_date     Date      no       launch date of the product (new products, S3.9.5)
=============== ========= ======== ==================================================

Activities (``ACTIVITIES``): ``client`` String, ``date`` Date, ``kind`` String.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

MONEY: Final = pl.Int64
"""Dtype of every ``*_cents`` column."""

GROUPINGS: Final[tuple[str, ...]] = ("salesperson", "segment", "city", "channel")
"""Optional columns the diagnosis is broken down by when they are present."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    dtype: pl.DataType | type[pl.DataType]
    required: bool
    description: str


SALES: Final[tuple[Column, ...]] = (
    Column("client", pl.String, True, "client code"),
    Column("date", pl.Date, True, "invoice date"),
    Column("amount_cents", MONEY, True, "net line amount in cents"),
    Column("invoice", pl.String, False, "invoice number"),
    Column("product", pl.String, False, "product code"),
    Column("family", pl.String, False, "product family"),
    Column("quantity", pl.Float64, False, "quantity"),
    Column("cost_cents", MONEY, False, "line cost in cents"),
    Column("salesperson", pl.String, False, "salesperson"),
    Column("segment", pl.String, False, "segment"),
    Column("city", pl.String, False, "city"),
    Column("channel", pl.String, False, "sales channel"),
    Column("source", pl.String, False, "acquisition source"),
    Column("launch_date", pl.Date, False, "product launch date"),
)

ACTIVITIES: Final[tuple[Column, ...]] = (
    Column("client", pl.String, True, "client code"),
    Column("date", pl.Date, True, "activity date"),
    Column("kind", pl.String, True, "visit, call, e-mail, meeting, offer, survey, …"),
)

_MONEY_INPUTS: Final[dict[str, str]] = {"amount": "amount_cents", "cost": "cost_cents"}


class FrameError(ValueError):
    """A frame does not follow the contract; the message names the column."""

    def __init__(self, message: str, *, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


def to_cents(expr: pl.Expr) -> pl.Expr:
    """Return ``expr`` (currency units, any numeric dtype) as Int64 cents, half away from zero."""
    scaled = expr.cast(pl.Float64) * 100.0
    # A float product such as 0.285 * 100 = 28.499999999999996 must still give 29:
    # nudge by a relative epsilon before rounding half away from zero.
    nudged = scaled.abs() * (1.0 + 1e-12) + 0.5
    return (nudged.floor() * scaled.sign()).cast(MONEY)


def _conform(frame: pl.LazyFrame, contract: tuple[Column, ...], what: str) -> pl.LazyFrame:
    schema = frame.collect_schema()
    missing = [c.name for c in contract if c.required and c.name not in schema]
    if missing:
        raise FrameError(
            f"{what}: missing required column(s) {', '.join(missing)}; "
            f"expected {', '.join(c.name for c in contract if c.required)}",
            column=missing[0],
        )
    casts: list[pl.Expr] = []
    for column in contract:
        if column.name not in schema or schema[column.name] == column.dtype:
            continue
        if column.dtype == pl.Date and schema[column.name] == pl.String:
            casts.append(pl.col(column.name).str.to_date(strict=True))
        else:
            casts.append(pl.col(column.name).cast(column.dtype, strict=True))
    return frame.with_columns(casts) if casts else frame


def prepare_sales(sales: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``sales`` as a lazy frame that follows :data:`SALES`.

    ``amount`` and ``cost`` in currency units are converted to ``amount_cents`` and
    ``cost_cents``; other columns are cast to their contract dtype. Columns outside the
    contract are kept untouched.
    """
    frame = sales.lazy()
    schema = frame.collect_schema()
    for units, cents in _MONEY_INPUTS.items():
        if units in schema and cents not in schema:
            frame = frame.with_columns(to_cents(pl.col(units)).alias(cents)).drop(units)
    return _conform(frame, SALES, "sales")


def prepare_activities(activities: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``activities`` as a lazy frame that follows :data:`ACTIVITIES`."""
    return _conform(activities.lazy(), ACTIVITIES, "activities")
