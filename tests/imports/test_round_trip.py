"""Issue 5, point 4: export → import of the same file is a no-op, for every kind and format.

The portfolio holds what a round trip can lose: attributes that are not text, a
credit note and an order, fractional quantities and discounts, two identical calls on
one day, a company goal and a monthly one, empty optional fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from cartera.activities.services import activity_log
from cartera.clients.models import Account
from cartera.common.scoping import SYSTEM
from cartera.goals.models import Goal
from cartera.imports.exports import export_file
from cartera.imports.kinds import KIND_NAMES
from cartera.prospecting.models import Campaign
from cartera.receivables.services import payment_record
from cartera.sales.models import SaleKind
from cartera.sales.services import LineInput, sale_record
from tests.factories import AccountFactory, ContactFactory, ProductFactory, SalespersonFactory
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    ana = SalespersonFactory(name="Ana López", email="ana@example.es", phone="+34600111222")
    SalespersonFactory(
        name="Rui Sousa", hired_on=dt.date(2021, 9, 15), left_on=dt.date(2025, 1, 31)
    )
    fair = Campaign.objects.create(
        name="Feria 2026", source="trade_fair", started_on=dt.date(2026, 3, 1), cost=Decimal("1200")
    )
    bar = AccountFactory(
        code="C-001",
        legal_name="Bar Peña S.L.",
        tax_id="B12345674",
        country="ES",
        phone="+34912345678",
        email="bar@example.es",
        website="https://www.barpena.es",
        postal_code="08001",
        employees=12,
        credit_limit=Decimal("5000.50"),
        owner=ana,
        campaign=fair,
        is_special=True,
        attributes={"locales": 3, "terraza": True, "zona": "Sur"},
    )
    AccountFactory(
        code="C-002",
        legal_name="Açores Lda",
        country="PT",
        owner=ana,
        status="lost",
        lost_on=dt.date(2025, 6, 30),
        lost_reason="moved",
    )
    AccountFactory(
        code="L-1",
        legal_name="Lead",
        status="prospect",
        pipeline_stage="contacted",
        pipeline_entered_on=dt.date(2026, 2, 1),
        owner=None,
    )
    maria = ContactFactory(account=bar, name="María Ruiz", role="Compras", phone="+34611222333")
    water = ProductFactory(sku="P1", list_price=Decimal("1.50"), unit_cost=Decimal("0.60"))
    wine = ProductFactory(sku="P2", list_price=Decimal("1000"), launched_on=dt.date(2025, 5, 1))
    invoice = sale_record(
        number="F-1",
        account=bar,
        date=dt.date(2026, 1, 15),
        lines=[
            LineInput(product=water, quantity=Decimal("10")),
            LineInput(product=wine, quantity=Decimal("2.5"), discount_pct=Decimal("10")),
        ],
    )
    sale_record(
        number="A-1",
        account=bar,
        date=dt.date(2026, 1, 20),
        kind=SaleKind.CREDIT_NOTE,
        lines=[LineInput(product=water, quantity=Decimal("2"))],
    )
    sale_record(
        number="O-1",
        account=bar,
        date=dt.date(2026, 2, 1),
        kind=SaleKind.ORDER,
        lines=[LineInput(product=water, quantity=Decimal("1"), unit_price=Decimal("1.25"))],
    )
    payment_record(
        reference="R-1", account=bar, sale=invoice, date=dt.date(2026, 2, 10), amount=Decimal("100")
    )
    payment_record(
        reference="R-2", account=bar, date=dt.date(2026, 2, 11), amount=Decimal("5"), method="cash"
    )
    for _ in range(2):
        activity_log(
            account=bar,
            kind="call",
            date=dt.date(2026, 3, 3),
            summary="Sin respuesta",
            outcome="no_answer",
        )
    activity_log(
        account=bar,
        kind="visit",
        date=dt.date(2026, 3, 4),
        contact=maria,
        duration_minutes=45,
        next_action_on=dt.date(2026, 4, 1),
        next_action="Oferta",
    )
    Goal.objects.create(salesperson=None, year=2026, month=None, target=Decimal("500000"))
    Goal.objects.create(salesperson=ana, year=2026, month=1, target=Decimal("10000.50"))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_export_then_import_changes_nothing(tmp_path, portfolio, kind):
    for suffix in ("xlsx", "csv", "parquet"):
        path = tmp_path / f"{kind}.{suffix}"
        exported = export_file(kind=kind, path=path, user=SYSTEM)
        assert exported.rows > 0, kind
        report = run(kind, path)
        assert report.problem_count == 0, (suffix, report.problems.to_dicts())
        assert report.valid_rows == exported.rows, suffix
        for table, found in report.counts.items():
            assert (found.created, found.updated) == (0, 0), (suffix, table)


def test_the_xlsx_export_has_types_a_frozen_header_and_a_filter(tmp_path, portfolio):
    import openpyxl

    path = tmp_path / "clients.xlsx"
    export_file(kind="clients", path=path, user=SYSTEM)
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, list(sheet[2]), strict=True))
    assert (sheet.freeze_panes, sheet.auto_filter.ref is not None) == ("A2", True)
    assert (row["credit_limit"].value, row["credit_limit"].number_format) == (5000.5, "#,##0.00")
    lost = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert lost["lost_on"] == dt.datetime(2025, 6, 30)


def test_export_filters_like_a_spreadsheet(tmp_path, portfolio):
    path = tmp_path / "sales.csv"
    exported = export_file(
        kind="sales", path=path, user=SYSTEM, filters=["amount>=100", "kind=INVOICE"]
    )
    frame = pl.read_csv(path, infer_schema=False)
    assert (exported.rows, frame["product"].to_list(), frame["amount"].to_list()) == (
        1,
        ["P2"],
        ["2250.00"],
    )


def test_a_salesperson_exports_only_their_clients(tmp_path, portfolio):
    other = AccountFactory(code="Z-9")
    path = tmp_path / "clients.csv"
    export_file(kind="clients", path=path, user=other.owner.user)
    assert pl.read_csv(path, infer_schema=False)["code"].to_list() == ["Z-9"]
    assert Account.objects.count() == 4
