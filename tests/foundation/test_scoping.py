"""A salesperson sees only their own portfolio; a manager sees all (issue 2, roles)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cartera.activities.models import Activity
from cartera.clients.models import Account, Contact, OwnershipPeriod
from cartera.clients.services import account_hand_over
from cartera.common.scoping import OWNER_PATH, can_change, visible_to
from cartera.goals.models import Goal
from cartera.receivables.models import Payment
from cartera.sales.models import Sale, SaleLine
from cartera.team.models import Salesperson
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    AdminFactory,
    ContactFactory,
    ManagerFactory,
    PaymentFactory,
    SaleFactory,
    SalespersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_books():
    ana, luis = SalespersonFactory(name="Ana"), SalespersonFactory(name="Luis")
    mine = AccountFactory(owner=ana, legal_name="Bar de Ana")
    theirs = AccountFactory(owner=luis, legal_name="Bar de Luis")
    for account in (mine, theirs):
        ContactFactory(account=account)
        SaleFactory(account=account)
        PaymentFactory(account=account)
        ActivityFactory(account=account)
    Goal.objects.create(salesperson=ana, year=2026, target=1000)
    Goal.objects.create(salesperson=luis, year=2026, target=1000)
    return ana, luis, mine, theirs


@pytest.mark.parametrize(
    "model",
    [Account, Contact, Sale, Payment, Activity, Goal, Salesperson],
    ids=lambda m: m.__name__,
)
def test_salesperson_sees_only_rows_of_their_own_book(two_books, model):
    ana, _luis, mine, _theirs = two_books
    rows = visible_to(model.objects.all(), ana.user)
    assert rows.count() == 1
    row = rows.get()
    owner = row if model is Salesperson else row.salesperson if model is Goal else None
    if owner is not None:
        assert owner == ana
    else:
        assert (row if model is Account else row.account) == mine


def test_every_model_with_data_has_a_scoping_rule():
    from django.apps import apps

    ours = {
        m._meta.label_lower
        for m in apps.get_models()
        if m.__module__.startswith("cartera.") and m._meta.app_label not in {"users", "common"}
    }
    assert ours <= set(OWNER_PATH), ours - set(OWNER_PATH)


def test_manager_and_admin_see_every_book(two_books):
    for user in (ManagerFactory(), AdminFactory()):
        assert visible_to(Account.objects.all(), user).count() == 2
        assert visible_to(SaleLine.objects.all(), user).count() == SaleLine.objects.count()


def test_user_without_salesperson_record_sees_nothing(two_books):
    from tests.factories import UserFactory

    assert visible_to(Account.objects.all(), UserFactory()).count() == 0


def test_inactive_user_sees_nothing(two_books):
    ana = two_books[0]
    ana.user.is_active = False
    ana.user.save()
    assert visible_to(Account.objects.all(), ana.user).count() == 0


def test_guessing_the_id_of_another_salespersons_client_gives_404(client, two_books):
    ana, _luis, mine, theirs = two_books
    client.force_login(ana.user)
    assert client.get(reverse("clients:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("clients:detail", args=[theirs.pk])).status_code == 404


def test_salesperson_cannot_change_another_salespersons_client(two_books):
    ana, _luis, mine, theirs = two_books
    assert can_change(ana.user, mine)
    assert not can_change(ana.user, theirs)


def test_client_list_of_a_salesperson_holds_only_their_clients(client, two_books):
    ana, _luis, _mine, _theirs = two_books
    client.force_login(ana.user)
    page = client.get(reverse("clients:list")).content.decode()
    assert "Bar de Ana" in page
    assert "Bar de Luis" not in page


def test_manager_client_list_holds_every_client(client, two_books):
    client.force_login(ManagerFactory())
    page = client.get(reverse("clients:list")).content.decode()
    assert "Bar de Ana" in page
    assert "Bar de Luis" in page


def test_anonymous_visitor_is_sent_to_log_in(client, two_books):
    response = client.get(reverse("clients:detail", args=[two_books[2].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_admin_site_hides_another_salespersons_client(client, two_books):
    ana, _luis, _mine, theirs = two_books
    ana.user.is_staff = True  # even a salesperson given admin access stays in their book
    ana.user.save()
    client.force_login(ana.user)
    url = reverse("admin:clients_account_change", args=[theirs.pk])
    assert client.get(url).status_code in {302, 404}
    listing = client.get(reverse("admin:clients_account_changelist")).content.decode()
    assert "Bar de Luis" not in listing


def test_hand_over_moves_the_client_keeps_history_and_access_follows(two_books):
    ana, luis, mine, _theirs = two_books
    OwnershipPeriod.objects.create(account=mine, salesperson=ana, started_on=dt.date(2024, 1, 1))
    moved = account_hand_over(
        accounts=[mine], to=luis, reason="Ana se jubila", on=dt.date(2026, 6, 1)
    )
    assert moved == 1
    mine.refresh_from_db()
    assert mine.owner == luis
    history = list(
        OwnershipPeriod.objects.filter(account=mine)
        .order_by("started_on")
        .values_list("salesperson__name", "started_on", "ended_on", "reason")
    )
    assert history == [
        ("Ana", dt.date(2024, 1, 1), dt.date(2026, 5, 31), ""),
        ("Luis", dt.date(2026, 6, 1), None, "Ana se jubila"),
    ]
    assert not visible_to(Account.objects.filter(pk=mine.pk), ana.user).exists()
    assert visible_to(Account.objects.filter(pk=mine.pk), luis.user).exists()
    # The sales, payments and activities stay on the account: they follow it.
    assert visible_to(Sale.objects.filter(account=mine), luis.user).count() == 1


def test_hand_over_needs_a_reason(two_books):
    from django.core.exceptions import ValidationError

    _ana, luis, mine, _theirs = two_books
    with pytest.raises(ValidationError):
        account_hand_over(accounts=[mine], to=luis, reason="  ")
