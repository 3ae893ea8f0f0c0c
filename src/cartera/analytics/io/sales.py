"""Read any sales file (CSV, spreadsheet, Parquet) into the canonical sales frame."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cartera.analytics.frames import MONEY, SALES
from cartera.analytics.io.columns import ColumnFormat, ColumnSpec, ValueKind, convert_columns
from cartera.analytics.io.errors import Problem, ReadError
from cartera.analytics.io.headers import (
    HeaderMatch,
    Vocabulary,
    normalise_header,
    recognise_headers,
)
from cartera.analytics.io.tables import RawTable, open_table

SALES_VOCABULARY = Vocabulary(
    "sales",
    {
        "client": (
            "client",
            "código cliente",
            "cód cliente",
            "cliente id",
            "id cliente",
            "código do cliente",
            "cod cli",
            "número cliente",
            "customer id",
            "customer code",
            "customer number",
            "client id",
            "client code",
            "account id",
            "account code",
            "cliente",
            "customer",
            "cuenta",
            "conta",
            "account",
            "comprador",
            "cpf cnpj",
            "cnpj",
            "nif",
            "rfc",
            "ruc",
            "cuit",
            "rut",
        ),
        "client_name": (
            "client name",
            "nombre cliente",
            "nome cliente",
            "razón social",
            "razão social",
            "customer name",
            "account name",
            "nombre fiscal",
            "nome fantasia",
            "denominación",
            "nombre",
            "nome",
            "name",
            "cliente",
        ),
        "date": (
            "date",
            "fecha",
            "fecha factura",
            "fecha venta",
            "fecha emisión",
            "fecha documento",
            "fecha pedido",
            "fecha operación",
            "data",
            "data emissão",
            "data venda",
            "data nota",
            "data faturamento",
            "data pedido",
            "invoice date",
            "sale date",
            "order date",
            "posting date",
            "document date",
            "día",
            "dia",
        ),
        "amount": (
            "amount",
            "importe neto",
            "base imponible",
            "valor líquido",
            "valor neto",
            "total neto",
            "venta neta",
            "net amount",
            "net sales",
            "importe",
            "valor",
            "valor venda",
            "valor total",
            "importe total",
            "monto",
            "monto total",
            "neto",
            "total",
            "total línea",
            "venta",
            "ventas",
            "facturación",
            "faturamento",
            "receita",
            "ingreso",
            "sales",
            "revenue",
            "line total",
            "total amount",
            "subtotal",
        ),
        "amount_cents": ("amount cents",),
        "invoice": (
            "invoice",
            "factura",
            "número factura",
            "folio",
            "nota fiscal",
            "nf",
            "nfe",
            "número nota",
            "número nf",
            "invoice numero",
            "comprobante",
            "boleta",
            "documento",
            "número documento",
            "ticket",
            "albarán",
            "pedido",
            "número pedido",
            "order",
            "order id",
        ),
        "product": (
            "product",
            "producto",
            "código producto",
            "produto",
            "código produto",
            "artículo",
            "código artículo",
            "referencia",
            "ref",
            "sku",
            "item",
            "product codigo",
            "product id",
            "material",
            "código",
        ),
        "family": (
            "family",
            "familia",
            "familia producto",
            "categoría",
            "categoría producto",
            "línea",
            "línea producto",
            "linha",
            "linha produto",
            "grupo",
            "grupo producto",
            "grupo produto",
            "rubro",
            "category",
            "product family",
            "product line",
            "product category",
        ),
        "quantity": (
            "quantity",
            "cantidad",
            "unidades",
            "uds",
            "quantidade",
            "units",
            "volumen",
            "kilos",
            "kg",
        ),
        "cost": (
            "cost",
            "costo",
            "coste",
            "custo",
            "costo total",
            "coste total",
            "custo total",
            "total cost",
            "cogs",
            "costo venta",
            "coste ventas",
            "cmv",
            "cpv",
        ),
        "cost_cents": ("cost cents",),
        "unit_price": (
            "unit price",
            "precio",
            "precio unitario",
            "pvp",
            "valor unitario",
            "preço",
            "preço unitário",
            "price",
            "tarifa",
        ),
        "unit_cost": ("unit cost", "costo unitario", "coste unitario", "custo unitário"),
        "salesperson": (
            "salesperson",
            "vendedor",
            "vendedora",
            "comercial",
            "agente",
            "representante",
            "asesor",
            "ejecutivo",
            "ejecutivo comercial",
            "consultor",
            "gestor",
            "promotor",
            "sales rep",
            "rep",
            "seller",
            "account manager",
            "owner",
            "código vendedor",
        ),
        "segment": (
            "segment",
            "segmento",
            "tipo cliente",
            "clase cliente",
            "categoría cliente",
            "sector",
            "setor",
            "customer type",
            "client type",
            "customer segment",
            "industry",
        ),
        "city": (
            "city",
            "ciudad",
            "cidade",
            "localidad",
            "municipio",
            "município",
            "población",
            "town",
        ),
        "region": (
            "region",
            "región",
            "zona",
            "provincia",
            "estado",
            "territorio",
            "território",
            "state",
            "territory",
            "uf",
        ),
        "channel": (
            "channel",
            "canal",
            "canal venta",
            "canal vendas",
            "sales channel",
            "tipo venta",
        ),
        "source": (
            "source",
            "origen",
            "origen cliente",
            "fuente",
            "origem",
            "fonte",
            "captación",
            "canal captación",
            "lead source",
            "acquisition source",
        ),
        "launch_date": (
            "launch date",
            "fecha lanzamiento",
            "lanzamiento",
            "data lançamento",
            "lançamento",
            "release date",
            "fecha alta producto",
        ),
    },
    required=(("client",), ("date",), ("amount", "amount_cents", "unit_price")),
)
"""Roles of a sales file and the headers people write for them (es / pt / en)."""

_KINDS: dict[str, ValueKind] = {
    "date": ValueKind.DATE,
    "launch_date": ValueKind.DATE,
    "amount": ValueKind.MONEY,
    "cost": ValueKind.MONEY,
    "unit_price": ValueKind.MONEY,
    "unit_cost": ValueKind.MONEY,
    "amount_cents": ValueKind.CENTS,
    "cost_cents": ValueKind.CENTS,
    "quantity": ValueKind.NUMBER,
}
# Roles converted to another column name in the frame.
_OUTPUT = {
    "amount": "amount_cents",
    "cost": "cost_cents",
    "unit_price": "unit_price_cents",
    "unit_cost": "unit_cost_cents",
}
_CONTRACT_ORDER = [c.name for c in SALES]
CATEGORY_ROLES = frozenset(
    {"product", "family", "salesperson", "segment", "city", "region", "channel", "source"}
)
"""Text roles with few distinct values, kept ``Categorical`` when asked (big files)."""


@dataclass(frozen=True, slots=True)
class SalesFile:
    """A sales file read into the canonical frame.

    Attributes
    ----------
    frame
        Sales lines following :data:`~cartera.analytics.frames.SALES` (plus
        ``client_name`` and ``region`` when the file has them), in file order.
    columns
        Role → header of the file that was used for it.
    path
        The file read, or ``None`` for an in-memory frame.
    unmatched
        Headers that took no role (ignored).
    formats
        Header → number or date format decided for it.
    problems
        Located problems of the rows left out (only with ``keep_valid=True``).
    encoding, delimiter, sheet
        What was detected when reading the file.
    """

    frame: pl.DataFrame
    columns: Mapping[str, str]
    path: Path | None = None
    unmatched: tuple[str, ...] = ()
    formats: Mapping[str, ColumnFormat] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def header_score(headers: list[str] | tuple[str, ...]) -> int:
    """Return how many of ``headers`` name a role of the sales vocabulary (finds header rows)."""
    known = {
        " ".join(s) for role in SALES_VOCABULARY.roles for s in SALES_VOCABULARY.synonyms(role)
    }
    return sum(1 for h in headers if normalise_header(str(h)) in known)


def _specs(match: HeaderMatch, *, categorical: bool) -> list[ColumnSpec]:
    required = {"client", "date"}
    if "amount" in match.columns:
        required.add("amount")
    elif "amount_cents" in match.columns:
        required.add("amount_cents")
    else:
        required |= {"unit_price", "quantity"}
    text = ValueKind.CATEGORY if categorical else ValueKind.TEXT
    return [
        ColumnSpec(
            _OUTPUT.get(role, role),
            header,
            _KINDS.get(role, text if role in CATEGORY_ROLES else ValueKind.TEXT),
            role in required,
        )
        for role, header in match.columns.items()
    ]


def _derived(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with amount and cost computed from unit values where missing."""
    extra: list[pl.Expr] = []
    quantity = pl.col("quantity") if "quantity" in frame.columns else None
    for total, unit in (("amount_cents", "unit_price_cents"), ("cost_cents", "unit_cost_cents")):
        if unit in frame.columns and total not in frame.columns and quantity is not None:
            product = pl.col(unit).cast(pl.Float64) * quantity
            # Round half away from zero to whole cents, as every amount in the frames.
            extra.append(((product.abs() + 0.5).floor() * product.sign()).cast(MONEY).alias(total))
    frame = frame.with_columns(extra) if extra else frame
    return frame.drop([c for c in ("unit_price_cents", "unit_cost_cents") if c in frame.columns])


