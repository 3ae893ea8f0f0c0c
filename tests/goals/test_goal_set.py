"""Setting goals stores months spread by the season, to the cent (S3.5; issue 8 point 2).

The portfolio of Ana sells 100,000.00 × a known seasonal index every month of
2024 – 2026 (indices 0.6, 0.7, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.1, 1.0, 0.9, 1.2; they sum
to 12). The centred 12-month average of such a series is 100,000.00 exactly, so the
decomposition finds the indices exactly, and a yearly goal of 1,200,000.00 spread by
them is 100,000.00 × index: 60,000.00 in January … 120,000.00 in December.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cartera.goals.models import Goal
from cartera.goals.services import goal_set
from tests.factories import AccountFactory, ManagerFactory, SalespersonFactory
from tests.goals.months import months

pytestmark = pytest.mark.django_db

PROFILE = (0.6, 0.7, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.1, 1.0, 0.9, 1.2)
AS_OF = dt.date(2026, 12, 31)


@pytest.fixture
def ana(record_sales):
    person = SalespersonFactory(name="Ana Souto")
    account = AccountFactory(owner=person)
    record_sales(
        (account, day, Decimal(100_000) * Decimal(str(PROFILE[day.month - 1])))
        for day in months(dt.date(2024, 1, 1), 36)
    )
    return person


def _monthly(person, year: int) -> list[Decimal]:
    rows = Goal.objects.filter(salesperson=person, year=year, month__isnull=False)
    return [g.target for g in rows.order_by("month")]


def _yearly(person, year: int) -> Decimal:
    return Goal.objects.get(salesperson=person, year=year, month__isnull=True).target


def test_a_yearly_goal_of_1_2_million_is_spread_by_the_seasonal_profile(ana):
    goal_set(
        acting_user=ManagerFactory(),
        year=2027,
        target=Decimal("1200000"),
        salesperson=ana,
        spread="profile",
        as_of=AS_OF,
    )
    assert _yearly(ana, 2027) == Decimal("1200000.00")
    assert _monthly(ana, 2027) == [
        Decimal(v)
        for v in (
            "60000.00", "70000.00", "90000.00", "100000.00", "100000.00", "110000.00",
            "120000.00", "130000.00", "110000.00", "100000.00", "90000.00", "120000.00",
        )
    ]  # fmt: skip


def test_the_company_goal_follows_the_company_profile(ana):
    goal_set(acting_user=ManagerFactory(), year=2027, target="600000", as_of=AS_OF)
    assert _yearly(None, 2027) == Decimal("600000.00")
    assert _monthly(None, 2027)[:3] == [
        Decimal("30000.00"),
        Decimal("35000.00"),
        Decimal("45000.00"),
    ]


def test_an_even_spread_hands_the_left_over_cents_to_the_first_months(ana):
    goal_set(acting_user=ManagerFactory(), year=2027, target="1000", salesperson=ana, spread="even")
    assert _monthly(ana, 2027) == [Decimal("83.34")] * 4 + [Decimal("83.33")] * 8


def test_editing_a_month_moves_the_year_to_the_sum_of_its_months(ana):
    manager = ManagerFactory()
    goal_set(acting_user=manager, year=2027, target="1200000", salesperson=ana, as_of=AS_OF)
    goal_set(acting_user=manager, year=2027, month=3, target="125000", salesperson=ana)
    # 1,200,000 − 90,000 (March as spread) + 125,000 (March as edited).
    assert _yearly(ana, 2027) == Decimal("1235000.00")
    assert _monthly(ana, 2027)[2] == Decimal("125000.00")


def test_editing_the_year_keeps_the_shape_of_the_months(ana):
    manager = ManagerFactory()
    goal_set(acting_user=manager, year=2027, target="1200000", salesperson=ana, as_of=AS_OF)
    goal_set(acting_user=manager, year=2027, target="2400000", salesperson=ana, spread="keep")
    assert _monthly(ana, 2027)[:2] + _monthly(ana, 2027)[-1:] == [
        Decimal("120000.00"),
        Decimal("140000.00"),
        Decimal("240000.00"),
    ]
    assert Goal.objects.filter(salesperson=ana, year=2027).count() == 13


def test_a_salesperson_may_not_set_a_goal(ana):
    with pytest.raises(PermissionDenied):
        goal_set(acting_user=ana.user, year=2027, target="1", salesperson=ana)
    assert not Goal.objects.exists()


def test_a_negative_goal_names_the_field():
    with pytest.raises(ValidationError) as error:
        goal_set(acting_user=ManagerFactory(), year=2027, target="-5")
    assert "target" in error.value.message_dict
