"""Dates written ``dd/mm/yyyy``, ``yyyy-mm-dd``, ``dd-mm-yy``, ``dd.mm.yyyy`` or as Excel serials.

As with numbers, the format is decided once per column from all of its values: a
column is day-first unless one of its values can only be month-first (``12/31/2025``).
Every format is rewritten to ISO text and parsed by one strict parser, so an
impossible date (``31/02/2025``) is reported, not rolled over.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import polars as pl


class DateFormat(enum.Enum):
    """How a column writes its dates."""

    ISO = "yyyy-mm-dd"
    YEAR_FIRST_SLASH = "yyyy/mm/dd"
    DAY_FIRST = "dd/mm/yyyy"
    MONTH_FIRST = "mm/dd/yyyy"
    DAY_FIRST_SHORT = "dd/mm/yy"
    MONTH_FIRST_SHORT = "mm/dd/yy"
    COMPACT = "yyyymmdd"
    EXCEL_SERIAL = "Excel serial number"


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
_DMY = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _TIME
_DMY_SHORT = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})" + _TIME
_SHAPES: dict[str, str] = {
    "iso": r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME,
    "ymd": r"^(\d{4})/(\d{1,2})/(\d{1,2})" + _TIME,
    "dmy": _DMY,
    "dmy_short": _DMY_SHORT,
    "compact": r"^(\d{4})(\d{2})(\d{2})$",
    # 5-digit serials cover 1927-05-18 … 2173-10-14; earlier or later is not a sale date.
    "serial": r"^(\d{5})(?:\.\d+)?$",
}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Two-digit years: 00-68 are 2000-2068, 69-99 are 1969-1999 (the POSIX convention).
_PIVOT = 69


def date_votes(expr: pl.Expr, name: str) -> list[pl.Expr]:
    """Return aggregations counting, for one text column, the values each date shape reads.

    Evaluate them in one ``select`` and pass the row to :func:`decide_date_format`.
    """
    text = expr.cast(pl.String).str.strip_chars()
    present = text.is_not_null() & (text != "")
    votes = [present.sum().alias(f"{name}__n")]
    votes += [text.str.contains(p).sum().alias(f"{name}__{k}") for k, p in _SHAPES.items()]
    # A part above 12 (13 to 99) can only be a day; matched without captures, which
    # would cost a slower regex engine on every value.
    above_12 = r"(?:1[3-9]|[2-9]\d)"
    for shape, year in (("dmy", r"\d{4}"), ("dmy_short", r"\d{2}")):
        first = rf"^{above_12}[/.-]\d{{1,2}}[/.-]{year}" + _TIME
        second = rf"^\d{{1,2}}[/.-]{above_12}[/.-]{year}" + _TIME
        votes.append(text.str.contains(first).sum().alias(f"{name}__{shape}_day_first"))
        votes.append(text.str.contains(second).sum().alias(f"{name}__{shape}_month_first"))
    return votes


def decide_date_format(votes: Mapping[str, int], name: str) -> DateFormat:
    """Return the date format of a column from the counts of :func:`date_votes`.

    The shape that reads the most values wins (ties: ISO, then day-first). A
    ``dd/mm`` column is month-first only when some value has a second part above 12
    and none a first part above 12.
    """
    order = ("iso", "dmy", "dmy_short", "ymd", "compact", "serial")
    shape = max(order, key=lambda k: (votes[f"{name}__{k}"], -order.index(k)))
    if shape in ("dmy", "dmy_short"):
        month_first = (
            votes[f"{name}__{shape}_month_first"] > 0 and votes[f"{name}__{shape}_day_first"] == 0
        )
        if shape == "dmy":
            return DateFormat.MONTH_FIRST if month_first else DateFormat.DAY_FIRST
        return DateFormat.MONTH_FIRST_SHORT if month_first else DateFormat.DAY_FIRST_SHORT
    return {
        "iso": DateFormat.ISO,
        "ymd": DateFormat.YEAR_FIRST_SLASH,
        "compact": DateFormat.COMPACT,
        "serial": DateFormat.EXCEL_SERIAL,
    }[shape]


def from_excel_serial(expr: pl.Expr) -> pl.Expr:
    """Return Excel serial day numbers (1900 system) as dates; the time of day is dropped."""
    days = expr.cast(pl.Float64, strict=False).floor().cast(pl.Int64)
    return pl.lit(_EXCEL_EPOCH) + pl.duration(days=days)


# Formats chrono reads directly once the shape is checked and the time of day dropped;
# two-digit years keep their own pivot (below) and go through the general path.
_CHRONO: dict[DateFormat, tuple[str, str, bool]] = {
    DateFormat.ISO: (_SHAPES["iso"], "%Y-%m-%d", False),
    DateFormat.YEAR_FIRST_SLASH: (_SHAPES["ymd"], "%Y/%m/%d", False),
    DateFormat.COMPACT: (_SHAPES["compact"], "%Y%m%d", False),
    DateFormat.DAY_FIRST: (_DMY, "%d/%m/%Y", True),
    DateFormat.MONTH_FIRST: (_DMY, "%m/%d/%Y", True),
}


def parse_dates(expr: pl.Expr, fmt: DateFormat) -> pl.Expr:
    """Return text dates in ``fmt`` as ``Date``; values ``fmt`` does not read give null."""
    text = expr.cast(pl.String).str.strip_chars()
    name = expr.meta.output_name(raise_if_undetermined=False) or "date"
    if fmt is DateFormat.EXCEL_SERIAL:
        serial = pl.when(text.str.contains(_SHAPES["serial"])).then(from_excel_serial(text))
        return serial.alias(name)
    if fmt in _CHRONO:
        # The shape is checked by a regex without captures (chrono alone would read
        # "1/2/25" as the year 25); the date itself by chrono, which refuses 31/02.
        shape, pattern, slashes = _CHRONO[fmt]
        day = text.str.replace(r"[ T]\d.*$", "")
        if slashes:
            day = day.str.replace_all(r"[.-]", "/")
        parsed = pl.when(text.str.contains(shape)).then(day.str.to_date(pattern, strict=False))
    else:
        pattern, order = {
            DateFormat.DAY_FIRST_SHORT: (_DMY_SHORT, (3, 2, 1)),
            DateFormat.MONTH_FIRST_SHORT: (_DMY_SHORT, (3, 1, 2)),
        }[fmt]
        year, month, day = (text.str.extract(pattern, group_index=i) for i in order)
        short = year.cast(pl.Int32, strict=False)
        year = (pl.when(short < _PIVOT).then(short + 2000).otherwise(short + 1900)).cast(pl.String)
        iso = pl.concat_str(
            [year, month.str.zfill(2), day.str.zfill(2)], separator="-", ignore_nulls=False
        )
        parsed = iso.str.to_date("%Y-%m-%d", strict=False)
    if fmt is not DateFormat.ISO:
        # ISO text is never ambiguous, and spreadsheets turn their typed date cells into
        # it: a column of text dates with some real date cells reads both.
        parsed = pl.coalesce(parsed, parse_dates(text, DateFormat.ISO))
    return parsed.alias(name)


def as_date(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Return a typed (not text) column as ``Date``: datetimes lose their time, numbers are
    Excel serials or ``yyyymmdd``."""
    if dtype == pl.Date:
        return expr
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date()
    if dtype.is_numeric():
        compact = (
            expr.cast(pl.Int64, strict=False).cast(pl.String).str.to_date("%Y%m%d", strict=False)
        )
        return pl.when(expr >= 10_000_000).then(compact).otherwise(from_excel_serial(expr))
    return expr.cast(pl.Date, strict=False)
