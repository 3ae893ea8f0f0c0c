"""Small conversions shared by the diagnosis modules: cents to Decimal, safe ratios."""

from __future__ import annotations

from decimal import Decimal

_CENT = Decimal("0.01")


def to_decimal(cents: int | None) -> Decimal:
    """Return integer ``cents`` as a Decimal amount with two places (``None`` is zero)."""
    return (Decimal(int(cents or 0)) / 100).quantize(_CENT)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return ``numerator / denominator``, or ``None`` when the denominator is 0 or missing."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)
