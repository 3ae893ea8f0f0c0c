"""Any set of frames as one XLSX workbook, with the house formats (money, shares, dates)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl
import xlsxwriter

from cartera.reporting.xlsx_report import write_sheet


def write_workbook(path: str | Path, sheets: Mapping[str, pl.DataFrame]) -> Path:
    """Write each frame of ``sheets`` to its own sheet; ``*_cents`` columns become money."""
    target = Path(path)
    with xlsxwriter.Workbook(target) as book:
        for name, frame in sheets.items():
            write_sheet(book, name, frame)
    return target