def sales_from_table(
    table: RawTable,
    *,
    columns: Mapping[str, str] | None = None,
    keep_valid: bool = False,
    categorical: bool = False,
    roles: Collection[str] | None = None,
) -> SalesFile:
    """Return the sales of an opened table (see :func:`read_sales`)."""
    file = str(table.path)
    headers = table.frame.collect_schema().names()
    match = recognise_headers(headers, SALES_VOCABULARY, overrides=columns, file=file)
    if roles is not None:
        wanted = set(roles) | {"client", "date"}
        # Asking for the amount accepts whichever form of it the file has.
        if "amount" in wanted:
            wanted |= {"amount_cents", "unit_price", "quantity"}
        kept = {r: h for r, h in match.columns.items() if r in wanted}
        match = HeaderMatch(kept, tuple(h for h in headers if h not in kept.values()))
    if (
        "unit_price" in match.columns
        and "amount" not in match.columns
        and "quantity" not in match.columns
    ):
        raise ReadError(
            [
                Problem(
                    file, None, "quantity", None, "a quantity column to multiply the unit price by"
                )
            ]
        )
    specs = _specs(match, categorical=categorical)
    typed = table.kind == "parquet"
    converted = convert_columns(
        table.frame,
        specs,
        first_row=table.first_row,
        file=file,
        keep_valid=keep_valid,
        clean_text=not typed,
        drop_empty_rows=not typed,
        with_rows=False,
    )
    if converted.total_problems and not keep_valid:
        raise ReadError(converted.problems, total=converted.total_problems)
    frame = _derived(converted.frame)
    ordered = [c for c in _CONTRACT_ORDER if c in frame.columns]
    frame = frame.select(ordered + [c for c in frame.columns if c not in ordered])
    return SalesFile(
        frame=frame,
        columns=dict(match.columns),
        path=table.path,
        unmatched=match.unmatched,
        formats=converted.formats,
        problems=converted.problems,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
    )


