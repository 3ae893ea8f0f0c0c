"""Issue 5, point 2: one bad row of each kind — nothing written by default, every one located.

Two files hold the nine kinds of bad rows between valid ones: the clients file a bad
date, a bad number, a bad e-mail, a bad phone, a bad tax id, a code used twice and an
empty required field; the sales file an unknown client and a negative quantity (plus
an empty date, a bad date, a bad amount and a line number used twice). By default
nothing is written; with ``keep_valid`` exactly the valid rows are.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from cartera.clients.models import Account
from cartera.sales.models import Sale
from tests.factories import AccountFactory, ProductFactory
from tests.imports.helpers import counts, located, run, write_text

pytestmark = pytest.mark.django_db

CLIENTS = (
    "code,legal name,lost on,credit limit,email,phone,tax id,country,status\n"
    "G1,Good One,,100.00,a@example.es,912345678,B12345674,ES,client\n"  # row 2: valid
    "B2,Bad Date,2026-02-31,,,,,ES,lost\n"  # row 3
    "B3,Bad Number,,12x,,,,ES,client\n"  # row 4
    "B4,Bad Email,,,not-an-email,,,ES,client\n"  # row 5
    "B5,Bad Phone,,,,12,,ES,client\n"  # row 6
    "B6,Bad Tax Id,,,,,B12345670,ES,client\n"  # row 7
    "G1,Again,,,,,,ES,client\n"  # row 8: the code of row 2
    "B8,,,,,,,ES,client\n"  # row 9: no legal name
    "G2,Good Two,,,,,,PT,client\n"  # row 10: valid
)
CLIENT_PROBLEMS = [
    (3, "lost on"),
    (4, "credit limit"),
    (5, "email"),
    (6, "phone"),
    (7, "tax id"),
    (8, "code"),
    (9, "legal name"),
]

SALES = (
    "invoice,line,date,client,product,quantity,amount\n"
    "F-1,1,2026-01-10,C-1,P1,2,3.00\n"  # row 2: valid
    "F-2,1,2026-01-11,NOPE,P1,1,1.50\n"  # row 3: unknown client
    "F-3,1,2026-01-12,C-1,P1,-2,-3.00\n"  # row 4: negative quantity
    "F-4,1,2026-01-13,C-1,P1,1,1.50\n"  # row 5: its invoice has a bad line
    "F-4,1,2026-01-13,C-1,P1,1,1.50\n"  # row 6: line 1 of F-4 again
    "F-5,1,,C-1,P1,1,1.50\n"  # row 7: no date
    "F-6,1,2026-13-01,C-1,P1,1,1.50\n"  # row 8: no 13th month
    "F-7,1,2026-01-14,C-1,P1,1,abc\n"  # row 9: not an amount
)
SALE_PROBLEMS = [
    (3, "client"),
    (4, "quantity"),
    (5, "invoice"),
    (6, "line"),
    (7, "date"),
    (8, "date"),
    (9, "amount"),
]


def test_bad_client_rows_write_nothing_and_are_each_located(tmp_path):
    path = write_text(tmp_path / "clients.csv", CLIENTS)
    with translation.override("en"):
        report = run("clients", path)
    assert located(report) == CLIENT_PROBLEMS
    assert (report.problem_count, report.written) == (7, False)
    assert not Account.objects.exists()
    by_row = {p["row"]: p for p in report.problems.iter_rows(named=True)}
    assert by_row[4]["value"] == "12x"
    assert by_row[8]["expected"] == "a value not already used in the file (row 2 has it)"


def test_keep_valid_writes_exactly_the_valid_client_rows(tmp_path):
    path = write_text(tmp_path / "clients.csv", CLIENTS)
    report = run("clients", path, keep_valid=True)
    assert located(report) == CLIENT_PROBLEMS
    assert counts(report) == (2, 0, 0)
    assert sorted(Account.objects.values_list("code", "legal_name")) == [
        ("G1", "Good One"),
        ("G2", "Good Two"),
    ]


def test_dry_run_counts_and_writes_nothing(tmp_path):
    path = write_text(tmp_path / "clients.csv", CLIENTS)
    report = run("clients", path, dry_run=True, keep_valid=True)
    assert (counts(report), report.written) == ((2, 0, 0), False)
    assert not Account.objects.exists()


@pytest.fixture
def client_and_product():
    AccountFactory(code="C-1")
    ProductFactory(sku="P1", list_price=Decimal("1.50"))


def test_bad_sale_rows_write_nothing_and_are_each_located(tmp_path, client_and_product):
    report = run("sales", write_text(tmp_path / "sales.csv", SALES))
    assert located(report) == SALE_PROBLEMS
    assert not Sale.objects.exists()


def test_keep_valid_writes_exactly_the_valid_invoices(tmp_path, client_and_product):
    report = run("sales", write_text(tmp_path / "sales.csv", SALES), keep_valid=True)
    assert located(report) == SALE_PROBLEMS
    assert list(Sale.objects.values_list("number", "total")) == [("F-1", Decimal("3.00"))]


def test_a_missing_required_column_is_a_problem_of_the_file(tmp_path):
    from cartera.analytics.io import ReadError

    path = write_text(tmp_path / "clients.csv", "code,city\nC-1,Madrid\n")
    with pytest.raises(ReadError) as raised:
        run("clients", path)
    assert [(p.row, p.column) for p in raised.value.problems] == [(None, "legal_name")]


def test_an_invoice_of_another_client_is_refused(tmp_path, client_and_product):
    from tests.factories import SaleFactory

    SaleFactory(number="F-9", account=AccountFactory(code="C-2"))
    path = write_text(
        tmp_path / "payments.csv",
        "reference,client,invoice,date,amount\nR-1,C-1,F-9,2026-01-01,5\n",
    )
    with translation.override("en"):
        report = run("payments", path)
    assert [
        (p["row"], p["column"], p["expected"]) for p in report.problems.iter_rows(named=True)
    ] == [(2, "invoice", "an invoice of the same client")]
