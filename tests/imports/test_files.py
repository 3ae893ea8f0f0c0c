"""Issue 5, point 1: files the way people write them — Spanish CSV, Portuguese XLSX, English CSV.

The Spanish CSV uses ``;``, decimal commas and dd/mm/yyyy, and is written twice: in
Latin-1 and in UTF-8 with a byte-order mark. Every stored value below is computed by
hand from the file (S1.1, S2.1, S2.6).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cartera.catalog.models import Product
from cartera.clients.models import Account, OwnershipPeriod
from cartera.sales.models import Sale, SaleLine
from tests.factories import ProductFactory, SalespersonFactory
from tests.imports.helpers import counts, run, write_ods, write_text, write_xlsx

pytestmark = pytest.mark.django_db

SPANISH_CLIENTS = (
    "Código;Razón social;Nombre comercial;NIF;Teléfono;Correo electrónico;Ciudad;País;"
    "Vendedor;Límite de crédito;Estado;Nº de locales\n"
    "C-001;  Bar  Peña   S.L. ;Bar Peña;B12345674;912 345 678;pedidos@BARPENA.ES;Madrid;"
    "España;Ana López;1.500,50;Cliente;3\n"
    "C-002;Açores Lda;;501964843;+351 212 345 678;info@acores.pt;Lisboa;Portugal;"
    "Ana López;;prospecto;\n"
)
SPANISH_SALES = (
    "Nº Factura;Línea;Fecha;Cód. Cliente;Cód. Producto;Cantidad;Precio unitario;Dto. %;Importe\n"
    "F-1;1;15/01/2026;C-001;P1;10;1,50;0;15,00\n"
    "F-1;2;15/01/2026;C-001;P2;2,5;1.000,00;10;2.250,00\n"
    "F-2;1;20/01/2026;C-002;P1;1;1,50;;1,50\n"
)


@pytest.fixture
def catalogue():
    ana = SalespersonFactory(name="Ana López")
    ProductFactory(sku="P1", unit_cost=Decimal("0.60"))
    ProductFactory(sku="P2", unit_cost=Decimal("400.00"))
    return ana


@pytest.mark.parametrize(("encoding", "bom"), [("latin-1", False), ("utf-8", True)])
def test_spanish_csv_imports_clients_then_their_sales(tmp_path, catalogue, encoding, bom):
    clients = write_text(tmp_path / "clientes.csv", SPANISH_CLIENTS, encoding=encoding, bom=bom)
    sales = write_text(tmp_path / "ventas.csv", SPANISH_SALES, encoding=encoding, bom=bom)

    report = run("clients", clients)
    assert (report.problem_count, report.delimiter) == (0, ";")
    assert counts(report) == (2, 0, 0)
    assert report.unknown == ("Nº de locales",)
    bar = Account.objects.get(code="C-001")
    assert (bar.legal_name, bar.trade_name, bar.tax_id) == (
        "Bar Peña S.L.",
        "Bar Peña",
        "B12345674",
    )
    assert (bar.phone, bar.email, bar.country) == ("+34912345678", "pedidos@barpena.es", "ES")
    assert (bar.credit_limit, bar.status, bar.owner) == (Decimal("1500.50"), "client", catalogue)
    assert bar.attributes == {"Nº de locales": "3"}
    azores = Account.objects.get(code="C-002")
    # Read with Portugal's rules: the row's country, not the company's Spain.
    assert (azores.phone, azores.tax_id, azores.country) == ("+351212345678", "501964843", "PT")
    assert (azores.status, azores.credit_limit, azores.attributes) == ("prospect", None, {})
    assert OwnershipPeriod.objects.filter(salesperson=catalogue, ended_on=None).count() == 2

    report = run("sales", sales)
    assert report.problem_count == 0
    assert counts(report) == (2, 0, 0)
    assert counts(report, "sale_lines") == (3, 0, 0)
    invoice = Sale.objects.get(number="F-1")
    assert (invoice.total, invoice.cost_total) == (Decimal("2265.00"), Decimal("1006.00"))
    # The client's payment terms (30 days) and owner fill what the file leaves out.
    assert (invoice.date, invoice.due_date) == (dt.date(2026, 1, 15), dt.date(2026, 2, 14))
    assert (invoice.salesperson, invoice.kind) == (catalogue, "invoice")
    second = SaleLine.objects.get(sale=invoice, line_no=2)
    assert (second.quantity, second.unit_price, second.discount_pct, second.amount) == (
        Decimal("2.500"),
        Decimal("1000.00"),
        Decimal("10.00"),
        Decimal("2250.00"),
    )


def test_portuguese_xlsx_with_typed_cells_imports_clients_and_sales(tmp_path, catalogue):
    clients = write_xlsx(
        tmp_path / "clientes.xlsx",
        [
            "Código do cliente",
            "Razão social",
            "CNPJ",
            "Telefone",
            "E-mail",
            "Cidade",
            "UF",
            "País",
            "Limite de crédito",
        ],
        [
            [
                "BR-1",
                "Açaí Comércio Ltda",
                "11.222.333/0001-81",
                "(11) 3333-4444",
                "compras@acai.com.br",
                "São Paulo",
                "SP",
                "Brasil",
                2500.5,
            ]
        ],
    )
    sales = write_xlsx(
        tmp_path / "vendas.xlsx",
        [
            "Nota fiscal",
            "Data",
            "Código do cliente",
            "Produto",
            "Quantidade",
            "Preço unitário",
            "Valor",
        ],
        [
            ["NF-10", dt.date(2026, 2, 3), "BR-1", "P1", 3, 1.5, 4.5],
            ["NF-10", dt.date(2026, 2, 3), "BR-1", "P2", 1, 1000, 1000],
        ],
    )

    report = run("clients", clients)
    assert report.problem_count == 0, report.problems
    acai = Account.objects.get(code="BR-1")
    assert (acai.phone, acai.tax_id, acai.country) == ("+551133334444", "11.222.333/0001-81", "BR")
    assert (acai.city, acai.region, acai.credit_limit) == ("São Paulo", "SP", Decimal("2500.50"))

    report = run("sales", sales)
    assert report.problem_count == 0, report.problems
    nota = Sale.objects.get(number="NF-10")
    assert (nota.date, nota.total) == (dt.date(2026, 2, 3), Decimal("1004.50"))
    assert list(nota.lines.order_by("line_no").values_list("line_no", "product__sku")) == [
        (1, "P1"),
        (2, "P2"),
    ]


def test_english_csv_of_invoices_without_lines_records_credit_notes(tmp_path, catalogue):
    write_text(tmp_path / "c.csv", "client code,company name\nC-9,Nine Ltd\n")
    run("clients", tmp_path / "c.csv")
    invoices = write_text(
        tmp_path / "invoices.csv",
        'invoice,date,client,amount\nINV-1,2026-03-01,C-9,"1,250.00"\nCN-1,2026-03-02,C-9,-20\n',
    )

    report = run("sales", invoices)
    assert report.problem_count == 0, report.problems
    assert counts(report) == (2, 0, 0)
    invoice, credit = Sale.objects.get(number="INV-1"), Sale.objects.get(number="CN-1")
    assert (invoice.kind, invoice.total) == ("invoice", Decimal("1250.00"))
    assert (credit.kind, credit.total) == ("credit_note", Decimal("-20.00"))
    # One line per invoice, on the product standing for a whole invoice.
    line = credit.lines.get()
    assert (line.product.sku, line.quantity, line.unit_price) == ("(total)", 1, Decimal("20.00"))
    assert Product.objects.filter(sku="(total)").count() == 1


def test_an_ods_workbook_imports_like_any_spreadsheet(tmp_path, catalogue):
    path = write_ods(
        tmp_path / "produtos.ods",
        ["Código", "Descrição", "Preço", "Custo"],
        [["P9", "Água com gás", "1,20", "0,45"]],
    )
    report = run("products", path)
    assert (report.problem_count, counts(report)) == (0, (1, 0, 0))
    water = Product.objects.get(sku="P9")
    assert (water.name, water.list_price, water.unit_cost) == (
        "Água com gás",
        Decimal("1.20"),
        Decimal("0.45"),
    )
