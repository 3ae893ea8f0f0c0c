"""Overdue buckets: how many days past its due date an open amount is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

import polars as pl


@dataclass(frozen=True, slots=True)
class Buckets:
    """Overdue buckets given by their upper bounds, in days past the due date.

    The default, ``(0, 30, 60, 90, 180, 365)``, gives: not due, 1–30, 31–60, 61–90,
    91–180, 181–365 and more than 365 days overdue. A first bound of 0 makes the first
    bucket "not due" (due today counts as not due); a first bound above 0 makes it
    "up to N days".

    Attributes
    ----------
    bounds
        Strictly increasing, non-negative whole days; one bucket more than bounds.
    """

    bounds: tuple[int, ...] = (0, 30, 60, 90, 180, 365)

    def __post_init__(self) -> None:
        if not self.bounds:
            raise ValueError("buckets need at least one bound")
        if self.bounds[0] < 0 or any(b <= a for a, b in pairwise(self.bounds)):
            raise ValueError(f"bucket bounds must be increasing and not negative: {self.bounds}")

    def __len__(self) -> int:
        return len(self.bounds) + 1

    @property
    def keys(self) -> tuple[str, ...]:
        """Return identifiers fit for column names: ``not_due``, ``d1_30`` … ``over_365``."""
        first = "not_due" if self.bounds[0] == 0 else f"upto_{self.bounds[0]}"
        middle = tuple(f"d{lo + 1}_{hi}" for lo, hi in pairwise(self.bounds))
        return (first, *middle, f"over_{self.bounds[-1]}")

    @property
    def labels(self) -> tuple[str, ...]:
        """Return display labels: ``not due``, ``1–30`` … ``> 365``."""
        first = "not due" if self.bounds[0] == 0 else f"≤ {self.bounds[0]}"
        middle = tuple(f"{lo + 1}–{hi}" for lo, hi in pairwise(self.bounds))
        return (first, *middle, f"> {self.bounds[-1]}")

    @property
    def dtype(self) -> pl.Enum:
        """Return the ordered ``Enum`` dtype of a bucket column."""
        return pl.Enum(self.keys)

    def days_overdue(self, as_of: dt.date, due_date: str = "due_date") -> pl.Expr:
        """Return the days from ``due_date`` to ``as_of`` (negative: not due yet)."""
        return (pl.lit(as_of, pl.Date) - pl.col(due_date)).dt.total_days()

    def of(self, days: pl.Expr) -> pl.Expr:
        """Return the bucket (an ``Enum`` of :attr:`keys`) of ``days`` overdue."""
        index = pl.sum_horizontal(*((days > bound).cast(pl.UInt8) for bound in self.bounds))
        return index.replace_strict(list(range(len(self))), self.keys, return_dtype=self.dtype)


DEFAULT_BUCKETS = Buckets()
"""Not due, 1–30, 31–60, 61–90, 91–180, 181–365, > 365 days overdue."""
