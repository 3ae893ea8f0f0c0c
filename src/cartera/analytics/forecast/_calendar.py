"""Month arithmetic shared by the forecast modules (months are their first day)."""

from __future__ import annotations

import datetime as dt

import polars as pl


def month_start(day: dt.date) -> dt.date:
    """Return the first day of ``day``'s month."""
    return day.replace(day=1)


def shift_month(month: dt.date, months: int) -> dt.date:
    """Return the first day of the month ``months`` after ``month`` (negative: before)."""
    year, index = divmod(month.year * 12 + month.month - 1 + months, 12)
    return dt.date(year, index + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    """Return how many months ``last``'s month lies after ``first``'s month."""
    return (last.year - first.year) * 12 + last.month - first.month


def month_number(column: str = "month") -> pl.Expr:
    """Return a running month count (year × 12 + month) for differences between months."""
    return pl.col(column).dt.year().cast(pl.Int64) * 12 + pl.col(column).dt.month().cast(pl.Int64)
