"""read_sales on files written here: Spanish CSV, Portuguese XLSX, English CSV, Parquet."""

import datetime as dt

import polars as pl
import pytest
import xlsxwriter

from cartera.analytics.frames import SALES
from cartera.analytics.io import NumberFormat, ReadError, read_activities, read_sales

D = dt.date
SPANISH = (
    "Informe de ventas 2025\n"
    "\n"
    "Cód. Cliente;Razón Social;Fecha Factura;Nº Factura;Importe Neto;Vendedor;Población\n"
    "C01;Peña S.L.;03/01/2025;F1;1.234,56;José;Logroño\n"
    "C02;Ñandú Ltda;15/02/2025;F2;0,285;Ana;Cádiz\n"
    ";;;;;;\n"
    "C01;Peña S.L.;31/12/2025;F3;-12,50;José;Logroño\n"
)


def test_spanish_latin1_csv_with_a_title_above_the_header(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_bytes(SPANISH.encode("latin-1"))
    sales = read_sales(path)
    assert sales.encoding == "cp1252"
    assert sales.delimiter == ";"
    assert sales.frame.to_dicts() == [
        {
            "client": "C01",
            "date": D(2025, 1, 3),
            "amount_cents": 123456,
            "invoice": "F1",
            "salesperson": "José",
            "city": "Logroño",
            "client_name": "Peña S.L.",
        },
        {
            "client": "C02",
            "date": D(2025, 2, 15),
            "amount_cents": 29,
            "invoice": "F2",
            "salesperson": "Ana",
            "city": "Cádiz",
            "client_name": "Ñandú Ltda",
        },
        {
            "client": "C01",
            "date": D(2025, 12, 31),
            "amount_cents": -1250,
            "invoice": "F3",
            "salesperson": "José",
            "city": "Logroño",
            "client_name": "Peña S.L.",
        },
    ]
    assert sales.columns["amount"] == "Importe Neto"
    assert sales.formats["Importe Neto"].number_format is NumberFormat.DECIMAL_COMMA


def test_the_frame_follows_the_sales_contract(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_bytes(SPANISH.encode("utf-8-sig"))
    schema = read_sales(path).frame.schema
    for column in SALES:
        if column.name in schema:
            assert schema[column.name] == column.dtype


def _portuguese_xlsx(path, *, bad: bool = False):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Vendas")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(1, 0, ["Código do Cliente", "Data", "Nota Fiscal", "Valor Total", "Quantidade"])
    sheet.write_row(2, 0, ["X1"])
    sheet.write_datetime(2, 1, dt.datetime(2025, 3, 1), day)
    sheet.write_row(2, 2, [1001, 1500.1, 2])
    sheet.write_number(3, 0, 12345)
    sheet.write_datetime(3, 1, dt.datetime(2025, 3, 2), day)
    sheet.write_number(3, 2, 1002)
    if bad:
        sheet.write_string(3, 3, "oops")
    else:
        sheet.write_number(3, 3, 2000.10)
    sheet.write_number(3, 4, 1.5)
    book.close()


def test_portuguese_xlsx_with_a_blank_first_row_and_typed_cells(tmp_path):
    path = tmp_path / "vendas.xlsx"
    _portuguese_xlsx(path)
    sales = read_sales(path)
    assert sales.sheet == "Vendas"
    assert sales.frame.to_dicts() == [
        {
            "client": "X1",
            "date": D(2025, 3, 1),
            "amount_cents": 150010,
            "invoice": "1001",
            "quantity": 2.0,
        },
        {
            "client": "12345",
            "date": D(2025, 3, 2),
            "amount_cents": 200010,
            "invoice": "1002",
            "quantity": 1.5,
        },
    ]


def test_a_bad_cell_in_a_spreadsheet_is_located_at_its_sheet_row(tmp_path):
    path = tmp_path / "vendas.xlsx"
    _portuguese_xlsx(path, bad=True)
    with pytest.raises(ReadError) as caught:
        read_sales(path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "Valor Total", "oops")
    assert "vendas.xlsx, row 4, column 'Valor Total': 'oops'" in str(caught.value)


def test_english_csv_with_unit_price_and_quantity_derives_the_amount(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(
        "Customer,Invoice Date,Invoice No,Unit Price,Qty,Product Category\n"
        'ACME,12/31/2025,9,"1,000.50",3,Tools\n'
        "Beta,01/02/2025,10,0.333,3,Paint\n",
        encoding="utf-8",
    )
    sales = read_sales(path)
    assert sales.frame.select("client", "date", "amount_cents", "family").rows() == [
        ("ACME", D(2025, 12, 31), 300150, "Tools"),
        ("Beta", D(2025, 1, 2), 99, "Paint"),
    ]


def test_every_bad_value_is_reported_with_row_column_and_value(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "cliente,fecha,valor\nA,2025-01-01,10.5\nB,2025-13-01,x\n,2025-01-02,3\nC,2025-01-03,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReadError) as caught:
        read_sales(path)
    located = [(p.row, p.column, p.value) for p in caught.value.problems]
    assert located == [
        (3, "fecha", "2025-13-01"),
        (3, "valor", "x"),
        (4, "cliente", None),
        (5, "valor", None),
    ]
    assert caught.value.total == 4


def test_keep_valid_leaves_out_the_bad_rows_and_reports_them(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("cliente,fecha,valor\nA,2025-01-01,10.5\nB,2025-13-01,1\n", encoding="utf-8")
    sales = read_sales(path, keep_valid=True)
    assert sales.frame["client"].to_list() == ["A"]
    assert [(p.row, p.column) for p in sales.problems] == [(3, "fecha")]


def test_a_file_without_an_amount_column_says_which_column_is_missing(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("cliente,fecha,color\nA,2025-01-01,rojo\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_sales(path)
    assert [p.column for p in caught.value.problems] == ["amount"]


def test_columns_override_maps_an_unknown_header(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Tercero;Día;Neto\nT1;05/06/2025;1.000\n", encoding="utf-8")
    sales = read_sales(path, columns={"client": "Tercero"})
    assert sales.frame.row(0) == ("T1", D(2025, 6, 5), 100000)


def test_parquet_with_canonical_columns_passes_through(tmp_path):
    path = tmp_path / "s.parquet"
    pl.DataFrame(
        {"client": ["a", "b"], "date": [D(2025, 1, 1), D(2025, 1, 2)], "amount_cents": [100, 250]}
    ).write_parquet(path)
    sales = read_sales(path)
    assert sales.frame.rows() == [("a", D(2025, 1, 1), 100), ("b", D(2025, 1, 2), 250)]


def test_an_unknown_suffix_or_missing_file_is_a_located_error(tmp_path):
    with pytest.raises(ReadError, match="an existing file"):
        read_sales(tmp_path / "nope.csv")
    (tmp_path / "x.doc").write_text("x")
    with pytest.raises(ReadError, match="a file ending in"):
        read_sales(tmp_path / "x.doc")


def test_categorical_keeps_low_cardinality_text_compact(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_bytes(SPANISH.encode("latin-1"))
    sales = read_sales(path, categorical=True)
    assert sales.frame.schema["salesperson"] == pl.Categorical
    assert sales.frame.schema["city"] == pl.Categorical
    # Codes and names stay text: they identify, they do not repeat.
    assert sales.frame.schema["client"] == pl.String
    assert sales.frame["city"].cast(pl.String).to_list() == ["Logroño", "Cádiz", "Logroño"]


def test_roles_reads_only_what_is_asked(tmp_path):
    path = tmp_path / "ventas.csv"
    path.write_bytes(SPANISH.encode("latin-1"))
    sales = read_sales(path, roles=("amount",))
    assert sales.frame.columns == ["client", "date", "amount_cents"]


def test_activities_are_read_with_their_own_vocabulary(tmp_path):
    path = tmp_path / "visitas.csv"
    path.write_text("Cliente;Fecha visita;Tipo\nC01;03/01/2025;visita\nC02;04/01/2025;llamada\n")
    frame = read_activities(path)
    assert frame.rows() == [("C01", D(2025, 1, 3), "visita"), ("C02", D(2025, 1, 4), "llamada")]
