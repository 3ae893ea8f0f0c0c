"""Issue 5, points 1 and 3: every kind imports, and importing the same file again changes nothing.

Each test imports a small English CSV of one kind, checks what was stored (values
computed by hand), then imports the very same file again: 0 created, 0 updated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cartera.activities.models import Activity
from cartera.catalog.models import Product
from cartera.clients.models import Account, Contact, OwnershipPeriod
from cartera.goals.models import Goal
from cartera.prospecting.models import Campaign
from cartera.receivables.models import Payment
from cartera.sales.models import Sale
from cartera.team.models import Salesperson
from tests.factories import AccountFactory, ContactFactory, SaleFactory, SalespersonFactory
from tests.imports.helpers import counts, run, write_text

pytestmark = pytest.mark.django_db


def _twice(kind, path, **options):
    """Import ``path`` twice; check the second time is a no-op; return the first report."""
    first = run(kind, path, **options)
    assert first.problem_count == 0, first.problems
    again = run(kind, path, **options)
    assert again.problem_count == 0, again.problems
    for table, found in again.counts.items():
        assert (found.created, found.updated) == (0, 0), table
    return first


def test_salespeople(tmp_path):
    path = write_text(
        tmp_path / "team.csv",
        "name,email,phone,territory,hired on,active\n"
        "Ana  López,Ana@Example.ES,600 111 222,Madrid,01/03/2020,yes\n"
        "Rui Sousa,rui@example.pt,,Porto,15/09/2021,no\n",
    )
    report = _twice("salespeople", path)
    assert counts(report) == (2, 0, 0)
    ana = Salesperson.objects.get(name="Ana López")
    assert (ana.email, ana.phone, ana.hired_on) == (
        "Ana@example.es",
        "+34600111222",
        dt.date(2020, 3, 1),
    )
    assert (ana.is_active, Salesperson.objects.get(name="Rui Sousa").is_active) == (True, False)


def test_a_renamed_salesperson_is_found_by_email(tmp_path):
    SalespersonFactory(name="Ana Lopez", email="ana@example.es")
    path = write_text(tmp_path / "team.csv", "name,email\nAna López,ana@example.es\n")
    assert counts(run("salespeople", path)) == (0, 1, 0)
    assert list(Salesperson.objects.values_list("name", flat=True)) == ["Ana López"]


def test_products(tmp_path):
    path = write_text(
        tmp_path / "products.csv",
        "sku,name,family,list price,unit cost,launch date,active\n"
        "P1,Agua 1 l,Bebidas,1.50,0.60,2024-01-10,yes\n"
        'P2,Zumo,Bebidas,"1,002.25",1.10,,\n',
    )
    assert counts(_twice("products", path)) == (2, 0, 0)
    water, juice = Product.objects.get(sku="P1"), Product.objects.get(sku="P2")
    assert (water.list_price, water.unit_cost, water.launched_on) == (
        Decimal("1.50"),
        Decimal("0.60"),
        dt.date(2024, 1, 10),
    )
    assert (juice.list_price, juice.launched_on, juice.is_active) == (
        Decimal("1002.25"),
        None,
        True,
    )


def test_campaigns(tmp_path):
    path = write_text(
        tmp_path / "campaigns.csv",
        'name,source,start,end,cost\nFeria 2026,trade fair,2026-03-01,2026-03-05,"1,200.00"\n'
        "Web,internet,2026-01-01,,\n",
    )
    assert counts(_twice("campaigns", path)) == (2, 0, 0)
    fair = Campaign.objects.get(name="Feria 2026")
    assert (fair.source, fair.ended_on, fair.cost) == (
        "trade_fair",
        dt.date(2026, 3, 5),
        Decimal("1200.00"),
    )
    assert Campaign.objects.get(name="Web").source == "web"


def test_clients_with_owner_campaign_and_attributes(tmp_path):
    ana = SalespersonFactory(name="Ana López")
    Campaign.objects.create(name="Feria 2026", source="trade_fair", started_on=dt.date(2026, 3, 1))
    path = write_text(
        tmp_path / "clients.csv",
        "client code,company name,phone,email,country,salesperson,campaign,special client,"
        "payment terms,loyalty card\n"
        "C-001,Bar Peña,912345678,bar@example.es,ES,ana lópez,feria 2026,sí,45,gold\n",
    )
    report = _twice("clients", path)
    assert counts(report) == (1, 0, 0)
    assert counts(report, "ownership_periods") == (1, 0, 0)
    bar = Account.objects.get(code="C-001")
    assert (bar.owner, bar.campaign.name, bar.is_special) == (ana, "Feria 2026", True)
    assert (bar.payment_terms_days, bar.attributes, bar.status) == (
        45,
        {"loyalty card": "gold"},
        "client",
    )


def test_changing_the_owner_hands_the_client_over(tmp_path):
    old, new = SalespersonFactory(name="Old"), SalespersonFactory(name="New")
    account = AccountFactory(code="C-7", owner=old)
    OwnershipPeriod.objects.create(account=account, salesperson=old, started_on=dt.date(2020, 1, 1))
    path = write_text(tmp_path / "clients.csv", "code,legal name,owner\nC-7,Siete,New\n")
    assert counts(_twice("clients", path)) == (0, 1, 0)
    periods = list(OwnershipPeriod.objects.filter(account=account).order_by("started_on"))
    assert [(p.salesperson, p.ended_on is None) for p in periods] == [(old, False), (new, True)]


def test_prospects_default_to_the_prospect_status(tmp_path):
    path = write_text(
        tmp_path / "prospects.csv",
        "code,name,status,pipeline stage,source\nL-1,Lead Uno,,contacted,referido\n"
        "L-2,Lead Dos,cualificado,,\n",
    )
    assert counts(_twice("prospects", path)) == (2, 0, 0)
    one, two = Account.objects.get(code="L-1"), Account.objects.get(code="L-2")
    assert (one.status, one.pipeline_stage, one.source) == ("prospect", "contacted", "referral")
    assert two.status == "qualified"


def test_contacts(tmp_path):
    AccountFactory(code="C-001", country="PT")
    path = write_text(
        tmp_path / "contacts.csv",
        "client code,name,role,phone,email,purchasing contact\n"
        "C-001,María  Ruiz,Compras,212 345 678,maria@example.pt,yes\n",
    )
    assert counts(_twice("contacts", path)) == (1, 0, 0)
    maria = Contact.objects.get()
    # The account's country (Portugal) reads the phone, not the company's Spain.
    assert (maria.name, maria.phone, maria.is_purchasing) == ("María Ruiz", "+351212345678", True)


def test_sales_with_a_salesperson_named_by_email(tmp_path):
    AccountFactory(code="C-001")
    rui = SalespersonFactory(name="Rui Sousa", email="rui@example.pt")
    Product.objects.create(
        sku="P1", name="Agua", list_price=Decimal("2.00"), unit_cost=Decimal("0.5")
    )
    path = write_text(
        tmp_path / "sales.csv",
        "invoice,date,client,salesperson,product,quantity,discount %,channel\n"
        "F-1,2026-01-10,C-001,RUI@example.pt,P1,3,50,e-commerce\n",
    )
    assert counts(_twice("sales", path)) == (1, 0, 0)
    sale = Sale.objects.get()
    line = sale.lines.get()
    # No price in the file: the list price, less the discount, as sale_record does.
    assert (line.unit_price, line.amount, line.cost) == (
        Decimal("2.00"),
        Decimal("3.00"),
        Decimal("1.50"),
    )
    assert (sale.salesperson, sale.channel, sale.total) == (rui, "ecommerce", Decimal("3.00"))


def test_payments(tmp_path):
    client = AccountFactory(code="C-001")
    SaleFactory(number="F-1", account=client)
    path = write_text(
        tmp_path / "payments.csv",
        "reference,client,invoice,date,amount,method\n"
        "P-1,C-001,F-1,2026-03-10,60.00,transferencia\nP-2,C-001,,2026-03-11,5,efectivo\n",
    )
    assert counts(_twice("payments", path)) == (2, 0, 0)
    first, second = Payment.objects.get(reference="P-1"), Payment.objects.get(reference="P-2")
    assert (first.sale.number, first.amount, first.method) == ("F-1", Decimal("60.00"), "transfer")
    assert (second.sale, second.method) == (None, "cash")


def test_activities_identical_ones_are_told_apart_by_their_order(tmp_path):
    client = AccountFactory(code="C-001")
    ContactFactory(account=client, name="María Ruiz")
    path = write_text(
        tmp_path / "activities.csv",
        "client,date,type,summary,contact,outcome,next contact\n"
        "C-001,2026-03-03,llamada,Sin respuesta,,no contesta,\n"
        "C-001,2026-03-03,llamada,Sin respuesta,,no contesta,\n"
        "C-001,2026-03-04,visita,Pedido,maría ruiz,positivo,2026-04-01\n",
    )
    assert counts(_twice("activities", path)) == (3, 0, 0)
    visit = Activity.objects.get(kind="visit")
    assert (visit.contact.name, visit.outcome, visit.next_action_on) == (
        "María Ruiz",
        "positive",
        dt.date(2026, 4, 1),
    )
    assert visit.salesperson == client.owner  # the client's owner when the file names none
    assert Activity.objects.filter(kind="call", outcome="no_answer").count() == 2


def test_goals_for_the_company_and_a_salesperson(tmp_path):
    ana = SalespersonFactory(name="Ana López")
    path = write_text(
        tmp_path / "goals.csv",
        "salesperson,year,month,target\nAna López,2026,,120000\n,2026,1,10000.50\n",
    )
    assert counts(_twice("goals", path)) == (2, 0, 0)
    assert Goal.objects.get(salesperson=ana).target == Decimal("120000.00")
    company = Goal.objects.get(salesperson=None)
    assert (company.year, company.month, company.target) == (2026, 1, Decimal("10000.50"))


def test_an_empty_cell_keeps_the_stored_value(tmp_path):
    AccountFactory(code="C-1", legal_name="Uno", city="Madrid", phone="+34912345678")
    path = write_text(tmp_path / "clients.csv", "code,legal name,city,phone\nC-1,Uno,,\n")
    assert counts(run("clients", path)) == (0, 0, 1)
    account = Account.objects.get(code="C-1")
    assert (account.city, account.phone) == ("Madrid", "+34912345678")
