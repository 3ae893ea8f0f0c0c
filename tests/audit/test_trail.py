"""The audit trail: who changed what, when, old → new; scoped; erasable (issue 10, S1.8, S0.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from cartera.audit.context import acting_as
from cartera.audit.models import AuditEvent
from cartera.audit.selectors import account_history, audit_entries, export_rows
from cartera.audit.services import record_bulk, record_rows
from cartera.clients.models import Account, AccountKind
from cartera.clients.services import account_update
from cartera.common.scoping import SYSTEM
from cartera.privacy.services import personal_data_erase
from cartera.receivables.services import credit_limit_set, payment_record, provision_override_set
from cartera.sales.services import LineInput, sale_record
from tests.api.conftest import api_for
from tests.factories import AccountFactory, ManagerFactory, ProductFactory, SalespersonFactory

pytestmark = pytest.mark.django_db


def _changes(entry):
    return {c.field: (c.old, c.new) for c in entry.changes}


def test_an_api_change_records_the_tokens_user_and_the_old_and_new_values():
    ana = SalespersonFactory(name="Ana")
    account = AccountFactory(owner=ana, city="Madrid")
    response = api_for(ana.user).patch(f"/accounts/{account.pk}", {"city": "Sevilla"})
    assert response.status_code == 200
    latest = account_history(account, ana.user)[0]
    assert (latest.who, latest.action, latest.model) == (
        ana.user.username,
        "changed",
        "clients.account",
    )
    assert _changes(latest) == {"city": ("Madrid", "Sevilla")}


def test_a_credit_limit_change_shows_old_and_new_limit_and_its_author():
    manager = ManagerFactory(username="jefa")
    account = AccountFactory(credit_limit=Decimal("500.00"))
    credit_limit_set(account=account, limit=Decimal("750.00"), reason="Buen pagador", by=manager)
    with acting_as(manager):
        credit_limit_set(account=account, limit=None, reason="Revisión", by=manager)
    entries = [e for e in account_history(account, manager) if e.action == "changed"]
    assert [_changes(e)["credit_limit"] for e in entries] == [("750.00", ""), ("500.00", "750.00")]
    # Without a request or a CLI --as the change is the system's; with acting_as, the user's.
    assert [e.who for e in entries] == ["jefa", "system"]


def test_sales_payments_and_overrides_are_in_the_account_history():
    ana = SalespersonFactory(name="Ana")
    account = AccountFactory(owner=ana)
    product = ProductFactory(list_price=Decimal("10.00"))
    manager = ManagerFactory()
    with acting_as(ana.user):
        sale = sale_record(
            number="F-9", account=account, date=dt.date(2026, 5, 1),
            lines=[LineInput(product=product, quantity=Decimal(2))],
        )  # fmt: skip
        payment_record(
            reference="P-9", account=account, date=dt.date(2026, 5, 9), amount=Decimal("20.00")
        )
    with acting_as(manager):
        provision_override_set(account=account, percent=Decimal(100), reason="Quiebra", by=manager)
        provision_override_set(account=account, percent=None, reason="", by=manager)
    kinds = [(e.model, e.action) for e in account_history(account, manager)]
    # The override service creates the row, then saves it with its reason: two rows.
    assert kinds[:5] == [
        ("receivables.provisionoverride", "deleted"),
        ("receivables.provisionoverride", "changed"),
        ("receivables.provisionoverride", "created"),
        ("receivables.payment", "created"),
        ("sales.sale", "created"),
    ]
    history = account_history(account, manager)
    created = next(e for e in history if e.model == "sales.sale" and e.object_id == sale.pk)
    assert (created.who, created.object_label) == (ana.user.username, "F-9")
    assert _changes(created)["total"] == ("", "20.00")


def test_another_salesperson_sees_no_history_of_an_account_they_do_not_hold():
    account = AccountFactory()
    account_update(account=account, data={"city": "Bilbao"})
    stranger = SalespersonFactory().user
    assert account_history(account, stranger) == []
    assert [e for e in audit_entries(user=stranger) if e.account_id == account.pk] == []


def test_a_bulk_operation_is_one_event_with_its_count_and_author():
    manager = ManagerFactory(username="jefe")
    account = AccountFactory()
    with acting_as(manager):
        event = record_bulk(action="import", model=Account, count=1200, detail="clientes.xlsx")
    assert (event.user, event.model, event.count) == (manager, "clients.account", 1200)
    record_bulk(action="personal_data_erase", model="clients.contact", count=1, account=account)
    on_file = [e for e in account_history(account, manager) if e.model == "audit.event"]
    assert [(e.action, e.who) for e in on_file] == [("personal_data_erase", "system")]


def test_rows_changed_by_update_get_their_history_with_record_rows():
    ana, luis = SalespersonFactory(name="Ana"), SalespersonFactory(name="Luis")
    account = AccountFactory(owner=ana)
    Account.objects.filter(pk=account.pk).update(owner=luis)
    assert record_rows(model=Account, pks=[account.pk], reason="Traspaso") == 1
    latest = account_history(account, SYSTEM)[0]
    assert _changes(latest)["owner"] == ("Ana", "Luis")
    assert latest.reason == "Traspaso"


def test_erasure_leaves_no_erased_value_in_the_history_tables():
    manager = ManagerFactory()
    person = AccountFactory(
        code="P7", kind=AccountKind.INDIVIDUAL, legal_name="María López Ruiz",
        tax_id="12345678Z", email="maria@correo.es",
    )  # fmt: skip
    account_update(account=person, data={"phone": "+34612345678", "legal_name": "María López"})
    personal_data_erase(user=manager, account=person, reason="Solicitud 2026/17")
    stored = list(Account.history.filter(id=person.pk).values())
    assert len(stored) == 2
    for row in stored:
        text = repr(row)
        for erased in ("María", "12345678Z", "maria@correo.es", "612345678"):
            assert erased not in text
    event = AuditEvent.objects.get(action="personal_data_erase")
    assert (event.account_id, event.user, event.detail) == (person.pk, manager, "Solicitud 2026/17")


def test_export_rows_give_one_row_per_changed_field():
    account = AccountFactory(city="Madrid", segment="Bares")
    account_update(account=account, data={"city": "Vigo", "segment": "Hoteles"})
    latest = account_history(account, SYSTEM)[:1]
    rows = sorted(export_rows(latest), key=lambda r: r["field"])
    assert [(r["field"], r["old"], r["new"]) for r in rows] == [
        ("city", "Madrid", "Vigo"),
        ("segment", "Bares", "Hoteles"),
    ]


def test_the_audit_apps_migrations_match_the_audited_models():
    # Whoever changes an audited model (Account, Sale …) must also run makemigrations audit.
    out = StringIO()
    call_command("makemigrations", "audit", "--check", "--dry-run", stdout=out)


def test_a_requests_user_wins_over_the_acting_user_of_a_command():
    ana = SalespersonFactory(name="Ana")
    account = AccountFactory(owner=ana, city="Madrid")
    with acting_as(ManagerFactory(username="cli")):
        api_for(ana.user).patch(f"/accounts/{account.pk}", {"city": "Soria"})
        account_update(account=account, data={"city": "Teruel"})
    latest, before = account_history(account, SYSTEM)[:2]
    assert (latest.who, before.who) == ("cli", ana.user.username)
