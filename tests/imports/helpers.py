"""Files the import tests write, and a shortcut to import them."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter

from cartera.common.scoping import SYSTEM
from cartera.imports.services import import_file


def write_text(path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False) -> Path:
    """Write ``text`` to ``path`` in ``encoding`` (UTF-8 with a BOM when asked)."""
    data = text.encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """Write one sheet with ``header`` and typed cells (dates as dates, numbers as numbers)."""
    with xlsxwriter.Workbook(path, {"default_date_format": "dd/mm/yyyy"}) as book:
        sheet = book.add_worksheet("Planilha1")
        sheet.write_row(0, 0, header)
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, row)
    return path


def write_ods(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    """Write a minimal OpenDocument spreadsheet with text cells (no ODS writer is installed)."""

    def row(cells: Sequence[str]) -> str:
        return (
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p>'
                "</table:table-cell>"
                for c in cells
            )
            + "</table:table-row>"
        )

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Hoja1">'
        + row(header)
        + "".join(row(r) for r in rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as odf:
        odf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        odf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        odf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def run(kind: str, path: Path, **options: Any):
    """Import ``path`` as ``kind`` acting as the command line; return the report."""
    return import_file(kind=kind, path=path, user=SYSTEM, **options)


def counts(report, table: str | None = None) -> tuple[int, int, int]:
    """Return (created, updated, unchanged) of ``table`` (the kind's own by default)."""
    found = report.counts[table or report.primary]
    return found.created, found.updated, found.unchanged


def located(report) -> list[tuple[int | None, str]]:
    """Return the (row, column) of every problem, in report order."""
    return [(p["row"], p["column"]) for p in report.problems.iter_rows(named=True)]
