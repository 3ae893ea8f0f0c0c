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
_SIGNED = r"^(?P<lead>[+-]?)\(?(?P<body>[\d.,]+)\)?(?P<trail>-?)$"
_POINT_BODY = r"^(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?$"
_COMMA_BODY = r"^(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d+)?$"
_PATTERN = {NumberFormat.DECIMAL_POINT: _POINT_BODY, NumberFormat.DECIMAL_COMMA: _COMMA_BODY}
# More digits than this before the decimals would overflow Int64 cents.
_MAX_INTEGER_DIGITS = 16


def _named(result: pl.Expr, source: pl.Expr) -> pl.Expr:
    """Return ``result`` under the name of the column it was computed from."""
    name = source.meta.output_name(raise_if_undetermined=False)
    return result.alias(name) if name else result


def _cleaned(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.replace_all(_NOISE, "")


def _negative(clean: pl.Expr) -> pl.Expr:
    """Return whether a cleaned value is negative: ``-5``, ``5-`` or ``(5)``."""
    return clean.str.starts_with("-") | clean.str.ends_with("-") | clean.str.starts_with("(")


def _body(clean: pl.Expr) -> pl.Expr:
    return clean.str.extract(_SIGNED, group_index=2)


def _well_formed(clean: pl.Expr) -> pl.Expr:
    """Return whether the sign and brackets of a cleaned value are consistent."""
    lead = clean.str.extract(_SIGNED, group_index=1)
    trail = clean.str.extract(_SIGNED, group_index=3)
    brackets = clean.str.starts_with("(") == clean.str.ends_with(")")
    one_sign = ~((lead == "-") & (trail == "-")) & ~((lead != "") & clean.str.starts_with("("))
    return brackets & one_sign & clean.str.contains(r"\d")


def format_votes(expr: pl.Expr, name: str) -> list[pl.Expr]:
    """Return aggregations counting, for one text column, the values each format reads.

    Evaluate them with ``frame.select(...)`` (several columns at once, one pass) and
    hand the row to :func:`decide_format`. The counts are ``{name}__n`` (non-empty
    values), ``{name}__point`` and ``{name}__comma`` (values each format reads).
    """
    clean = _cleaned(expr)
    body = _body(clean)
    ok = _well_formed(clean)
    present = clean.is_not_null() & (clean != "")
    return [
        present.sum().alias(f"{name}__n"),
        (present & ok & body.str.contains(_POINT_BODY)).sum().alias(f"{name}__point"),
        (present & ok & body.str.contains(_COMMA_BODY)).sum().alias(f"{name}__comma"),
        # Only a separator that could group thousands makes a column ambiguous; these
        # count the values that contain one (and only that kind).
        (present & body.str.contains(r"^\d{1,3}(\.\d{3})+$")).sum().alias(f"{name}__dots"),
        (present & body.str.contains(r"^\d{1,3}(,\d{3})+$")).sum().alias(f"{name}__commas"),
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


def _canonical(expr: pl.Expr, fmt: NumberFormat) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Return (integer digits, fraction digits, negative) of text numbers in ``fmt``."""
    clean = _cleaned(expr)
    body = _body(clean)
    valid = _well_formed(clean) & body.str.contains(_PATTERN[fmt])
    plain = body.str.replace_all(fmt.thousands, "", literal=True)
    integer = plain.str.extract(r"^(\d*)", group_index=1)
    fraction = plain.str.extract(rf"{fmt.decimal}(\d*)$".replace(".", r"\."), group_index=1)
    integer = pl.when(valid).then(integer)
    return integer, fraction.fill_null(""), _negative(clean)


def parse_cents(expr: pl.Expr, fmt: NumberFormat) -> pl.Expr:
    """Return text amounts in ``fmt`` as Int64 cents, exact, half away from zero.

    Values that ``fmt`` does not read, and empty values, give null; compare with the
    input to report them.
    """
    integer, fraction, negative = _canonical(expr, fmt)
    padded = fraction.str.pad_end(3, "0")
    too_long = integer.str.len_chars() > _MAX_INTEGER_DIGITS
    units = pl.when(integer == "").then(pl.lit("0")).otherwise(integer)
    cents = (
        units.cast(pl.Int64, strict=False) * 100
        + padded.str.slice(0, 2).cast(pl.Int64, strict=False)
        + (padded.str.slice(2, 1).cast(pl.Int64, strict=False) >= 5).cast(pl.Int64)
    )
    # A lone sign or separator has no digit: integer and fraction are both empty.
    has_digit = (integer != "") | (fraction != "")
    signed = pl.when(negative).then(-cents).otherwise(cents)
    return _named(pl.when(has_digit & ~too_long).then(signed).cast(MONEY), expr)


def parse_number(expr: pl.Expr, fmt: NumberFormat) -> pl.Expr:
    """Return text numbers in ``fmt`` as Float64 (quantities, rates); unreadable → null."""
    integer, fraction, negative = _canonical(expr, fmt)
    units = pl.when(integer == "").then(pl.lit("0")).otherwise(integer)
    text = pl.when(fraction == "").then(units).otherwise(units + "." + fraction)
    value = pl.when((integer != "") | (fraction != "")).then(text).cast(pl.Float64, strict=False)
    return _named(pl.when(negative).then(-value).otherwise(value), expr)
