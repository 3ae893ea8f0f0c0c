"""Numbers written ``1.234,56``, ``1,234.56`` or ``1234.56``: decided per column, parsed exactly.

The format of a column is decided once from all of its values, never cell by cell,
so that ``1.234`` means the same in every row. Money is parsed from its digits to
integer cents, with no float on the way (``0.285`` gives 29 cents, half away from
zero).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import polars as pl

from cartera.analytics.frames import MONEY


class NumberFormat(enum.Enum):
    """How a column writes its numbers."""

    DECIMAL_POINT = "1,234.56"
    """Point before the decimals; commas (or spaces) group thousands."""
    DECIMAL_COMMA = "1.234,56"
    """Comma before the decimals; points (or spaces) group thousands."""

    @property
    def decimal(self) -> str:
        """Return the decimal separator."""
        return "." if self is NumberFormat.DECIMAL_POINT else ","

    @property
    def thousands(self) -> str:
        """Return the thousands separator."""
        return "," if self is NumberFormat.DECIMAL_POINT else "."


# Currency marks and grouping spaces carry no value; they are removed before checking.
_NOISE = (
    r"(?i)R\$|US\$|U\$S|S/\.?|€|\$|£|¥"
    r"|\b(?:EUR|USD|BRL|MXN|ARS|CLP|COP|PEN|UYU)\b|[\s\u00a0\u202f'’]"
)
# A number is a body in the column's format with one sign: leading (-5, +5), trailing
# (5-) or brackets ((5)). Checking the whole shape with one regex without captures
# runs on the regex engine's fast path; the parts are then cut with plain string
# operations (a capture per part made parsing a million values several times slower).
_POINT_BODY = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
_COMMA_BODY = r"(?:(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?|,\d+)"
_BODY = {NumberFormat.DECIMAL_POINT: _POINT_BODY, NumberFormat.DECIMAL_COMMA: _COMMA_BODY}


def _shape(body: str) -> str:
    return rf"^(?:[+-]?{body}|{body}-|\({body}\))$"


_PATTERN = {fmt: _shape(body) for fmt, body in _BODY.items()}
_GROUPED_DOTS = _shape(r"\d{1,3}(?:\.\d{3})+")
_GROUPED_COMMAS = _shape(r"\d{1,3}(?:,\d{3})+")


def _named(result: pl.Expr, source: pl.Expr) -> pl.Expr:
    """Return ``result`` under the name of the column it was computed from."""
    name = source.meta.output_name(raise_if_undetermined=False)
    return result.alias(name) if name else result


def cleaned_numbers(expr: pl.Expr) -> pl.Expr:
    """Return text numbers without currency marks and grouping spaces (see :func:`format_votes`)."""
    return expr.cast(pl.String).str.replace_all(_NOISE, "")


_cleaned = cleaned_numbers


def _negative(clean: pl.Expr) -> pl.Expr:
    """Return whether a cleaned value is negative: ``-5``, ``5-`` or ``(5)``."""
    return clean.str.starts_with("-") | clean.str.ends_with("-") | clean.str.starts_with("(")


def format_votes(expr: pl.Expr, name: str, *, cleaned: bool = False) -> list[pl.Expr]:
    """Return aggregations counting, for one text column, the values each format reads.

    Evaluate them with ``frame.select(...)`` (several columns at once, one pass) and
    hand the row to :func:`decide_format`. The counts are ``{name}__n`` (non-empty
    values), ``{name}__point`` and ``{name}__comma`` (values each format reads).
    ``cleaned`` says ``expr`` already went through :func:`cleaned_numbers`.
    """
    clean = expr if cleaned else _cleaned(expr)
    present = clean.is_not_null() & (clean != "")
    return [
        present.sum().alias(f"{name}__n"),
        clean.str.contains(_PATTERN[NumberFormat.DECIMAL_POINT]).sum().alias(f"{name}__point"),
        clean.str.contains(_PATTERN[NumberFormat.DECIMAL_COMMA]).sum().alias(f"{name}__comma"),
        # Only a separator that could group thousands makes a column ambiguous; these
        # count the values that contain one (and only that kind).
        clean.str.contains(_GROUPED_DOTS).sum().alias(f"{name}__dots"),
        clean.str.contains(_GROUPED_COMMAS).sum().alias(f"{name}__commas"),
    ]


def decide_format(
    votes: Mapping[str, int], name: str, *, prefer: NumberFormat | None = None
) -> NumberFormat:
    """Return the number format of a column from the counts of :func:`format_votes`.

    The format that reads every value wins; when both do (only integers, or only
    values such as ``1.234`` that either format reads), ``prefer`` decides — the
    format the file's other columns use — and without it a lone ``1.234`` is taken
    as grouped thousands, the usual meaning in a money column. When neither reads
    every value, the one that reads more wins and the others are reported.
    """
    n, point, comma = votes[f"{name}__n"], votes[f"{name}__point"], votes[f"{name}__comma"]
    if point == n and comma < n:
        return NumberFormat.DECIMAL_POINT
    if comma == n and point < n:
        return NumberFormat.DECIMAL_COMMA
    if point == comma:
        if prefer is not None:
            return prefer
        dots, commas = votes[f"{name}__dots"], votes[f"{name}__commas"]
        if dots > 0 and commas == 0:
            return NumberFormat.DECIMAL_COMMA
        return NumberFormat.DECIMAL_POINT
    return NumberFormat.DECIMAL_POINT if point > comma else NumberFormat.DECIMAL_COMMA


def is_ambiguous(votes: Mapping[str, int], name: str) -> bool:
    """Return whether both formats read every value of the column."""
    n = votes[f"{name}__n"]
    return votes[f"{name}__point"] == n and votes[f"{name}__comma"] == n


def _plain(clean: pl.Expr, fmt: NumberFormat) -> pl.Expr:
    """Return a cleaned value without its sign, brackets and thousands separators."""
    return clean.str.strip_chars("+-()").str.replace_all(fmt.thousands, "", literal=True)


def parse_cents(expr: pl.Expr, fmt: NumberFormat) -> pl.Expr:
    """Return text amounts in ``fmt`` as Int64 cents, exact, half away from zero.

    Values that ``fmt`` does not read, and empty values, give null; compare with the
    input to report them.
    """
    clean = _cleaned(expr)
    parts = _plain(clean, fmt).str.split_exact(fmt.decimal, 1)
    # Thousandths as one integer text ("1234,5" → "1234500"), parsed once: the third
    # decimal alone decides the rounding, and each extra pass over the text costs as
    # much as the whole parse. More than 16 digits before the decimals overflow Int64
    # and come out null.
    fraction = parts.struct.field("field_1").fill_null("").str.pad_end(3, "0").str.slice(0, 3)
    milli = pl.concat_str(parts.struct.field("field_0"), fraction).cast(pl.Int64, strict=False)
    cents = (milli + 5) // 10
    valid = clean.str.contains(_PATTERN[fmt])
    signed = pl.when(_negative(clean)).then(-cents).otherwise(cents)
    return _named(pl.when(valid).then(signed).cast(MONEY), expr)


def parse_number(expr: pl.Expr, fmt: NumberFormat) -> pl.Expr:
    """Return text numbers in ``fmt`` as Float64 (quantities, rates); unreadable → null."""
    clean = _cleaned(expr)
    plain = _plain(clean, fmt)
    if fmt.decimal != ".":
        plain = plain.str.replace_all(fmt.decimal, ".", literal=True)
    value = plain.cast(pl.Float64, strict=False)
    valid = clean.str.contains(_PATTERN[fmt])
    signed = pl.when(_negative(clean)).then(-value).otherwise(value)
    return _named(pl.when(valid).then(signed), expr)
