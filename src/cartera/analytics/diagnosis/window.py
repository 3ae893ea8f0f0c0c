"""The analysis window: the 12 calendar months ending on ``as_of``, and the 12 before them."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import polars as pl

WINDOW_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by ``months`` calendar months, clamped to the month's last day.

    Examples
    --------
    >>> add_months(dt.date(2024, 2, 29), -12)
    datetime.date(2023, 2, 28)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_index(day: dt.date) -> int:
    """Return a running month number (``year * 12 + month - 1``)."""
    return day.year * 12 + day.month - 1


def month_index_expr(expr: pl.Expr) -> pl.Expr:
    """Return the running month number of a ``Date`` expression (see :func:`month_index`)."""
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32) - 1


@dataclass(frozen=True, slots=True)
class Window:
    """A closed range of dates, both ends included."""

    start: dt.date
    end: dt.date

    def contains(self, expr: pl.Expr) -> pl.Expr:
        """Return whether the dates of ``expr`` fall in the window."""
        return expr.is_between(pl.lit(self.start), pl.lit(self.end), closed="both")

    def __str__(self) -> str:
        return f"{self.start.isoformat()} … {self.end.isoformat()}"


def window_ending(as_of: dt.date, months: int = WINDOW_MONTHS) -> Window:
    """Return the ``months`` calendar months ending on ``as_of``.

    For 2025-12-31 that is 2025-01-01 … 2025-12-31; for 2025-06-15 it is
    2024-06-16 … 2025-06-15.
    """
    return Window(add_months(as_of, -months) + dt.timedelta(days=1), as_of)


def previous_window(window: Window, months: int = WINDOW_MONTHS) -> Window:
    """Return the ``months`` months that end the day before ``window`` starts."""
    return window_ending(window.start - dt.timedelta(days=1), months)
