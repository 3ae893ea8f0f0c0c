"""The column contract of the invoices and payments frames that receivables accept.

Kept beside the receivables code rather than in :mod:`cartera.analytics.frames` so that
the sales contract there stays the one owner's; the money and error conventions are the
same (``*_cents`` columns in ``Int64``, :class:`~cartera.analytics.frames.FrameError`).
"""

from __future__ import annotations

from typing import Final

import polars as pl

from cartera.analytics.frames import MONEY, Column, FrameError, conform

INVOICES: Final[tuple[Column, ...]] = (
    Column("invoice", pl.String, True, "invoice or credit-note number, unique", key=True),
    Column("client", pl.String, True, "client code", key=True),
    Column("date", pl.Date, True, "issue date"),
    Column("due_date", pl.Date, True, "due date; may be left empty when terms_days is given"),
    Column("amount_cents", MONEY, True, "amount owed in cents; negative: a credit note"),
    Column("terms_days", pl.Int64, False, "payment terms: due date = date + terms_days"),
    Column("applies_to", pl.String, False, "for a credit note: the invoice it corrects", key=True),
    Column("salesperson", pl.String, False, "salesperson of the sale"),
    Column("segment", pl.String, False, "client segment (S1.6)"),
    Column("abc", pl.String, False, "ABC (or margin) class of the client (S3.7)"),
)
"""Invoices and credit notes, one row each."""

PAYMENTS: Final[tuple[Column, ...]] = (
    Column("payment", pl.String, True, "payment reference, unique", key=True),
    Column("client", pl.String, True, "client code", key=True),
    Column("date", pl.Date, True, "date the money was received"),
    Column("amount_cents", MONEY, True, "amount received in cents, positive"),
    Column(
        "invoice", pl.String, False, "invoice the payment is for (explicit allocation)", key=True
    ),
)
"""Money received, one row per payment."""

GROUPS: Final[tuple[str, ...]] = ("client", "salesperson", "segment", "abc")
"""Columns an ageing or a provision can be totalled by."""


def prepare_invoices(invoices: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``invoices`` as a lazy frame that follows :data:`INVOICES`.

    An ``amount`` column in currency units is converted to ``amount_cents``; empty or
    missing due dates are ``date + terms_days`` when a ``terms_days`` column is given;
    other contract columns are cast to their dtype; columns outside the contract are
    kept.

    Raises
    ------
    FrameError
        When a required column is missing.
    """
    frame = invoices.lazy()
    schema = frame.collect_schema()
    if "terms_days" in schema:
        # The client's payment terms fill the due dates the sales did not set.
        terms = pl.duration(days=pl.col("terms_days").cast(pl.Int64))
        due = pl.col("date").cast(pl.Date) + terms
        if "due_date" in schema:
            due = pl.coalesce(pl.col("due_date").cast(pl.Date), due)
        frame = frame.with_columns(due.alias("due_date"))
    return conform(frame, INVOICES, "invoices")


def prepare_payments(payments: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``payments`` as a lazy frame that follows :data:`PAYMENTS`.

    Raises
    ------
    FrameError
        When a required column is missing.
    """
    return conform(payments.lazy(), PAYMENTS, "payments")


def check_invoices(invoices: pl.LazyFrame) -> None:
    """Raise :class:`FrameError` unless invoice numbers are unique and fields are filled.

    One pass over the frame; meant for data read from files, where the database
    constraints that guarantee these facts do not exist.
    """
    facts = invoices.select(
        (pl.len() - pl.col("invoice").n_unique()).alias("duplicates"),
        pl.col("invoice").filter(pl.col("invoice").is_duplicated()).first().alias("duplicate"),
        *(pl.col(c).null_count().alias(c) for c in ("invoice", "client", "date", "due_date")),
        pl.col("amount_cents").null_count().alias("amount_cents"),
    ).collect()
    row = facts.row(0, named=True)
    if row["duplicates"]:
        raise FrameError(
            f"invoices: invoice {row['duplicate']!r} appears more than once", column="invoice"
        )
    for column in ("invoice", "client", "date", "due_date", "amount_cents"):
        if row[column]:
            raise FrameError(f"invoices: {row[column]} empty value(s) in {column}", column=column)


def check_payments(payments: pl.LazyFrame) -> None:
    """Raise :class:`FrameError` unless payments are positive, unique and filled."""
    facts = payments.select(
        (pl.len() - pl.col("payment").n_unique()).alias("duplicates"),
        pl.col("payment").filter(pl.col("payment").is_duplicated()).first().alias("duplicate"),
        pl.col("payment").filter(pl.col("amount_cents") <= 0).first().alias("not_positive"),
        *(pl.col(c).null_count().alias(c) for c in ("payment", "client", "date", "amount_cents")),
    ).collect()
    row = facts.row(0, named=True)
    if row["duplicates"]:
        raise FrameError(
            f"payments: payment {row['duplicate']!r} appears more than once", column="payment"
        )
    if row["not_positive"] is not None:
        # A refund is not money received: it raises what the client owes, so it belongs
        # on the invoices side as a positive line; a reversal removes the payment.
        raise FrameError(
            f"payments: payment {row['not_positive']!r} is not a positive amount",
            column="amount_cents",
        )
    for column in ("payment", "client", "date", "amount_cents"):
        if row[column]:
            raise FrameError(f"payments: {row[column]} empty value(s) in {column}", column=column)
