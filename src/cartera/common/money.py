"""Money as Decimal at the edges and integer cents in storage and frames."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def quantize(value: Decimal | int | str) -> Decimal:
    """Return ``value`` rounded half-up to cents."""
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


def to_cents(value: Decimal | int | str) -> int:
    """Return ``value`` (currency units) as integer cents, rounded half-up."""
    return int(quantize(value) * 100)


def from_cents(cents: int) -> Decimal:
    """Return integer ``cents`` as a Decimal amount with two places."""
    return (Decimal(int(cents)) / 100).quantize(CENT)
