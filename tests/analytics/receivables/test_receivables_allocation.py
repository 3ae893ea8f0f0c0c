"""Matching payments and credit notes to invoices (the base of S1.11 provisions and S3.6)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.frames import FrameError
from cartera.analytics.receivables import allocate, open_items
from tests.analytics.receivables.receivables_cases import (
    ON_JUNE_30,
    ON_MARCH_31,
    invoices,
    payments,
)

D = dt.date


def _inv(rows):
    return pl.DataFrame(
        rows,
        schema={
            "invoice": pl.String,
            "client": pl.String,
            "date": pl.Date,
            "due_date": pl.Date,
            "amount_cents": pl.Int64,
        },
        orient="row",
    )


def _pay(rows):
    return pl.DataFrame(
        rows,
        schema={
            "payment": pl.String,
            "client": pl.String,
            "date": pl.Date,
            "amount_cents": pl.Int64,
            "invoice": pl.String,
        },
        orient="row",
    )


def _applied(allocation):
    ordered = allocation.applications.sort("client", "invoice", "applied_on", "source")
    return [
        (r["invoice"], r["source"], r["amount_cents"], r["applied_on"], r["explicit"])
        for r in ordered.iter_rows(named=True)
    ]


def test_applications_on_june_30_piece_by_piece():
    # ACME pool in date order: P1 600 (20 Feb), N1 100 (1 Mar), P3 1 000 (20 May);
    # invoices by due date once P2 has paid F2: F1 1 000, F3 800. Overlay:
    # F1 ← P1 600, N1 100, P3 300; F3 ← P3 700. BETA: Q1 pays B1 2 000 on 15 Jan and
    # B2 300 on its issue date, 20 Mar (credit waiting for it).
    allocation = allocate(invoices(), payments(), as_of=ON_JUNE_30)
    assert _applied(allocation) == [
        ("F1", "P1", 60_000, D(2026, 2, 20), False),
        ("F1", "N1", 10_000, D(2026, 3, 1), False),
        ("F1", "P3", 30_000, D(2026, 5, 20), False),
        ("F2", "P2", 50_000, D(2026, 4, 10), True),
        ("F3", "P3", 70_000, D(2026, 5, 20), False),
        ("B1", "Q1", 200_000, D(2026, 1, 15), False),
        ("B2", "Q1", 30_000, D(2026, 3, 20), False),
        ("G1", "R1", 20_000, D(2026, 1, 5), False),
    ]
    kinds = dict(allocation.applications.select("source", "kind").unique().iter_rows())
    assert kinds["N1"] == "credit_note"
    assert kinds["P1"] == "payment"


def test_allocate_and_open_items_agree():
    for as_of in (ON_MARCH_31, ON_JUNE_30):
        full = allocate(invoices(), payments(), as_of=as_of).items.sort("invoice")
        fast = open_items(invoices(), payments(), as_of=as_of).items.sort("invoice")
        assert full.select("invoice", "open_cents").equals(fast.select("invoice", "open_cents"))


def test_an_explicit_overpayment_spills_into_the_pool():
    # X names A1 (100) with 150: 100 to A1, the 50 left settles A2 oldest first.
    inv = _inv(
        [
            ("A1", "C", D(2026, 1, 1), D(2026, 3, 1), 10_000),
            ("A2", "C", D(2026, 1, 5), D(2026, 2, 1), 8_000),
        ]
    )
    pay = _pay([("X", "C", D(2026, 1, 10), 15_000, "A1")])
    allocation = allocate(inv, pay, as_of=D(2026, 1, 31))
    assert dict(allocation.items.select("invoice", "open_cents").iter_rows()) == {
        "A1": 0,
        "A2": 3_000,
    }
    assert allocation.credit.height == 0
    assert _applied(allocation) == [
        ("A1", "X", 10_000, D(2026, 1, 10), True),
        ("A2", "X", 5_000, D(2026, 1, 10), False),
    ]


def test_a_payment_naming_an_invoice_not_issued_yet_waits_as_credit():
    # Y (1 Jan) names A2, issued 5 Jan. On 3 Jan it is credit, A1 stays open; on
    # 6 Jan it pays A2, and A1 is still open.
    inv = _inv(
        [
            ("A1", "C", D(2025, 12, 1), D(2025, 12, 31), 10_000),
            ("A2", "C", D(2026, 1, 5), D(2026, 2, 4), 4_000),
        ]
    )
    pay = _pay([("Y", "C", D(2026, 1, 1), 4_000, "A2")])
    early = open_items(inv, pay, as_of=D(2026, 1, 3))
    assert dict(early.items.select("invoice", "open_cents").iter_rows()) == {"A1": 10_000}
    assert early.credit.rows() == [("C", 4_000)]
    later = allocate(inv, pay, as_of=D(2026, 1, 6))
    assert dict(later.items.select("invoice", "open_cents").iter_rows()) == {
        "A1": 10_000,
        "A2": 0,
    }
    assert later.credit.height == 0
    assert _applied(later) == [("A2", "Y", 4_000, D(2026, 1, 5), True)]


def test_a_credit_note_applies_to_the_invoice_it_names():
    inv = _inv(
        [
            ("A1", "C", D(2026, 1, 1), D(2026, 1, 31), 10_000),
            ("A2", "C", D(2026, 1, 2), D(2026, 2, 1), 10_000),
            ("NC", "C", D(2026, 1, 3), D(2026, 1, 3), -2_500),
        ]
    ).with_columns(pl.when(pl.col("invoice") == "NC").then(pl.lit("A2")).alias("applies_to"))
    opened = open_items(inv, _pay([]), as_of=D(2026, 2, 1))
    assert dict(opened.items.select("invoice", "open_cents").iter_rows()) == {
        "A1": 10_000,
        "A2": 7_500,
    }


def test_issue_priority_settles_the_oldest_issued_first():
    # A1 issued first but due later (90 days); A2 issued later, cash on delivery.
    inv = _inv(
        [
            ("A1", "C", D(2026, 1, 1), D(2026, 4, 1), 10_000),
            ("A2", "C", D(2026, 1, 10), D(2026, 1, 10), 10_000),
        ]
    )
    pay = _pay([("Z", "C", D(2026, 1, 20), 10_000, None)])
    by_due = open_items(inv, pay, as_of=D(2026, 1, 31))
    by_issue = open_items(inv, pay, as_of=D(2026, 1, 31), priority="issue")
    assert dict(by_due.items.select("invoice", "open_cents").iter_rows()) == {
        "A1": 10_000,
        "A2": 0,
    }
    assert dict(by_issue.items.select("invoice", "open_cents").iter_rows()) == {
        "A1": 0,
        "A2": 10_000,
    }


def test_same_due_and_issue_dates_fall_back_to_the_invoice_number():
    inv = _inv(
        [
            ("F-10", "C", D(2026, 1, 1), D(2026, 1, 31), 5_000),
            ("F-09", "C", D(2026, 1, 1), D(2026, 1, 31), 5_000),
        ]
    )
    pay = _pay([("Z", "C", D(2026, 1, 20), 5_000, None)])
    opened = open_items(inv, pay, as_of=D(2026, 2, 1))
    assert dict(opened.items.select("invoice", "open_cents").iter_rows()) == {
        "F-09": 0,
        "F-10": 5_000,
    }


def test_a_payment_naming_another_clients_invoice_is_refused():
    pay = payments().with_columns(
        pl.when(pl.col("payment") == "R1").then(pl.lit("F1")).otherwise("invoice").alias("invoice")
    )
    with pytest.raises(FrameError, match=r"'R1' names invoice 'F1', which belongs to client"):
        open_items(invoices(), pay, as_of=ON_JUNE_30)


def test_a_payment_naming_an_unknown_invoice_is_refused():
    pay = payments().with_columns(pl.lit("NOPE").alias("invoice"))
    with pytest.raises(FrameError, match="is not an invoice") as raised:
        open_items(invoices(), pay, as_of=ON_JUNE_30)
    assert raised.value.column == "invoice"


def test_duplicate_invoice_numbers_are_refused():
    inv = pl.concat([invoices(), invoices().head(1)])
    with pytest.raises(FrameError, match="'F1' appears more than once"):
        open_items(inv, payments(), as_of=ON_JUNE_30)


def test_a_negative_payment_is_refused_with_its_reference():
    pay = payments().with_columns(
        pl.when(pl.col("payment") == "P3")
        .then(-pl.col("amount_cents"))
        .otherwise("amount_cents")
        .alias("amount_cents")
    )
    with pytest.raises(FrameError, match="'P3' is not a positive amount"):
        open_items(invoices(), pay, as_of=ON_JUNE_30)


def test_a_missing_column_is_named():
    with pytest.raises(FrameError, match="due_date") as raised:
        open_items(invoices().drop("due_date"), payments(), as_of=ON_JUNE_30)
    assert raised.value.column == "due_date"


def test_without_a_payments_invoice_column_everything_goes_oldest_first():
    opened = open_items(invoices(), payments().drop("invoice"), as_of=dt.date(2026, 4, 30))
    # Pool 600 + 100 + 500 = 1 200: F1 1 000, then 200 of F2 (due 17 Mar) before F3.
    assert dict(opened.items.select("invoice", "open_cents").iter_rows())["F2"] == 30_000


def test_payment_terms_fill_the_missing_due_dates():
    # A1 has no due date and 30 days of terms: due 31 Jan, so 10 days overdue on 10 Feb;
    # A2 keeps its own due date.
    inv = _inv(
        [
            ("A1", "C", D(2026, 1, 1), None, 10_000),
            ("A2", "C", D(2026, 1, 1), D(2026, 3, 1), 10_000),
        ]
    ).with_columns(pl.lit(30).alias("terms_days"))
    opened = open_items(inv, _pay([]), as_of=D(2026, 2, 10))
    assert dict(opened.items.select("invoice", "due_date").iter_rows()) == {
        "A1": D(2026, 1, 31),
        "A2": D(2026, 3, 1),
    }
