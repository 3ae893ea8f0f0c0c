"""Header recognition in Spanish, Portuguese and English (S2.6, S2.7: any spreadsheet export)."""

import pytest

from cartera.analytics.io import ReadError, Vocabulary, normalise_header, recognise_headers
from cartera.analytics.io.sales import SALES_VOCABULARY


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Cód. Cliente", "codigo cliente"),
        ("CODIGO_DE_CLIENTE", "codigo cliente"),
        ("Nº de Factura", "numero factura"),
        ("clienteId", "cliente id"),
        ("  Data   Emissão ", "data emissao"),
        ("Valor (R$)", "valor r"),
    ],
)
def test_normalise_header_ignores_case_accents_punctuation_and_filler(header, expected):
    assert normalise_header(header) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["cliente", "fecha", "valor"],
            {"client": "cliente", "date": "fecha", "amount": "valor"},
        ),
        (
            ["Código cliente", "Cliente", "Fecha", "Total"],
            {
                "client": "Código cliente",
                "client_name": "Cliente",
                "date": "Fecha",
                "amount": "Total",
            },
        ),
        (
            ["Cód. Cliente", "Fecha Factura", "Nº Factura", "Importe Neto", "Comercial"],
            {
                "client": "Cód. Cliente",
                "date": "Fecha Factura",
                "amount": "Importe Neto",
                "invoice": "Nº Factura",
                "salesperson": "Comercial",
            },
        ),
        (
            ["CNPJ", "Razão Social", "Data Emissão", "NF", "Valor Líquido", "Cidade", "UF"],
            {
                "client": "CNPJ",
                "client_name": "Razão Social",
                "date": "Data Emissão",
                "amount": "Valor Líquido",
                "invoice": "NF",
                "city": "Cidade",
                "region": "UF",
            },
        ),
        (
            ["Customer", "Invoice Date", "Invoice No", "Net Amount", "Sales Rep", "SKU", "Qty"],
            {
                "client": "Customer",
                "date": "Invoice Date",
                "amount": "Net Amount",
                "invoice": "Invoice No",
                "product": "SKU",
                "quantity": "Qty",
                "salesperson": "Sales Rep",
            },
        ),
    ],
)
def test_sales_headers_are_recognised_in_three_languages(headers, expected):
    assert dict(recognise_headers(headers, SALES_VOCABULARY).columns) == expected


def test_a_header_exactly_a_synonym_beats_one_that_only_contains_it():
    match = recognise_headers(["valor unitário", "valor", "data", "cliente"], SALES_VOCABULARY)
    assert match.columns["amount"] == "valor"
    assert match.columns["unit_price"] == "valor unitário"


def test_headers_that_take_no_role_are_reported_as_unmatched():
    match = recognise_headers(["cliente", "fecha", "importe", "Observaciones"], SALES_VOCABULARY)
    assert match.unmatched == ("Observaciones",)


def test_overrides_win_and_compare_like_headers():
    match = recognise_headers(
        ["Tercero", "Fecha", "Importe"], SALES_VOCABULARY, overrides={"client": "tercero"}
    )
    assert match.columns["client"] == "Tercero"


def test_a_missing_required_column_names_the_role_and_the_headers_found():
    with pytest.raises(ReadError) as caught:
        recognise_headers(["foo", "fecha", "importe"], SALES_VOCABULARY, file="v.csv")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("v.csv", None, "client")
    assert "'foo'" in problem.expected
    assert "código cliente" in problem.expected


def test_an_override_to_an_absent_header_or_unknown_role_is_reported():
    with pytest.raises(ReadError) as caught:
        recognise_headers(["a", "b"], SALES_VOCABULARY, overrides={"client": "nope", "colour": "a"})
    assert {(p.column, p.value) for p in caught.value.problems} == {
        ("nope", None),
        (None, "colour"),
    }


def test_other_vocabularies_plug_into_the_same_recogniser():
    contacts = Vocabulary("contacts", {"email": ("e-mail", "correo", "email")}, (("email",),))
    assert recognise_headers(["Correo"], contacts).columns == {"email": "Correo"}
    wider = contacts.extended("contacts", {"phone": ("teléfono", "telefone")})
    assert recognise_headers(["Correo", "Telefone"], wider).columns["phone"] == "Telefone"
