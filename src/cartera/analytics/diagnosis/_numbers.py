"""Small conversions shared by the diagnosis modules: cents to Decimal, safe ratios."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

_CENT = Decimal("0.01")


def to_decimal(cents: int | None) -> Decimal:
    """Return integer ``cents`` as a Decimal amount with two places (``None`` is zero)."""
    return (Decimal(int(cents or 0)) / 100).quantize(_CENT)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return ``numerator / denominator``, or ``None`` when the denominator is 0 or missing."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def below_share(part: pl.Expr, total: pl.Expr | int, share: float) -> pl.Expr:
    """Return whether ``part / total < share``, decided exactly on integers.

    Polars divides by a broadcast scalar through its reciprocal (200000 / 250000 gives
    0.7999999999999999), which would move a client sitting exactly on a threshold
    into the wrong class; cross-multiplying in Int128 cannot.
    """
    fraction = Fraction(str(share)).limit_denominator(1_000_000)
    left = part.cast(pl.Int128) * fraction.denominator
    right = (total if isinstance(total, pl.Expr) else pl.lit(total)).cast(pl.Int128)
    return left < right * fraction.numerator
