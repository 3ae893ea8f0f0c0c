"""Monthly sales written straight to the database, for the forecast, goal and drift tests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from decimal import Decimal

import numpy as np
import pytest

from cartera.clients.models import Account
from cartera.sales.models import Sale, SaleLine
from cartera.team.models import Salesperson
from tests.factories import AccountFactory, ProductFactory, SalespersonFactory
from tests.goals.months import months

_numbers = itertools.count(1)

Sales = Callable[[Iterable[tuple[Account, dt.date, Decimal]]], None]


@pytest.fixture
def record_sales() -> Sales:
    """Return a function writing one invoice with one line per (account, date, amount).

    ``bulk_create`` keeps a few hundred invoices fast; the invoice goes to the account's
    owner, due the same day (cash), so nothing is overdue unless a test wants it.
    """
    product = ProductFactory(list_price=Decimal("1.00"), unit_cost=Decimal("0"))

    def record(rows: Iterable[tuple[Account, dt.date, Decimal]]) -> None:
        entries = list(rows)
        sales = Sale.objects.bulk_create(
            Sale(
                number=f"T-{next(_numbers):07d}",
                account=account,
                salesperson_id=account.owner_id,
                date=day,
                due_date=day,
                total=amount,
            )
            for account, day, amount in entries
        )
        SaleLine.objects.bulk_create(
            SaleLine(
                sale=sale,
                line_no=1,
                product=product,
                quantity=amount,
                unit_price=Decimal("1.00"),
                amount=amount,
            )
            for sale, (_account, _day, amount) in zip(sales, entries, strict=True)
        )

    return record


@pytest.fixture
def small_portfolio(record_sales: Sales) -> tuple[Salesperson, Salesperson]:
    """Return Ana and Bruno, owning 20 clients each (hotels and bars), 26 months of sales.

    Each client buys in a month with its own probability (0.2 – 0.95), around its own
    level with a summer peak, and one in three stops buying at some point. Sales run
    from August 2024 to 3 October 2026: with ``as_of`` 2026-10-05 the last complete
    month is September 2026.
    """
    rng = np.random.default_rng(8)
    ana = SalespersonFactory(name="Ana Souto")
    bruno = SalespersonFactory(name="Bruno Lage")
    rows = []
    for k in range(40):
        owner, segment = (ana, "Hoteles") if k < 20 else (bruno, "Bares")
        account = AccountFactory(code=f"K{k:03d}", owner=owner, segment=segment)
        level = float(rng.lognormal(7, 0.6))
        often = float(rng.uniform(0.2, 0.95))
        # One client in three stops buying at some point: the attrition BG/NBD learns.
        last = int(rng.integers(4, 24)) if k % 3 == 0 else 27
        days = [*months(dt.date(2024, 8, 1), 26), dt.date(2026, 10, 3)]
        for day in days[:last]:
            if rng.random() < often:
                season = 1.3 if day.month in (6, 7, 8) else 1.0
                amount = Decimal(str(round(level * season * rng.uniform(0.8, 1.2), 2)))
                rows.append((account, day, amount))
    record_sales(rows)
    return ana, bruno
