"""Dunning list, cash flow (S3.6), risk × profitability (S1.9, S3.12) and credit (S3.9.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from cartera.analytics.frames import FrameError
from cartera.analytics.receivables import (
    DunningAction,
    DunningStep,
    ageing,
    allocate,
    credit_concentration,
    credit_exposure,
    dunning_list,
    expected_collections,
    monthly_cashflow,
    open_items,
    risk_matrix,
    solvency,
)
from tests.analytics.receivables.receivables_cases import (
    ON_APRIL_30,
    ON_JUNE_30,
    ON_MARCH_31,
    invoices,
    payments,
)

D = dt.date


def test_dunning_list_on_march_31_suggests_an_action_by_the_oldest_item():
    # GAMA: G1 151 days → collections agency. ACME: F1 50 days (formal notice) and F2
    # 14 days (reminder): the client gets the formal notice. BETA owes nothing.
    contacts = pl.DataFrame({"client": ["ACME", "GAMA"], "contact": ["Rosa Díaz", "João Lima"]})
    dunning = dunning_list(ageing(invoices(), payments(), as_of=ON_MARCH_31), contacts=contacts)
    assert dunning.clients.select(
        "client", "overdue_cents", "invoices", "oldest_days_overdue", "action", "contact"
    ).rows() == [
        ("GAMA", 130_000, 1, 151, "collections_agency", "João Lima"),
        ("ACME", 80_000, 2, 50, "formal_notice", "Rosa Díaz"),
    ]
    assert dunning.clients["salesperson"].to_list() == ["Luis", "Ana"]
    assert dunning.items.select("invoice", "action").rows() == [
        ("F1", "formal_notice"),
        ("F2", "reminder"),
        ("G1", "collections_agency"),
    ]


def test_dunning_grace_period_and_custom_steps():
    # With 20 days of grace F2 (14 days) drops; with two steps, F1 at 50 days is a call.
    steps = (DunningStep(1, DunningAction.CALL), DunningStep(100, DunningAction.LEGAL_ACTION))
    aged = ageing(invoices(), payments(), as_of=ON_MARCH_31)
    dunning = dunning_list(aged, steps=steps, min_days=20)
    assert dunning.items.select("invoice", "action").rows() == [
        ("F1", "call"),
        ("G1", "legal_action"),
    ]


def test_monthly_cashflow_sales_against_collections():
    # Owed before January: G1 1 500 + B1 2 000 = 3 500. January: F1 1 000 sold, Q1 2 500
    # and R1 200 collected → 1 800. February: F2 500, P1 600 → 1 700. March: B2 300
    # and credit note N1 100 → 1 900. April: F3 800, P2 500 → 2 200. May: P3 1 000
    # → 1 200. June: nothing. Each month-end figure is the ageing's open minus credit.
    flow = monthly_cashflow(invoices(), payments(), start=D(2026, 1, 15), end=ON_JUNE_30)
    assert flow.rows() == [
        (D(2026, 1, 1), 100_000, 0, 100_000, 270_000, 170_000, 180_000),
        (D(2026, 2, 1), 50_000, 0, 50_000, 60_000, 10_000, 170_000),
        (D(2026, 3, 1), 30_000, 10_000, 20_000, 0, -20_000, 190_000),
        (D(2026, 4, 1), 80_000, 0, 80_000, 50_000, -30_000, 220_000),
        (D(2026, 5, 1), 0, 0, 0, 100_000, 100_000, 120_000),
        (D(2026, 6, 1), 0, 0, 0, 0, 0, 120_000),
    ]
    aged = ageing(invoices(), payments(), as_of=ON_APRIL_30)
    assert Decimal(flow["receivables_cents"][3]) / 100 == aged.total_open - aged.unapplied_credit


def test_expected_collections_from_due_dates_and_each_clients_habit():
    # On 30 Apr ACME pays 16.9 days late on average ((600×11 + 500×24) / 1 100), 17
    # rounded: F3 (due 1 May) is expected 18 May; F1 (due 9 Feb) was expected 26 Feb,
    # so now tomorrow, 1 May. GAMA pays 66 days late: G1 was expected 5 Jan, 115 days
    # ago: doubtful past 90 days, forecast for tomorrow with the default 180.
    allocation = allocate(invoices(), payments(), as_of=ON_APRIL_30)
    strict = expected_collections(allocation, doubtful_after_days=90)
    assert strict.months.rows() == [
        (D(2026, 5, 1), 110_000, 2),
        (D(2026, 6, 1), 0, 0),
        (D(2026, 7, 1), 0, 0),
    ]
    assert strict.doubtful == Decimal("1300.00")
    assert strict.later == Decimal("0.00")
    expected_on = dict(strict.items.select("invoice", "expected_on").iter_rows())
    assert expected_on == {"F1": D(2026, 5, 1), "F3": D(2026, 5, 18), "G1": D(2026, 5, 1)}
    lenient = expected_collections(allocation)
    assert lenient.months["expected_cents"].to_list() == [240_000, 0, 0]
    assert lenient.doubtful == Decimal("0.00")


def test_expected_collections_beyond_the_horizon_are_later():
    allocation = allocate(invoices(), payments(), as_of=ON_APRIL_30)
    one_month = expected_collections(allocation, months=1)
    assert one_month.months.rows() == [(D(2026, 5, 1), 240_000, 3)]
    short = expected_collections(allocate(invoices(), payments(), as_of=D(2026, 4, 2)), months=1)
    # On 2 Apr F3 (due 1 May) is expected 1 May + ACME's habit (11 days: P1 only).
    assert short.later == Decimal("800.00")


def test_risk_matrix_of_abc_class_against_payment_risk():
    # Scores on 30 Jun: GAMA 3.7 and ACME 25.4 are high risk; BETA (no debt, paid
    # mostly late but by 15 days) 4.57 + 21.38 + 20 + 2.89 + 10 = 58.8: medium.
    allocation = allocate(invoices(), payments(), as_of=ON_JUNE_30)
    scores = solvency(allocation, invoices())
    matrix = risk_matrix(scores, allocation)
    assert matrix.select("abc", "risk", "clients", "open_cents").rows() == [
        ("A", "high", 1, 10_000),
        ("B", "medium", 1, 0),
        ("C", "high", 1, 130_000),
    ]
    assert matrix["share_of_open"].sum() == pytest.approx(1.0)


def test_risk_matrix_with_margin_classes_given_apart():
    allocation = allocate(invoices(), payments(), as_of=ON_JUNE_30)
    scores = solvency(allocation, invoices())
    margins = pl.DataFrame({"client": ["ACME", "BETA", "GAMA"], "margin": ["low", "high", "high"]})
    matrix = risk_matrix(scores, allocation, classes=margins, class_column="margin")
    assert matrix.select("margin", "risk", "clients").rows() == [
        ("high", "medium", 1),
        ("high", "high", 1),
        ("low", "high", 1),
    ]


def test_risk_matrix_without_classes_names_the_missing_column():
    opened = open_items(invoices().drop("abc"), payments(), as_of=ON_JUNE_30)
    with pytest.raises(FrameError, match="abc"):
        risk_matrix(pl.DataFrame({"client": ["ACME"], "score": [50.0]}), opened)


def test_credit_exposure_against_limits():
    # 30 Apr: ACME owes 1 100 + 500 unbilled = 1 600 of 2 000; BETA holds 200 credit;
    # GAMA owes 1 300 on a limit of 500: over by 800.
    opened = open_items(invoices(), payments(), as_of=ON_APRIL_30)
    limits = pl.DataFrame(
        {"client": ["ACME", "BETA", "GAMA"], "limit_cents": [200_000, 100_000, 50_000]}
    )
    unbilled = pl.DataFrame({"client": ["ACME"], "unbilled_cents": [50_000]})
    exposure = credit_exposure(opened, limits, unbilled=unbilled)
    assert exposure.select("client", "exposure_cents", "headroom_cents", "over_limit").rows() == [
        ("GAMA", 130_000, -80_000, True),
        ("ACME", 160_000, 40_000, False),
        ("BETA", -20_000, 120_000, False),
    ]


def test_credit_concentration_per_salesperson():
    # 30 Apr: Ana carries ACME's 1 100, Luis GAMA's 1 300. Limits follow the owner of
    # each client's latest invoice: Ana ACME 2 000 + BETA 1 000, Luis GAMA 500.
    opened = open_items(invoices(), payments(), as_of=ON_APRIL_30)
    limits = pl.DataFrame(
        {"client": ["ACME", "BETA", "GAMA"], "limit_cents": [200_000, 100_000, 50_000]}
    )
    table = credit_concentration(opened, limits=limits)
    assert table.select(
        "salesperson", "clients", "open_cents", "overdue_cents", "limit_cents"
    ).rows() == [
        ("Luis", 1, 130_000, 130_000, 50_000),
        ("Ana", 1, 110_000, 30_000, 300_000),
    ]
    assert table["share_of_open"].to_list() == pytest.approx([130 / 240, 110 / 240])
    assert table["limit_used"].to_list() == pytest.approx([2.6, 110 / 300])


def test_concentration_index_of_a_portfolio_of_two_clients():
    # Shares 3/4 and 1/4: top 0.75, HHI 0.5625 + 0.0625 = 0.625.
    inv = pl.DataFrame(
        {
            "invoice": ["a", "b"],
            "client": ["X", "Y"],
            "date": [D(2026, 1, 1)] * 2,
            "due_date": [D(2026, 1, 31)] * 2,
            "amount_cents": [30_000, 10_000],
            "salesperson": ["Eva", "Eva"],
        }
    )
    pay = pl.DataFrame(
        schema={
            "payment": pl.String,
            "client": pl.String,
            "date": pl.Date,
            "amount_cents": pl.Int64,
        }
    )
    table = credit_concentration(open_items(inv, pay, as_of=D(2026, 2, 1)))
    row = table.row(0, named=True)
    assert (row["top_client_share"], row["hhi"]) == (0.75, 0.625)
