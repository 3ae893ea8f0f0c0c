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
    key: bool = False
    """An identifier: text, or whole numbers kept as they are (a database id matches
    and sorts several times faster than its text)."""


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


def conform(
    frame: pl.DataFrame | pl.LazyFrame, contract: tuple[Column, ...], what: str
) -> pl.LazyFrame:
    """Return ``frame`` as a lazy frame following ``contract``; ``what`` names it in errors.

    A ``<name>_cents`` column of the contract may be given in currency units as
    ``<name>`` (converted half away from zero); text columns may be Categorical or
    Enum (kept as they are: the cast to String costs time and memory at 10M rows);
    ``Date`` columns may be ISO text; other columns are cast strictly. Columns outside
    the contract are kept untouched.

    Raises
    ------
    FrameError
        When a required column is missing.
    """
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    units = {
        c.name.removesuffix("_cents"): c.name
        for c in contract
        if c.name.endswith("_cents") and c.name not in schema
    }
    present = {u: cents for u, cents in units.items() if u in schema}
    if present:
        lazy = lazy.with_columns(
            to_cents(pl.col(u)).alias(cents) for u, cents in present.items()
        ).drop(list(present))
        schema = lazy.collect_schema()
    missing = [c.name for c in contract if c.required and c.name not in schema]
    if missing:
        raise FrameError(
            f"{what}: missing required column(s) {', '.join(missing)}; "
            f"expected {', '.join(c.name for c in contract if c.required)}",
            column=missing[0],
        )
    casts: list[pl.Expr] = []
    for column in contract:
        if column.name not in schema:
            continue
        actual = schema[column.name]
        if actual == column.dtype:
            continue
        if column.dtype == pl.String and isinstance(actual, pl.Categorical | pl.Enum):
            continue
        if column.key and actual.is_integer():
            continue
        if column.dtype == pl.Date and actual == pl.String:
            casts.append(pl.col(column.name).str.to_date(strict=True))
        else:
            casts.append(pl.col(column.name).cast(column.dtype, strict=True))
    return lazy.with_columns(casts) if casts else lazy


def prepare_sales(sales: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``sales`` as a lazy frame that follows :data:`SALES`.

    ``amount`` and ``cost`` in currency units are converted to ``amount_cents`` and
    ``cost_cents``; other columns are cast to their contract dtype. Columns outside the
    contract are kept untouched.
    """
    return conform(sales, SALES, "sales")


def prepare_activities(activities: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``activities`` as a lazy frame that follows :data:`ACTIVITIES`."""
    return conform(activities, ACTIVITIES, "activities")
