"""Cents to :class:`~decimal.Decimal` at the edge of a typed result, and exact percentages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import polars as pl

CENT: Final = Decimal("0.01")


def decimal(cents: int | None) -> Decimal:
    """Return integer ``cents`` as a currency amount with two places (``None`` as zero)."""
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def basis_points(percent: Decimal | int | str) -> int:
    """Return ``percent`` in hundredths of a percent, refusing finer precision.

    Raises
    ------
    ValueError
        When ``percent`` is outside 0–100 or has more than two decimal places.
    """
    value = Decimal(str(percent))
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"a percentage must be between 0 and 100: {percent}")
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"a percentage may have at most two decimal places: {percent}")
    return int(scaled)


def share_of(cents: pl.Expr, basis_points: pl.Expr) -> pl.Expr:
    """Return ``cents × basis_points / 10 000`` rounded half up, exactly, in Int64 cents."""
    # Integer arithmetic: a float product would turn 0.5 cent into 0.49999… now and then.
    return (cents * basis_points + 5_000).floordiv(10_000)


def to_money(value: Decimal) -> Decimal:
    """Return ``value`` rounded half up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
