"""Write any exported list to XLSX, CSV or Parquet, filtered as a spreadsheet user would.

XLSX has proper types (dates as dates, money as numbers with a currency format), the
header row frozen and an autofilter (S2.7). Money in CSV is written in currency units
with a decimal point; Parquet keeps it exact as decimals with two places. Every file
imports back as a no-op.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from cartera.imports import cells
from cartera.imports.kinds import KIND_NAMES
from cartera.imports.selectors import diagnosis_frame, export_frame

EXPORT_KINDS = (*KIND_NAMES, "diagnosis")
"""Every list ``cartera export`` writes."""
XLSX_MAX_ROWS = 1_048_575
"""Data rows an XLSX sheet holds below its header."""
_MONEY_FORMAT = "#,##0.00"
_FILTER = re.compile(r"^\s*(?P<column>[^=<>!]+?)\s*(?P<op>!=|>=|<=|=|>|<)\s*(?P<value>.*)$")


class ExportError(ValueError):
    """An export cannot run as asked (unknown kind, filter or format)."""


@dataclass(frozen=True, slots=True)
class Exported:
    """A written export: where, how many rows, and whether the sheet was too small."""

    path: Path
    rows: int
    truncated: bool = False


def _money(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith("_cents")]


def _value(text: str, dtype: pl.DataType, cents: bool) -> Any:
    if dtype == pl.Date:
        return dt.date.fromisoformat(text)
    if dtype == pl.Boolean:
        found = cells.booleans().get(text.strip().lower())
        if found is None:
            raise ValueError(text)
        return found
    if dtype.is_integer():
        number = float(text.replace(",", "."))
        return round(number * 100) if cents else int(number)
    if dtype.is_float():
        return float(text.replace(",", "."))
    return text


def apply_filters(frame: pl.DataFrame, filters: Sequence[str]) -> pl.DataFrame:
    """Return the rows of ``frame`` that every ``field=value`` filter keeps.

    Operators: ``=`` (text compared without case), ``!=``, ``>=``, ``<=``, ``>``, ``<``.
    Money fields are compared in currency units (``credit_limit>=1000``).

    Raises
    ------
    ExportError
        When a filter names no column or its value does not fit the column.
    """
    for text in filters:
        found = _FILTER.match(text)
        if not found:
            raise ExportError(
                _("--filter expects field=value (or != >= <= > <), got %(f)r") % {"f": text}
            )
        name, op, raw = found["column"].strip(), found["op"], found["value"].strip()
        cents = f"{name}_cents" in frame.columns and name not in frame.columns
        column = f"{name}_cents" if cents else name
        if column not in frame.columns:
            shown = ", ".join(c.removesuffix("_cents") for c in frame.columns)
            raise ExportError(
                _("--filter %(f)r: no column %(c)s (columns: %(all)s)")
                % {"f": text, "c": name, "all": shown}
            )
        dtype = frame.schema[column]
        try:
            value = _value(raw, dtype, cents) if raw else None
        except ValueError:
            raise ExportError(
                _("--filter %(f)r: %(v)r does not fit the column %(c)s")
                % {"f": text, "v": raw, "c": name}
            ) from None
        target = pl.col(column)
        if isinstance(value, str) and op in ("=", "!="):
            target, value = target.str.to_lowercase(), value.lower()
        if value is None and op not in ("=", "!="):
            raise ExportError(_("--filter %(f)r: give a value to compare with") % {"f": text})
        if op == "=":
            condition = target.is_null() if value is None else target == value
        elif op == "!=":
            condition = target.is_not_null() if value is None else target.ne_missing(value)
        else:
            condition = {
                ">=": target.__ge__,
                "<=": target.__le__,
                ">": target.__gt__,
                "<": target.__lt__,
            }[op](value)
        frame = frame.filter(condition)
    return frame


def _units(frame: pl.DataFrame, *, as_text: bool) -> pl.DataFrame:
    """Return ``frame`` with each ``*_cents`` column as currency units, named without suffix."""
    converted = []
    for name in _money(frame):
        cents = pl.col(name)
        if as_text:
            sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
            whole = (cents.abs() // 100).cast(pl.String)
            rest = (cents.abs() % 100).cast(pl.String).str.zfill(2)
            value = pl.concat_str([sign, whole, pl.lit("."), rest])
        else:
            value = (cents.cast(pl.Decimal(20, 2)) / 100).cast(pl.Decimal(20, 2))
        converted.append(value.alias(name.removesuffix("_cents")))
    return frame.with_columns(converted).select([c.removesuffix("_cents") for c in frame.columns])


def _xlsx(frame: pl.DataFrame, path: Path, sheet: str) -> None:
    import xlsxwriter

    money = {c.removesuffix("_cents") for c in _money(frame)}
    table = frame.with_columns((pl.col(c) / 100).alias(c) for c in _money(frame)).rename(
        {c: c.removesuffix("_cents") for c in _money(frame)}
    )
    # Constant memory: rows stream to disk as written, whatever the size.
    with xlsxwriter.Workbook(
        path, {"constant_memory": True, "default_date_format": "yyyy-mm-dd"}
    ) as book:
        ws = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        amounts = book.add_format({"num_format": _MONEY_FORMAT})
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        for index, name in enumerate(table.columns):
            dtype = table.schema[name]
            width = max(len(name) + 2, 12)
            fmt = amounts if name in money else dates if dtype == pl.Date else None
            ws.set_column(index, index, width, fmt)
        ws.write_row(0, 0, table.columns, bold)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(table.height, 1), max(table.width - 1, 0))
        for number, row in enumerate(table.iter_rows(), start=1):
            ws.write_row(number, 0, row)


def export_file(
    *,
    kind: str,
    path: str | Path,
    user: Any,
    filters: Sequence[str] = (),
    as_of: dt.date | None = None,
) -> Exported:
    """Write the rows of ``kind`` that ``user`` may see to ``path`` (.xlsx, .csv, .parquet).

    ``kind`` is a kind of import (see :data:`cartera.imports.kinds.KIND_NAMES`) or
    ``diagnosis`` (the per-client ABC class, RFM and last purchase as of ``as_of``).

    Raises
    ------
    ExportError
        For an unknown kind, suffix or filter.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if kind not in EXPORT_KINDS:
        raise ExportError(
            _("Unknown kind %(k)s; expected one of %(all)s.")
            % {"k": kind, "all": ", ".join(EXPORT_KINDS)}
        )
    if suffix not in (".xlsx", ".csv", ".parquet"):
        raise ExportError(_("Export to .xlsx, .csv or .parquet, not %(s)r.") % {"s": suffix})
    frame = (
        diagnosis_frame(user=user, as_of=as_of)
        if kind == "diagnosis"
        else export_frame(kind=kind, user=user)
    )
    frame = apply_filters(frame, filters)
    truncated = False
    if suffix == ".xlsx":
        truncated = frame.height > XLSX_MAX_ROWS
        _xlsx(frame.head(XLSX_MAX_ROWS), target, kind)
        return Exported(target, min(frame.height, XLSX_MAX_ROWS), truncated)
    if suffix == ".csv":
        _units(frame, as_text=True).write_csv(target)
    else:
        _units(frame, as_text=False).write_parquet(target)
    return Exported(target, frame.height)
