"""The sales history forecasts, goals and drift alerts are built on (S3.5, S3.4).

Two choices are made here, once, for every reader of this app:

* **Complete months only.** A month still being invoiced looks like a collapse to a
  forecast and to a drift alert, so the history stops at the last month that ended on
  or before ``as_of``.
* **A salesperson's series is their portfolio.** The ``salesperson`` column is replaced
  by each client's *current* owner: a goal is set on the clients a salesperson holds
  now, and a client's history follows the client (as in
  :func:`cartera.sales.selectors.sales_frame`). A hand-over therefore moves the
  history with the book instead of ending one series in zeros (a false drift alert
  for someone who left) and starting another with no past.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, Final

import polars as pl

from cartera.common.arrow import read_frame
from cartera.sales.selectors import owner_clause, sales_frame

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

BREAKDOWNS: Final = ("salesperson", "segment", "family")
"""Columns a forecast may be broken down by."""

OWNERS_SCHEMA: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    "account_id": pl.Int64,
    "client": pl.String,
    "client_name": pl.String,
    "owner_id": pl.Int64,
    "owner": pl.String,
    "segment": pl.String,
}


def last_complete_month(as_of: dt.date) -> dt.date:
    """Return the first day of the last month that ended on or before ``as_of``."""
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return as_of.replace(day=1)
    first = as_of.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """Return the last day of ``month``'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_after(first: dt.date, last: dt.date) -> int:
    """Return how many months ``last``'s month lies after ``first``'s month."""
    return (last.year - first.year) * 12 + last.month - first.month


def owners_frame(*, user: User | AnonymousUser) -> pl.DataFrame:
    """Return the accounts ``user`` may see with their current owner and segment.

    Columns: ``account_id``, ``client`` (code), ``client_name``, ``owner_id``,
    ``owner`` (the salesperson's name; empty when nobody owns the account) and
    ``segment`` (empty as null).
    """
    sql = (
        "SELECT a.id AS account_id, a.code AS client,"
        " COALESCE(NULLIF(a.trade_name, ''), a.legal_name) AS client_name,"
        " o.id AS owner_id, o.name AS owner, NULLIF(a.segment, '') AS segment"
        " FROM clients_account a LEFT JOIN team_salesperson o ON o.id = a.owner_id"
        f" WHERE {owner_clause(user)}"
    )
    return read_frame(sql, schema=OWNERS_SCHEMA)


def portfolio_sales(
    *, user: User | AnonymousUser, through: dt.date, owners: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Return the sales lines ``user`` may see up to the end of ``through``'s month.

    The frame follows ``analytics.frames.SALES``; ``salesperson`` is the client's
    current owner (see the module docstring) and empty texts are nulls, so that they
    form the ``(unassigned)`` series.
    """
    lines = sales_frame(user=user, until=month_end(through))
    current = owners if owners is not None else owners_frame(user=user)
    return (
        lines.drop("salesperson")
        .join(
            current.select("client", pl.col("owner").alias("salesperson")),
            on="client",
            how="left",
        )
        .with_columns(
            pl.col(name).replace("", None) for name in ("salesperson", "segment", "family")
        )
        .select(lines.columns)
    )
