"""Shared set-up of the web tests: a small portfolio with hand-computable figures.

Two salespeople, Ana and Luis. Every amount is 10.00 € a unit, so revenues are easy to
check by hand:

========  ==========  ======  ===================================  =========
code      name        owner   sales                                revenue
========  ==========  ======  ===================================  =========
Z-UNO     Zafiro Uno  Ana     2026-03-10: 10 u · 2026-06-10: 50 u  600.00 €
Z-DOS     Zafiro Dos  Ana     2026-05-01: 3 u                       30.00 €
O-TRES    Ópalo Tres  Luis    2026-04-01: 37 u                     370.00 €
P-CUATRO  Perla Cuatro Ana    (a prospect, no sales)                     —
========  ==========  ======  ===================================  =========

The latest sale (2026-06-10) is the diagnosis' as-of date; the window holds every sale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache

from cartera.clients.models import Account, Status
from cartera.common.formatting import forget_company_format
from cartera.sales.services import LineInput, sale_record
from tests.factories import (
    AccountFactory,
    AdminFactory,
    ContactFactory,
    ManagerFactory,
    ProductFactory,
    SalespersonFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Analyses are cached per data version; every test starts from version 0 again.
    cache.clear()
    forget_company_format()
    yield
    cache.clear()


@dataclass
class Book:
    ana: object
    luis: object
    manager: object
    admin: object
    uno: Account
    dos: Account
    tres: Account
    cuatro: Account


def build_book() -> Book:
    ana = SalespersonFactory(name="Ana Abril", user__username="ana")
    luis = SalespersonFactory(name="Luis Lago", user__username="luis")
    gazpacho = ProductFactory(sku="GAZ-1", name="Gazpacho", family="Sopas", list_price=Decimal(10))
    salmorejo = ProductFactory(
        sku="SAL-1", name="Salmorejo", family="Cremas", list_price=Decimal(10)
    )
    uno = AccountFactory(
        code="Z-UNO", legal_name="Zafiro Uno S.L.", owner=ana, city="Sevilla", segment="Bares"
    )
    dos = AccountFactory(
        code="Z-DOS",
        legal_name="Zafiro Dos S.L.",
        owner=ana,
        city="Cádiz",
        segment="Hoteles",
        is_special=True,
    )
    tres = AccountFactory(
        code="O-TRES", legal_name="Ópalo Tres S.A.", owner=luis, city="Sevilla", segment="Bares"
    )
    cuatro = AccountFactory(
        code="P-CUATRO",
        legal_name="Perla Cuatro S.L.",
        owner=ana,
        city="Huelva",
        segment="Bares",
        status=Status.PROSPECT,
    )
    ContactFactory(account=uno, name="Rocío Compras", is_purchasing=True)
    ContactFactory(account=tres, name="Iñigo Pedidos", is_purchasing=True)
    for number, account, day, product, units in (
        ("F-1", uno, dt.date(2026, 3, 10), gazpacho, 10),
        ("F-2", tres, dt.date(2026, 4, 1), salmorejo, 37),
        ("F-3", dos, dt.date(2026, 5, 1), salmorejo, 3),
        ("F-4", uno, dt.date(2026, 6, 10), gazpacho, 50),
    ):
        sale_record(
            number=number,
            account=account,
            date=day,
            lines=[LineInput(product=product, quantity=Decimal(units))],
        )
    return Book(
        ana=ana,
        luis=luis,
        manager=ManagerFactory(username="gerente"),
        admin=AdminFactory(username="jefa"),
        uno=uno,
        dos=dos,
        tres=tres,
        cuatro=cuatro,
    )


@pytest.fixture
def book(db) -> Book:
    return build_book()
