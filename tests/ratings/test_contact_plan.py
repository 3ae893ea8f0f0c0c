"""The contact plan through the database: who is due, by value at stake (issue 7; S2.2, S2.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cartera.common.scoping import SYSTEM
from cartera.ratings.selectors import attention_by_salesperson, contacts_due_for
from cartera.ratings.services import (
    contact_frequencies_set,
    rating_policy_publish,
    rating_recalculate,
)
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    ManagerFactory,
    SaleFactory,
    SalespersonFactory,
)

AS_OF = dt.date(2026, 6, 30)
REVENUE_ONLY = {"name": "default", "criteria": [
    {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}}
]}  # fmt: skip


@pytest.fixture
def plan(db):
    """A (400), B (300), C (200), D (100), all Ana's, contacted as the comments say."""
    ana, luis, manager = (
        SalespersonFactory(name="Ana"),
        SalespersonFactory(name="Luis"),
        ManagerFactory(),
    )
    accounts = {}
    for code, euros in (("C1", 400), ("C2", 300), ("C3", 200), ("C4", 100)):
        accounts[code] = AccountFactory(code=code, owner=ana, legal_name=f"Cliente {code}")
        SaleFactory(account=accounts[code], date=dt.date(2026, 3, 1),
                    due_date=dt.date(2026, 3, 31), total=Decimal(euros))  # fmt: skip
    # A, contacted 20 days ago: its 14-day rhythm fell due on 24 June.
    ActivityFactory(account=accounts["C1"], date=dt.date(2026, 6, 10))
    # B, contacted 10 days ago (30-day rhythm) but with a next action planned for today.
    ActivityFactory(account=accounts["C2"], date=dt.date(2026, 6, 20),
                    next_action_on=AS_OF, next_action="Llamar")  # fmt: skip
    # C, contacted two months ago: due at the end of July.
    ActivityFactory(account=accounts["C3"], date=dt.date(2026, 5, 1))
    # D, never contacted: due at once.
    rating_policy_publish(name="default", definition=REVENUE_ONLY, by=manager)
    rating_recalculate(by=SYSTEM, as_of=AS_OF)
    return {"ana": ana, "luis": luis, "manager": manager}


def _rows(listing):
    return [
        (r["rank"], r["code"], r["level"], r["status"], r["days_overdue"], r["reason"])
        for r in listing.iter_rows(named=True)
    ]


def test_due_clients_are_ranked_by_value_and_a_next_action_appears_on_its_date(plan):
    listing = contacts_due_for(plan["manager"], AS_OF)
    assert _rows(listing) == [
        (1, "C1", "A", "overdue", 6, "rhythm"),
        (2, "C2", "B", "due", 0, "next_action"),
        (3, "C4", "D", "due", 0, "never_contacted"),
    ]
    assert listing["revenue_cents"].to_list() == [40_000, 30_000, 10_000]
    # The day before, the planned action is not due yet.
    assert "C2" not in contacts_due_for(plan["manager"], AS_OF - dt.timedelta(days=1))["code"]


def test_the_stored_frequencies_set_the_rhythm(plan):
    contact_frequencies_set(frequencies={"A": 30}, by=plan["manager"])
    assert [r[1] for r in _rows(contacts_due_for(plan["manager"], AS_OF))] == ["C2", "C4"]
    with pytest.raises(PermissionDenied):
        contact_frequencies_set(frequencies={"A": 7}, by=plan["ana"].user)


def test_a_salesperson_sees_only_their_own_list(plan):
    assert contacts_due_for(plan["luis"].user, AS_OF).is_empty()
    assert contacts_due_for(plan["ana"].user, AS_OF).height == 3


def test_attention_by_level_per_salesperson(plan):
    """S2.3: A holds 40 % of Ana's revenue and gets 1 of her 3 contacts."""
    seen = attention_by_salesperson(plan["manager"], AS_OF)
    assert list(seen) == ["Ana"]
    by_level = {r["abc_class"]: (r["contacts"], round(r["revenue_share"], 9))
                for r in seen["Ana"].by_class.iter_rows(named=True)}  # fmt: skip
    assert by_level == {"A": (1, 0.4), "B": (1, 0.3), "C": (1, 0.2), "D": (0, 0.1)}