def read_sales(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    keep_valid: bool = False,
    categorical: bool = False,
    roles: Collection[str] | None = None,
) -> SalesFile:
    """Return the sales lines of a CSV, XLSX/XLS/ODS or Parquet file as the canonical frame.

    Headers are recognised in Spanish, Portuguese or English (see
    :data:`SALES_VOCABULARY`); numbers and dates have their format decided per column.

    Parameters
    ----------
    path
        The file.
    columns
        Role → header, for headers the recogniser does not know or gets wrong
        (``{"client": "Cod. Tercero"}``).
    sheet
        Sheet name or index of a spreadsheet (the first by default).
    keep_valid
        Leave out rows with a problem and report them in ``SalesFile.problems``
        instead of raising.
    categorical
        Keep the text columns with few distinct values (:data:`CATEGORY_ROLES`) as
        ``Categorical``: a tenth of the memory and much faster to group on millions
        of lines. :func:`cartera.analytics.diagnosis.diagnose` accepts them as is.
    roles
        Read only these roles (plus client and date), e.g. ``("client", "date",
        "amount")``; by default every recognised column.

    Raises
    ------
    ReadError
        With every located problem: a missing column, an unreadable value (row and
        header as seen in a spreadsheet), an empty required cell.

    Examples
    --------
    >>> sales = read_sales("ventas.csv")  # doctest: +SKIP
    >>> sales.columns  # doctest: +SKIP
    {'client': 'Código cliente', 'date': 'Fecha', 'amount': 'Importe'}
    """
    table = open_table(path, header_score=header_score, sheet=sheet)
    return sales_from_table(
        table, columns=columns, keep_valid=keep_valid, categorical=categorical, roles=roles
    )
