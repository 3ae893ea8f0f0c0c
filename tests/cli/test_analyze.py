"""`cartera analyze` on files the tests write: Spanish CSV, Portuguese XLSX, bad files (issue 3).

The portfolio (as of 2025-11-20, window 2024-11-21 … 2025-11-20):
C-Ñ1 buys 1 500 + 500 in 2025 (new), C2 300 in 2025 and 200 in 2024, C3 200 in 2025
(new), C4 100 in 2024 (lost). Every expected figure below is computed by hand.
"""

import datetime as dt
import json
import subprocess
import sys

import fastexcel
import pytest
import typer
import xlsxwriter
from typer.testing import CliRunner

from cartera.cli import analyze

SPANISH = (
    "Código Cliente;Cliente;Fecha;Factura;Importe;Vendedor\n"
    '"C-Ñ1";"Peña";10/03/2025;F1;1.500,00;José\n'
    '"C-Ñ1";"Peña";15/06/2025;F2;500,00;José\n'
    "C2;Açaí Ltda;01/02/2025;F3;300,00;María\n"
    "C2;Açaí Ltda;02/02/2024;F4;200,00;María\n"
    "C3;Lúcia;20/11/2025;F5;200,00;José\n"
    "C4;Ramón;07/07/2024;F6;100,00;María\n"
)
ROWS = [
    ("C-Ñ1", "Peña", dt.datetime(2025, 3, 10), "F1", 1500.0, "José"),
    ("C-Ñ1", "Peña", dt.datetime(2025, 6, 15), "F2", 500.0, "José"),
    ("C2", "Açaí Ltda", dt.datetime(2025, 2, 1), "F3", 300.0, "María"),
    ("C2", "Açaí Ltda", dt.datetime(2024, 2, 2), "F4", 200.0, "María"),
    ("C3", "Lúcia", dt.datetime(2025, 11, 20), "F5", 200.0, "José"),
    ("C4", "Ramón", dt.datetime(2024, 7, 7), "F6", 100.0, "María"),
]


@pytest.fixture
def run():
    app = typer.Typer()
    analyze.register(app)

    @app.callback()
    def _root() -> None:
        """Let `analyze` be a sub-command, as in the `cartera` app."""

    def invoke(*args: str):
        return CliRunner().invoke(app, ["analyze", *args])

    return invoke


def _check_report(document: dict) -> None:
    assert document["as_of"] == "2025-11-20"
    assert document["window"] == {"start": "2024-11-21", "end": "2025-11-20"}
    assert {k: document["clients"][k] for k in ("total", "active", "new", "lost")} == {
        "total": 4,
        "active": 3,
        "new": 2,
        "lost": 1,
    }
    # 2 000 + 300 + 200; previous 200 + 100; 2 500 / 300 − 1.
    assert document["revenue"]["window"] == 2500.0
    assert document["revenue"]["previous_window"] == 300.0
    assert document["revenue"]["growth"] == pytest.approx(2500 / 300 - 1)
    # Shares before each: 0 → A, 0.8 → B (not below 80 %), 0.92 → B.
    assert {k: (v["clients"], v["revenue"]) for k, v in document["abc"].items()} == {
        "A": (1, 2000.0),
        "B": (2, 500.0),
        "C": (0, 0.0),
    }
    assert document["abc"]["A"]["revenue_share"] == pytest.approx(0.8)
    assert document["abc"]["B"]["revenue_share"] == pytest.approx(0.2)
    concentration = document["concentration"]
    assert concentration["top1_share"] == pytest.approx(0.8)
    assert concentration["top5_share"] == pytest.approx(1.0)
    assert concentration["top10_share"] == pytest.approx(1.0)
    assert concentration["hhi"] == pytest.approx(0.64 + 0.0144 + 0.0064)
    # Ascending 200 300 2000: 2 × 6 800 / (3 × 2 500) − 4/3.
    assert concentration["gini"] == pytest.approx(0.48)
    assert document["recurrence"]["repeat_clients_share"] == pytest.approx(1 / 3)
    assert document["retention"]["rate"] == pytest.approx(0.5)
    assert document["retention"]["attrition_rate"] == pytest.approx(0.5)
    # Invoices F1 F2 F3 F5: 2 500 / 4.
    assert document["average_ticket"] == 625.0
    segments = {k: v["clients"] for k, v in document["rfm_segments"].items() if v["clients"]}
    assert segments == {"need_attention": 1, "promising": 1, "at_risk": 1, "hibernating": 1}
    sellers = {r["salesperson"]: r for r in document["by_salesperson"]}
    assert (sellers["José"]["revenue"], sellers["María"]["revenue"]) == (2200.0, 300.0)
    assert (sellers["José"]["lost"], sellers["María"]["lost"]) == (0, 1)


