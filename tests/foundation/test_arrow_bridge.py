"""The database bridge yields the canonical sales frame, scoped by role, on both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.db import transaction

from cartera.analytics.frames import prepare_sales
from cartera.sales.selectors import SALES_SCHEMA, sales_frame
from cartera.sales.services import LineInput, sale_record
from tests.factories import AccountFactory, ManagerFactory, ProductFactory, SalespersonFactory


def _two_clients_with_sales() -> tuple:
    ana, luis = SalespersonFactory(name="Ana"), SalespersonFactory(name="Luis")
    product = ProductFactory(sku="REF-1", family="Refrescos", list_price=Decimal("1.25"))
    mine = AccountFactory(owner=ana, code="C-ANA", city="Sevilla", segment="Bares")
    theirs = AccountFactory(owner=luis, code="C-LUIS")
    sale_record(
        number="F1",
        account=mine,
        date=dt.date(2026, 1, 10),
        lines=[LineInput(product=product, quantity=Decimal(3))],
    )
    sale_record(
        number="F2",
        account=theirs,
        date=dt.date(2026, 2, 10),
        lines=[LineInput(product=product, quantity=Decimal("2.5"))],
    )
    return ana, luis


def _check(frame: pl.DataFrame, ana_user) -> None:
    assert frame.schema == pl.Schema(SALES_SCHEMA)
    assert frame.select("client", "date", "amount_cents", "quantity").rows() == [
        ("C-ANA", dt.date(2026, 1, 10), 375, 3.0),
        ("C-LUIS", dt.date(2026, 2, 10), 313, 2.5),  # 2.5 × 1.25 = 3.125 → 3.13
    ]
    row = frame.row(0, named=True)
    assert (row["salesperson"], row["city"], row["family"], row["channel"]) == (
        "Ana", "Sevilla", "Refrescos", "b2b",
    )  # fmt: skip
    # The frame needs no conversion: analytics accepts it as it is.
    assert prepare_sales(frame).collect().equals(frame)
    own = sales_frame(user=ana_user)
    assert own["client"].to_list() == ["C-ANA"]


@pytest.mark.django_db(transaction=True)
def test_committed_sales_come_through_connectorx():
    ana, _luis = _two_clients_with_sales()
    _check(sales_frame(user=ManagerFactory()), ana.user)
    since = sales_frame(user=ManagerFactory(username="m2"), since=dt.date(2026, 2, 1))
    assert since["invoice"].to_list() == ["F2"]


@pytest.mark.django_db
def test_inside_an_open_transaction_the_bridge_sees_its_own_writes():
    with transaction.atomic():
        ana, _luis = _two_clients_with_sales()
        _check(sales_frame(user=ManagerFactory()), ana.user)


@pytest.mark.django_db
def test_anonymous_user_reads_no_sales():
    from django.contrib.auth.models import AnonymousUser

    _two_clients_with_sales()
    assert sales_frame(user=AnonymousUser()).height == 0
