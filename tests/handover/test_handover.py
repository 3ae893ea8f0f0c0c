"""Hand-overs: ownership moves with its history, access follows at once (issue 7; S0.4, S3.12)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cartera.activities.models import Activity
from cartera.audit.models import AuditEvent
from cartera.clients.models import OwnershipPeriod
from cartera.clients.selectors import accounts_visible_to
from cartera.clients.services import (
    account_hand_over,
    account_hand_over_filtered,
    handover_accept,
    salesperson_leave,
)
from cartera.common.scoping import SYSTEM, visible_to
from cartera.ratings.selectors import handover_suggestions, ratings_visible_to
from cartera.ratings.services import rating_policy_publish, rating_recalculate
from cartera.sales.models import Sale
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    ManagerFactory,
    SaleFactory,
    SalespersonFactory,
)

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def team(db):
    ana = SalespersonFactory(name="Ana")
    luis = SalespersonFactory(name="Luis")
    marta = SalespersonFactory(name="Marta")
    return {"ana": ana, "luis": luis, "marta": marta, "manager": ManagerFactory()}


def _open_period(account):
    return OwnershipPeriod.objects.get(account=account, ended_on__isnull=True)


def _with_first_owner(code, owner, **fields):
    account = AccountFactory(code=code, owner=owner, **fields)
    OwnershipPeriod.objects.create(
        account=account, salesperson=owner, started_on=dt.date(2024, 1, 1), reason="First owner"
    )
    return account


def test_hand_over_moves_ownership_with_history_and_the_previous_owner_loses_access(team):
    ana, luis, manager = team["ana"], team["luis"], team["manager"]
    account = _with_first_owner("C1", ana)
    visit = ActivityFactory(account=account, salesperson=ana, date=dt.date(2026, 5, 2))
    invoice = SaleFactory(account=account, salesperson=ana, date=dt.date(2026, 5, 3),
                          due_date=dt.date(2026, 7, 2), total=Decimal("250.00"))  # fmt: skip
    assert accounts_visible_to(ana.user).filter(pk=account.pk).exists()

    moved = account_hand_over(accounts=[account], to=luis, reason="Zone change", on=DAY, by=manager)

    assert moved == 1
    periods = list(
        OwnershipPeriod.objects.filter(account=account)
        .order_by("started_on")
        .values_list("salesperson__name", "started_on", "ended_on", "reason", "handed_over_by")
    )
    assert periods == [
        ("Ana", dt.date(2024, 1, 1), dt.date(2026, 5, 31), "First owner", None),
        ("Luis", DAY, None, "Zone change", manager.pk),
    ]
    # At once: the previous owner no longer sees the client, its activities or invoices.
    assert not accounts_visible_to(ana.user).filter(pk=account.pk).exists()
    assert not visible_to(Activity.objects.all(), ana.user).filter(pk=visit.pk).exists()
    # The history follows the client to its new owner.
    assert visible_to(Activity.objects.all(), luis.user).filter(pk=visit.pk).exists()
    assert visible_to(Sale.objects.all(), luis.user).filter(pk=invoice.pk).exists()
    # The audit trail has the operation and the account's own history the new owner.
    event = AuditEvent.objects.get(action="hand_over")
    assert (event.count, event.user, event.detail) == (1, manager, "→ Luis: Zone change")
    latest = account.history.order_by("-history_id").first()
    assert (latest.owner_id, latest.history_change_reason) == (luis.pk, "Zone change")


def test_the_previous_owner_loses_the_rating_at_once(team):
    ana, luis, manager = team["ana"], team["luis"], team["manager"]
    account = _with_first_owner("C1", ana)
    SaleFactory(account=account, date=dt.date(2026, 3, 1), due_date=dt.date(2026, 3, 31))
    rating_recalculate(by=SYSTEM, as_of=DAY)
    assert ratings_visible_to(ana.user).count() == 1
    account_hand_over(accounts=[account], to=luis, reason="Zone change", on=DAY, by=manager)
    assert ratings_visible_to(ana.user).count() == 0
    assert ratings_visible_to(luis.user).count() == 1


def test_a_salesperson_cannot_hand_clients_over(team):
    ana, luis = team["ana"], team["luis"]
    account = _with_first_owner("C1", ana)
    with pytest.raises(PermissionDenied):
        account_hand_over(accounts=[account], to=luis, reason="I quit", on=DAY, by=ana.user)
    with pytest.raises(PermissionDenied):
        account_hand_over_filtered(from_=ana, to=luis, filters={}, reason="x", by=ana.user)
    with pytest.raises(PermissionDenied):
        salesperson_leave(salesperson=ana, to=[luis], reason="x", by=ana.user)
    account.refresh_from_db()
    assert account.owner == ana


def test_a_filtered_set_is_handed_over_and_nothing_else(team):
    ana, luis, manager = team["ana"], team["luis"], team["manager"]
    madrid = [_with_first_owner(f"M{i}", ana, city="Madrid") for i in range(3)]
    toledo = _with_first_owner("T1", ana, city="Toledo")
    moved = account_hand_over_filtered(
        from_=ana, to=luis, filters={"city": "madrid"}, reason="Madrid to Luis", by=manager, on=DAY
    )
    assert moved == 3
    assert {a.code for a in accounts_visible_to(luis.user)} == {a.code for a in madrid}
    toledo.refresh_from_db()
    assert toledo.owner == ana
    with pytest.raises(ValidationError) as refused:
        account_hand_over_filtered(from_=ana, to=luis, filters={"ciudad": "X"}, reason="x",
                                   by=manager)  # fmt: skip
    assert "filter" in refused.value.message_dict


def test_a_salesperson_who_leaves_hands_the_whole_book_over_by_value(team):
    """S0.4: 500, 400, 300, 200, 100 dealt in a snake: Luis 500, 200, 100; Marta 400, 300."""
    ana, luis, marta, manager = team["ana"], team["luis"], team["marta"], team["manager"]
    for index, euros in enumerate((500, 400, 300, 200, 100), start=1):
        account = _with_first_owner(f"C{index}", ana)
        SaleFactory(account=account, date=dt.date(2026, 3, 1), due_date=dt.date(2026, 3, 31),
                    total=Decimal(euros))  # fmt: skip
    rating_recalculate(by=SYSTEM, as_of=DAY)

    departure = salesperson_leave(
        salesperson=ana, to=[luis, marta], reason="Retirement", by=manager, on=DAY
    )

    assert departure.handed == {"Luis": 3, "Marta": 2}
    assert {a.code for a in accounts_visible_to(luis.user)} == {"C1", "C4", "C5"}
    assert {a.code for a in accounts_visible_to(marta.user)} == {"C2", "C3"}
    ana.refresh_from_db()
    assert (ana.left_on, ana.is_active) == (DAY, False)
    ana.user.refresh_from_db()
    assert not ana.user.is_active
    assert not accounts_visible_to(ana.user).exists()
    assert (
        OwnershipPeriod.objects.filter(salesperson=ana, ended_on=DAY - dt.timedelta(1)).count() == 5
    )


def test_a_salesperson_cannot_take_over_their_own_book(team):
    with pytest.raises(ValidationError):
        salesperson_leave(salesperson=team["ana"], to=[team["ana"]], reason="x", by=team["manager"])


def test_best_clients_to_the_best_salespeople_is_a_proposal_the_manager_accepts(team):
    """S3.12: Luis kept and grew his clients, Ana lost hers; Ana's A client goes to Luis."""
    ana, luis, manager = team["ana"], team["luis"], team["manager"]
    team["marta"].is_active = False
    team["marta"].save()
    as_of = dt.date(2026, 6, 30)

    def sale(account, day, euros):
        SaleFactory(account=account, date=day, due_date=day, total=Decimal(euros))

    star = _with_first_owner("STAR", ana)
    sale(star, dt.date(2025, 3, 1), 5000)
    sale(star, dt.date(2026, 3, 1), 5000)
    gone = _with_first_owner("GONE", ana)  # bought last year only: Ana kept 1 of 2
    sale(gone, dt.date(2025, 3, 1), 100)
    keeper = _with_first_owner("KEEP", luis)  # Luis kept his and grew
    sale(keeper, dt.date(2025, 3, 1), 100)
    sale(keeper, dt.date(2026, 3, 1), 300)
    revenue_only = {"name": "default", "criteria": [
        {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}}
    ]}  # fmt: skip
    rating_policy_publish(name="default", definition=revenue_only, by=manager)
    rating_recalculate(by=SYSTEM, as_of=as_of)  # STAR 100 (A), KEEP 50 (B), GONE 0 (D)

    proposal = handover_suggestions(manager, level="A", as_of=as_of, stay_bonus=0.0)
    rows = {
        r["code"]: (r["current"], r["proposed"], r["moved"]) for r in proposal.iter_rows(named=True)
    }
    assert rows["STAR"] == ("Ana", "Luis", True)
    assert handover_suggestions(ana.user).is_empty()

    moves = [(r["account_id"], luis.pk) for r in proposal.iter_rows(named=True) if r["moved"]]
    assert handover_accept(moves=moves, reason="S3.12 proposal", by=manager, on=as_of) == len(moves)
    star.refresh_from_db()
    assert star.owner == luis