def test_spanish_latin1_csv_gives_every_report(tmp_path, run):
    source = tmp_path / "ventas.csv"
    source.write_bytes(SPANISH.encode("latin-1"))
    out = {k: tmp_path / f"informe.{k}" for k in ("json", "html", "xlsx")}
    result = run(
        str(source),
        "--json",
        str(out["json"]),
        "--html",
        str(out["html"]),
        "--xlsx",
        str(out["xlsx"]),
    )
    assert result.exit_code == 0, result.output
    _check_report(json.loads(out["json"].read_text(encoding="utf-8")))
    assert "2,500.00" in result.output

    page = out["html"].read_text(encoding="utf-8")
    assert page.count("<svg") == 4  # Pareto, concentration, monthly, cohorts
    # Self-contained: nothing is fetched (the only URL is the SVG namespace).
    assert "<script" not in page
    assert "<link" not in page
    assert page.replace("http://www.w3.org/2000/svg", "").count("http") == 0
    assert "Glossary" in page
    assert "Peña" in page

    book = fastexcel.read_excel(out["xlsx"])
    assert {"summary", "clients", "ABC", "RFM", "by salesperson"} <= set(book.sheet_names)
    clients = book.load_sheet("clients").to_polars()
    assert clients.height == 4
    assert clients.select("client", "abc_class", "window_revenue").rows()[:3] == [
        ("C-Ñ1", "A", 2000.0),
        ("C2", "B", 300.0),
        ("C3", "B", 200.0),
    ]
    assert {"rfm_segment", "first_purchase", "last_purchase", "r_score"} <= set(clients.columns)


def test_portuguese_xlsx_gives_the_same_diagnosis(tmp_path, run):
    source = tmp_path / "vendas.xlsx"
    book = xlsxwriter.Workbook(source)
    sheet = book.add_worksheet("Vendas")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["Código do Cliente", "Nome", "Data", "Nota Fiscal", "Valor", "Vendedor"])
    for i, (client, name, date, invoice, amount, seller) in enumerate(ROWS, start=1):
        sheet.write_row(i, 0, [client, name])
        sheet.write_datetime(i, 2, date, day)
        sheet.write_row(i, 3, [invoice, amount, seller])
    book.close()
    report = tmp_path / "r.json"
    result = run(str(source), "--json", str(report))
    assert result.exit_code == 0, result.output
    _check_report(json.loads(report.read_text(encoding="utf-8")))


def test_a_bad_value_is_located_and_exits_2_without_a_traceback(tmp_path, run):
    source = tmp_path / "ventas.csv"
    bad = SPANISH.replace("01/02/2025", "31/02/2025").replace("200,00;José", "dos;José")
    source.write_bytes(bad.encode("latin-1"))
    result = run(str(source))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "31/02/2025" in result.output
    assert "Fecha" in result.output
    assert "'dos'" in result.output
    # Row 4 in the spreadsheet (header is row 1) and row 6.
    assert "│ 4 " in result.output
    assert "│ 6 " in result.output


def test_a_missing_column_is_named(tmp_path, run):
    source = tmp_path / "x.csv"
    source.write_text("cliente;fecha\nA;01/01/2025\n", encoding="utf-8")
    result = run(str(source))
    assert result.exit_code == 2
    assert "amount" in result.output
    assert "'cliente', 'fecha'" in result.output


def test_col_names_a_header_the_recogniser_does_not_know(tmp_path, run):
    source = tmp_path / "x.csv"
    source.write_text("Tercero;Día;Neto\nT1;05/06/2025;1.000\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = run(str(source), "--col", "client=Tercero", "--json", str(report))
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text(encoding="utf-8"))["revenue"]["window"] == 1000.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2025-13-40"], "--as-of expects a date"),
        (["--col", "client"], "--col expects ROLE=HEADER"),
        (["--json", "/no/such/folder/r.json"], "does not exist"),
    ],
)
def test_bad_options_exit_2_with_a_message(tmp_path, run, args, message):
    source = tmp_path / "ventas.csv"
    source.write_bytes(SPANISH.encode("latin-1"))
    result = run(str(source), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_as_of_moves_the_window(tmp_path, run):
    source = tmp_path / "ventas.csv"
    source.write_bytes(SPANISH.encode("latin-1"))
    report = tmp_path / "r.json"
    result = run(str(source), "--as-of", "2024-12-31", "--json", str(report))
    assert result.exit_code == 0, result.output
    document = json.loads(report.read_text(encoding="utf-8"))
    # 2024: C2 200 and C4 100.
    assert document["revenue"]["window"] == 300.0
    assert document["clients"]["active"] == 2


def test_the_command_does_not_import_django():
    code = "import sys; from cartera.cli import analyze; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
