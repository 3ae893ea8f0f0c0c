"""``cartera import`` and ``cartera export``: exit codes, error files, saved mappings (issue 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
import typer
from django.utils import translation
from typer.testing import CliRunner

from cartera.cli import imports
from cartera.clients.models import Account
from cartera.imports.models import ColumnMapping
from cartera.sales.services import LineInput, sale_record
from tests.factories import AccountFactory, ProductFactory
from tests.imports.helpers import write_text

pytestmark = pytest.mark.django_db

GOOD = "code,legal name,city\nC-1,Uno,Madrid\nC-2,Dos,Lisboa\n"
BAD = "code,legal name,email\nC-1,Uno,uno@example.es\nC-2,Dos,no-es-un-correo\n"


@pytest.fixture
def cli():
    app = typer.Typer()
    imports.register(app)

    @app.callback()
    def _root() -> None:
        """Let `import` and `export` be sub-commands, as in the `cartera` app."""

    def invoke(*args: str):
        with translation.override("en"):
            return CliRunner().invoke(app, [str(a) for a in args])

    return invoke


def test_a_good_file_exits_0_and_a_dry_run_writes_nothing(cli, tmp_path):
    path = write_text(tmp_path / "c.csv", GOOD)
    assert cli("import", "clients", path, "--dry-run").exit_code == 0
    assert not Account.objects.exists()
    assert cli("import", "clients", path).exit_code == 0
    assert Account.objects.count() == 2


def test_a_bad_row_exits_1_writes_nothing_and_lists_the_problems(cli, tmp_path):
    path = write_text(tmp_path / "c.csv", BAD)
    errors = tmp_path / "errors.csv"
    result = cli("import", "clients", path, "--errors", errors)
    assert result.exit_code == 1
    assert not Account.objects.exists()
    listed = pl.read_csv(errors, infer_schema=False)
    assert listed.select("row", "column", "value").rows() == [("3", "email", "no-es-un-correo")]


def test_keep_valid_writes_the_good_rows_and_still_exits_1(cli, tmp_path):
    path = write_text(tmp_path / "c.csv", BAD)
    errors = tmp_path / "errors.xlsx"
    assert cli("import", "clients", path, "--keep-valid", "--errors", errors).exit_code == 1
    assert list(Account.objects.values_list("code", flat=True)) == ["C-1"]
    assert pl.read_excel(errors)["row"].to_list() == [3]


def test_a_mapping_given_once_is_saved_and_reused(cli, tmp_path):
    first = write_text(tmp_path / "erp.csv", "Cod. Tercero;Denominación;Población\nT1;Uno;Vigo\n")
    result = cli("import", "clients", first, "--map", "Cod. Tercero=code", "--save-map", "erp")
    assert result.exit_code == 0, result.output
    assert ColumnMapping.objects.get(kind="clients", name="erp").columns["code"] == "Cod. Tercero"
    second = write_text(tmp_path / "erp2.csv", "Cod. Tercero;Denominación\nT2;Dos\n")
    assert cli("import", "clients", second, "--use-map", "erp").exit_code == 0
    assert sorted(Account.objects.values_list("code", "city")) == [("T1", "Vigo"), ("T2", "")]


@pytest.mark.parametrize(
    "args",
    [
        ("import", "clientes", "x.csv"),
        ("import", "clients", "missing.csv"),
        ("import", "clients", "GOOD", "--map", "no-equals-sign"),
        ("import", "clients", "GOOD", "--map", "code=nope"),
        ("import", "clients", "GOOD", "--use-map", "never-saved"),
        ("export", "clients", "--out", "x.txt"),
        ("export", "clients", "--out", "x.csv", "--filter", "size=big"),
    ],
)
def test_bad_input_exits_2_without_a_traceback(cli, tmp_path, args):
    good = write_text(tmp_path / "good.csv", GOOD)
    args = tuple(str(good) if a == "GOOD" else a for a in args)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_the_diagnosis_exports_abc_rfm_and_last_purchase(cli, tmp_path):
    product = ProductFactory(list_price=Decimal("10"))
    for code, quantity in (("A", 90), ("B", 10)):
        client = AccountFactory(code=code)
        sale_record(
            number=f"F-{code}",
            account=client,
            date=dt.date(2026, 3, 1),
            lines=[LineInput(product=product, quantity=Decimal(quantity))],
        )
    out = tmp_path / "diagnosis.csv"
    assert cli("export", "diagnosis", "--out", out, "--as-of", "2026-03-31").exit_code == 0
    table = pl.read_csv(out, infer_schema=False)
    assert table.select("client", "abc_class", "last_purchase", "window_revenue").rows() == [
        ("A", "A", "2026-03-01", "900.00"),
        ("B", "B", "2026-03-01", "100.00"),
    ]
    assert {"rfm_score", "rfm_segment", "recency_days"} <= set(table.columns)
