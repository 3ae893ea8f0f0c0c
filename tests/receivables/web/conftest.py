"""The receivables pages' book: the web tests' portfolio with payments and limits.

On top of :func:`tests.web.conftest.build_book` (10.00 € a unit, 30 days to pay):

=======  ========  ==========  ==========  ========  =====================================
invoice  client    issued      due         amount    paid
=======  ========  ==========  ==========  ========  =====================================
F-1      Z-UNO     2026-03-10  2026-04-09  100.00    60.00 on 2026-04-20 (P-1)
F-2      O-TRES    2026-04-01  2026-05-01  370.00    70.00 on 2026-05-15 (P-2)
F-3      Z-DOS     2026-05-01  2026-05-31   30.00    30.00 on 2026-07-18 (P-3)
F-4      Z-UNO     2026-06-10  2026-07-10  500.00    —
F-5      Z-DOS     2026-07-15  2026-08-14   20.00    —
=======  ========  ==========  ==========  ========  =====================================

Credit limits: Z-UNO 400.00, O-TRES 1,000.00, Z-DOS none. Ana owns Z-UNO and Z-DOS,
Luis owns O-TRES. Figures at :data:`AS_OF` (2026-07-20) and at the month end before it
(2026-06-30), under the default policy (not due 0 %, 1–30 1 %, 31–60 5 %, 61–90 15 %,
91–180 30 % …):

=======  =====  ======  =======  ===========  ==========  ============  ===========
invoice  open   days    bucket   provision    06-30 open  06-30 bucket  06-30 prov.
=======  =====  ======  =======  ===========  ==========  ============  ===========
F-1       40.00  102    91–180   12.00         40.00       61–90 (82)     6.00
F-2      300.00   80    61–90    45.00        300.00       31–60 (60)    15.00
F-3        —       —    —         —            30.00       1–30 (30)      0.30
F-4      500.00   10    1–30      5.00        500.00       not due        0.00
F-5       20.00   -25   not due   0.00          —           —             —
=======  =====  ======  =======  ===========  ==========  ============  ===========

At 2026-07-20: open 860.00, overdue 840.00, provision 62.00 (Ana: 560.00, 540.00,
17.00; Luis: 300.00, 300.00, 45.00). From 2026-06-30 (21.30) to 2026-07-20 (62.00):
charge Z-UNO 11.00 and O-TRES 30.00, release Z-DOS 0.30; net 40.70.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from cartera.catalog.models import Product
from cartera.clients.models import Account
from cartera.common.formatting import forget_company_format
from cartera.receivables.services import payment_record
from cartera.sales.models import Sale
from cartera.sales.services import LineInput, sale_record
from tests.web.conftest import Book, build_book

AS_OF = dt.date(2026, 7, 20)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    forget_company_format()
    yield
    cache.clear()


def build_ledger() -> Book:
    book = build_book()
    sale_record(
        number="F-5",
        account=book.dos,
        date=dt.date(2026, 7, 15),
        lines=[LineInput(product=Product.objects.get(sku="SAL-1"), quantity=Decimal(2))],
    )
    payment_record(reference="P-1", account=book.uno, date=dt.date(2026, 4, 20), amount=Decimal(60))
    payment_record(
        reference="P-2", account=book.tres, date=dt.date(2026, 5, 15), amount=Decimal(70)
    )
    payment_record(
        reference="P-3",
        account=book.dos,
        date=dt.date(2026, 7, 18),
        amount=Decimal(30),
        sale=Sale.objects.get(number="F-3"),
    )
    # Set after the sales: the sale-time credit check would refuse F-4 otherwise.
    Account.objects.filter(pk=book.uno.pk).update(credit_limit=Decimal(400))
    Account.objects.filter(pk=book.tres.pk).update(credit_limit=Decimal(1000))
    return book


@pytest.fixture
def ledger_book(db) -> Book:
    return build_ledger()
