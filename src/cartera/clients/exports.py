"""The filtered client list as CSV or XLSX: the rows of the page, every page of them (S2.7).

Rows stream from the database in chunks (``iterator``), so a million-client export
never holds a million model instances. CSV follows the reader's locale the way their
spreadsheet expects it (``;`` and decimal comma in Spanish and Portuguese); XLSX keeps
numbers as numbers and dates as dates.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any, Final

import xlsxwriter
from babel.numbers import get_decimal_symbol
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cartera.clients.models import Account, Status
from cartera.metrics.models import RfmSegment

CHUNK: Final = 5_000
XLSX_MAX_ROWS: Final = 1_048_575

_FIELDS: Final = (
    "code",
    "legal_name",
    "trade_name",
    "status",
    "city",
    "region",
    "segment",
    "owner__name",
    "phone",
    "email",
    "is_special",
    "metrics__abc_class",
    "metrics__rfm_segment",
    "metrics__last_purchase",
    "metrics__window_revenue",
    "metrics__clv",
)


def headings() -> list[str]:
    """Return the column headings in the active language."""
    return [
        _("Code"),
        _("Legal name"),
        _("Trade name"),
        _("Status"),
        _("City"),
        _("Region"),
        _("Segment"),
        _("Salesperson"),
        _("Phone"),
        _("E-mail"),
        _("Special client"),
        _("ABC class"),
        _("RFM segment"),
        _("Last purchase"),
        _("Revenue, 12 months"),
        _("Lifetime value"),
    ]


def export_rows(queryset: QuerySet[Account]) -> Iterator[list[Any]]:
    """Yield one list of plain values per account of ``queryset``, in its order."""
    statuses = dict(Status.choices)
    segments = dict(RfmSegment.choices)
    yes, no = _("yes"), _("no")
    for row in queryset.values_list(*_FIELDS).iterator(chunk_size=CHUNK):
        values = list(row)
        values[3] = str(statuses.get(values[3], values[3]))
        values[10] = yes if values[10] else no
        values[12] = str(segments.get(values[12], values[12] or ""))
        yield ["" if v is None else v for v in values]


class _Echo:
    """A file-like sink whose ``write`` returns what it is given, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]], *, locale: str) -> Iterator[str]:
    """Yield the CSV text of ``rows`` (with headings first) in the reader's convention."""
    comma = get_decimal_symbol(locale) == ","
    writer = csv.writer(_Echo(), delimiter=";" if comma else ",")
    yield "\ufeff"  # the byte-order mark makes Excel read UTF-8
    yield writer.writerow(headings())
    for row in rows:
        if comma:
            row = [str(v).replace(".", ",") if isinstance(v, Decimal) else v for v in row]
        yield writer.writerow(row)


def write_xlsx(rows: Iterable[list[Any]], *, sheet: str) -> IO[bytes]:
    """Return a temporary file holding the XLSX workbook of ``rows``, rewound."""
    # Returned open: the FileResponse streams it and closes it.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    page = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    page.write_row(0, 0, headings(), bold)
    page.freeze_panes(1, 0)
    last = 0
    for index, row in enumerate(rows, start=1):
        if index > XLSX_MAX_ROWS:
            break
        for column, value in enumerate(row):
            if isinstance(value, Decimal):
                page.write_number(index, column, float(value), money)
            elif hasattr(value, "isoformat"):
                page.write_datetime(index, column, value, day)
            else:
                page.write(index, column, value)
        last = index
    page.autofilter(0, 0, max(last, 1), len(_FIELDS) - 1)
    book.close()
    target.seek(0)
    return target
