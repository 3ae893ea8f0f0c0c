"""Expected collections of a ledger that has never received a payment (S3.6).

Without any payment there is no habit to learn, neither per client nor for the
portfolio: each open item is expected on its due date (0 days late), not a crash.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cartera.analytics.receivables import allocate, expected_collections
from tests.analytics.receivables.receivables_cases import ON_APRIL_30, invoices, payments


def test_without_any_payment_items_are_expected_on_their_due_date():
    # On 30 Apr: F1 (1,000 less the 100 credit note N1), F2 500, B1 2,000 and B2 300 fell
    # due already: tomorrow; F3 800 is due 1 May. G1 (due 31 Oct) is 181 days late: doubtful.
    forecast = expected_collections(allocate(invoices(), payments().clear(), as_of=ON_APRIL_30))
    assert forecast.portfolio_delay_days == 0.0
    assert forecast.months.rows()[0] == (dt.date(2026, 5, 1), 450_000, 5)
    assert forecast.doubtful == Decimal("1500.00")
    assert forecast.later == Decimal("0.00")
