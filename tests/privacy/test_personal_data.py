"""Personal-data rights: export all about one person; erase it, keep the sales (issue 10)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from cartera.activities.models import Activity
from cartera.clients.models import Account, AccountKind, Contact
from cartera.privacy.services import personal_data_erase, personal_data_export
from cartera.sales.models import Sale
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    ManagerFactory,
    PaymentFactory,
    SaleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    account = AccountFactory(
        code="P1", kind=AccountKind.INDIVIDUAL, legal_name="María López Ruiz",
        tax_id="12345678Z", phone="+34612345678", email="maria@correo.es",
    )  # fmt: skip
    contact = ContactFactory(account=account, name="María López", phone="+34612345678")
    ActivityFactory(account=account, contact=contact, summary="Llamó su hija Ana por el pedido")
    SaleFactory(account=account, number="F1", total=Decimal("120.00"))
    SaleFactory(account=account, number="F2", total=Decimal("80.00"))
    PaymentFactory(account=account, amount=Decimal("120.00"))
    return account, contact


def test_export_holds_identity_contacts_activities_purchases_and_payments(person):
    account, _contact = person
    data = personal_data_export(user=ManagerFactory(), account=account)
    assert data["client"]["legal_name"] == "María López Ruiz"
    assert data["client"]["tax_id"] == "12345678Z"
    assert [c["name"] for c in data["contacts"]] == ["María López"]
    assert data["activities"][0]["summary"] == "Llamó su hija Ana por el pedido"
    assert [p["number"] for p in data["purchases"]] == ["F1", "F2"]
    assert [p["amount"] for p in data["payments"]] == ["120.00"]


def test_a_salesperson_cannot_export_another_salespersons_client(person):
    account, _contact = person
    stranger = AccountFactory().owner.user
    with pytest.raises(PermissionDenied):
        personal_data_export(user=stranger, account=account)


def test_erasure_anonymises_the_person_and_keeps_the_sales(person):
    account, contact = person
    done = personal_data_erase(user=ManagerFactory(), account=account, reason="Solicitud 2026/17")
    assert (done.contacts, done.account_anonymised) == (1, True)
    account.refresh_from_db()
    contact.refresh_from_db()
    assert "María" not in account.legal_name
    assert (account.tax_id, account.phone, account.email, account.is_archived) == ("", "", "", True)
    assert (contact.name, contact.phone) == ("—", "")
    assert Activity.objects.get(account=account).summary == ""
    # The figures stay: two sales for 200.00, still this client's.
    assert Sale.objects.filter(account=account).aggregate(s=Sum("total"))["s"] == Decimal("200.00")
    assert Account.objects.filter(code="P1").exists()


def test_erasure_of_one_contact_leaves_the_company_untouched():
    company = AccountFactory(legal_name="Bar Sol S.L.")
    contact = ContactFactory(account=company, name="Pedro Gil", email="pedro@barsol.es")
    personal_data_erase(user=ManagerFactory(), contact=contact, reason="Baja")
    company.refresh_from_db()
    assert company.legal_name == "Bar Sol S.L."
    assert Contact.objects.get(pk=contact.pk).email == ""


def test_only_managers_erase_and_a_company_is_not_a_person(person):
    account, _contact = person
    with pytest.raises(PermissionDenied):
        personal_data_erase(user=account.owner.user, account=account, reason="x")
    with pytest.raises(ValidationError):
        personal_data_erase(user=ManagerFactory(), account=AccountFactory(), reason="x")
    with pytest.raises(ValidationError):
        personal_data_erase(user=ManagerFactory(), account=account, reason=" ")


def test_erase_command_needs_confirmation(person, tmp_path):
    from typer.testing import CliRunner

    from cartera.cli.main import _register_commands, app

    _register_commands()
    refused = CliRunner().invoke(app, ["privacy", "erase", "--account", "P1", "--reason", "r"])
    assert refused.exit_code == 2
    out = tmp_path / "p1.json"
    exported = CliRunner().invoke(app, ["privacy", "export", "--account", "P1", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "12345678Z" in out.read_text()
