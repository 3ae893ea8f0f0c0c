"""Ageing at three dates, worked out by hand (issue 6, must-hold 1; S1.11 feeds on it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from cartera.analytics.frames import FrameError
from cartera.analytics.receivables import Buckets, ageing
from tests.analytics.receivables.receivables_cases import (
    ON_APRIL_30,
    ON_JUNE_30,
    ON_MARCH_31,
    invoices,
    payments,
)


def _totals(aged):
    return {t.key: (t.amount, t.invoices) for t in aged.totals if t.invoices}


def _open(aged):
    return dict(aged.items.select("invoice", "open_cents").iter_rows())


def test_ageing_on_march_31_keeps_open_what_is_paid_later():
    # ACME: pool P1 600 + credit note N1 100 = 700 settles F1 (due 9 Feb) first:
    # F1 300 open, 50 days overdue (31–60); F2 500 open, 14 days (1–30). F1 is paid in
    # full only by P3 on 20 May: still open here (OCA account-financial-reporting #707).
    # BETA: Q1 2 500 pays B1 2 000 and B2 300 (issued 20 Mar): 200 left as credit.
    # GAMA: 1 500 - 200 = 1 300 open, due 31 Oct 2025: 151 days (91–180).
    aged = ageing(invoices(), payments(), as_of=ON_MARCH_31)
    assert _open(aged) == {"F1": 30_000, "F2": 50_000, "G1": 130_000}
    assert _totals(aged) == {
        "d1_30": (Decimal("500.00"), 1),
        "d31_60": (Decimal("300.00"), 1),
        "d91_180": (Decimal("1300.00"), 1),
    }
    assert aged.total_open == Decimal("2100.00")
    assert aged.total_overdue == Decimal("2100.00")
    assert aged.unapplied_credit == Decimal("200.00")
    assert dict(aged.items.select("invoice", "days_overdue").iter_rows()) == {
        "F1": 50,
        "F2": 14,
        "G1": 151,
    }


def test_ageing_on_april_30_applies_the_explicit_payment_to_its_invoice():
    # P2 (10 Apr) names F2 and pays it off; the pool (700) still stops at F1: 300 open,
    # 80 days (61–90). F3 (issued 1 Apr, due 1 May) is not due. GAMA: 181 days.
    aged = ageing(invoices(), payments(), as_of=ON_APRIL_30)
    assert _open(aged) == {"F1": 30_000, "F3": 80_000, "G1": 130_000}
    assert _totals(aged) == {
        "not_due": (Decimal("800.00"), 1),
        "d61_90": (Decimal("300.00"), 1),
        "d181_365": (Decimal("1300.00"), 1),
    }
    assert aged.total_open == Decimal("2400.00")
    assert aged.total_overdue == Decimal("1600.00")


def test_ageing_on_june_30_after_the_later_payment():
    # P3 1 000 (20 May) joins the pool: 1 700 pays F1 1 000 and 700 of F3: 100 open,
    # 60 days overdue (31–60). GAMA: 242 days (181–365).
    aged = ageing(invoices(), payments(), as_of=ON_JUNE_30)
    assert _open(aged) == {"F3": 10_000, "G1": 130_000}
    assert _totals(aged) == {
        "d31_60": (Decimal("100.00"), 1),
        "d181_365": (Decimal("1300.00"), 1),
    }
    assert aged.total_open == Decimal("1400.00")
    assert aged.unapplied_credit == Decimal("200.00")


def test_table_by_client_nets_credit_and_lists_clients_in_credit():
    table = ageing(invoices(), payments(), as_of=ON_MARCH_31).table("client")
    rows = {r["client"]: r for r in table.iter_rows(named=True)}
    assert rows["ACME"]["open_cents"] == 80_000
    assert rows["ACME"]["d1_30_cents"] == 50_000
    assert rows["ACME"]["d31_60_cents"] == 30_000
    assert rows["ACME"]["oldest_days_overdue"] == 50
    assert rows["BETA"]["open_cents"] == 0
    assert rows["BETA"]["balance_cents"] == -20_000
    assert rows["GAMA"]["d91_180_cents"] == 130_000
    assert table["client"].to_list() == ["GAMA", "ACME", "BETA"]


def test_table_by_salesperson_segment_and_abc_class():
    aged = ageing(invoices(), payments(), as_of=ON_APRIL_30)
    by_person = dict(aged.table("salesperson").select("salesperson", "open_cents").iter_rows())
    assert by_person == {"Ana": 110_000, "Luis": 130_000}
    by_segment = dict(aged.table("segment").select("segment", "overdue_cents").iter_rows())
    assert by_segment == {"shops": 30_000, "bars": 130_000}
    by_class = dict(aged.table("abc").select("abc", "not_due_cents").iter_rows())
    assert by_class == {"A": 80_000, "C": 0}


def test_table_by_an_unknown_column_names_it():
    aged = ageing(invoices(), payments(), as_of=ON_APRIL_30)
    with pytest.raises(FrameError, match="city") as raised:
        aged.table("city")
    assert raised.value.column == "city"


def test_custom_buckets_regroup_the_same_items():
    # Bounds 0, 90: not due 800 (F3), 1–90 300 (F1), > 90 1 300 (G1).
    aged = ageing(invoices(), payments(), as_of=ON_APRIL_30, buckets=Buckets((0, 90)))
    assert [(t.label, t.amount) for t in aged.totals] == [
        ("not due", Decimal("800.00")),
        ("1–90", Decimal("300.00")),
        ("> 90", Decimal("1300.00")),
    ]


def test_a_first_bound_above_zero_still_counts_overdue_exactly():
    # "≤ 30" holds F3 (not due) only; overdue is F1 300 + G1 1 300.
    aged = ageing(invoices(), payments(), as_of=ON_APRIL_30, buckets=Buckets((30,)))
    assert aged.totals[0].label == "≤ 30"
    assert aged.total_overdue == Decimal("1600.00")


def test_buckets_refuse_bounds_out_of_order():
    with pytest.raises(ValueError, match="increasing"):
        Buckets((0, 60, 30))


def test_amounts_in_currency_units_are_accepted():
    inv = (
        invoices().with_columns((pl.col("amount_cents") / 100).alias("amount")).drop("amount_cents")
    )
    aged = ageing(inv, payments(), as_of=ON_MARCH_31)
    assert aged.total_open == Decimal("2100.00")


def test_dates_as_iso_strings_are_accepted():
    inv = invoices().with_columns(pl.col("date", "due_date").cast(pl.String))
    assert ageing(inv, payments(), as_of=dt.date(2026, 3, 31)).total_open == Decimal("2100.00")
