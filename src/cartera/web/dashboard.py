"""The dashboard's receivables and goals figures, cached per scope and data version.

The ageing reads and matches the whole ledger the user sees; at a million clients that
is seconds, so, as in :mod:`cartera.metrics.portfolio`, the dashboard keeps a small
summary of it under a key carrying the data versions (and the provision policy's own
fingerprint, which has no counter): a committed sale, payment or hand-over makes the
next read recompute, and a warm dashboard never runs the ageing. The goals come from
:func:`cartera.goals.reports.goal_tracking`, the goals page's own cached read, kept
under the same versions and the goals' fingerprint so that both share one read of the
counters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from django.db import connection

from cartera.common.dataversion import Topic, data_versions
from cartera.common.scoping import sees_all
from cartera.goals import reports as goal_reports
from cartera.metrics.portfolio import cached, user_cache_key
from cartera.receivables.models import ProvisionOverride, ProvisionPolicy
from cartera.receivables.selectors import overdue_clients, provisioned_ageing

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.analytics.receivables import Buckets
    from cartera.users.models import User

TOP_OVERDUE: Final = 5
"""Clients named under the dashboard's ageing, most overdue first."""
# A hand-over moves clients between books, so ACCOUNTS is in the keys too.
_TOPICS: Final = (Topic.SALES, Topic.PAYMENTS, Topic.ACCOUNTS)


@dataclass(frozen=True, slots=True)
class BucketLine:
    """One overdue bucket: what is open in it and what it provisions."""

    key: str
    amount: Decimal
    invoices: int
    provision: Decimal


@dataclass(frozen=True, slots=True)
class ReceivablesSummary:
    """What the dashboard shows of the ageing and the provision at a date (S1.8, S1.11).

    ``top`` holds the most overdue clients' rows of :meth:`Ageing.table` (``client``,
    ``overdue_cents``, ``open_cents``, ``oldest_days_overdue``).
    """

    as_of: dt.date
    buckets: Buckets
    total_open: Decimal
    total_overdue: Decimal
    provision: Decimal
    overridden: Decimal
    lines: tuple[BucketLine, ...]
    overdue_clients: int
    top: tuple[dict[str, Any], ...]


def _policy_fingerprint() -> tuple[str, ...]:
    # The policy is edited in the admin and by a service that bumps no counter; one
    # query reads when it and its overrides last changed.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT updated_at FROM {ProvisionPolicy._meta.db_table} WHERE id = 1),"
            f" COUNT(*), MAX(updated_at) FROM {ProvisionOverride._meta.db_table}"
        )
        row = cursor.fetchone()
    # SQLite answers text with a space, PostgreSQL datetimes; a key wants neither space.
    return tuple(str(value).replace(" ", "T") for value in row)


def _summarise(user: User | AnonymousUser, as_of: dt.date) -> ReceivablesSummary:
    aged, provision = provisioned_ageing(user=user, as_of=as_of)
    overdue = overdue_clients(aged)
    return ReceivablesSummary(
        as_of=as_of,
        buckets=aged.buckets,
        total_open=aged.total_open,
        total_overdue=aged.total_overdue,
        provision=provision.total,
        overridden=provision.overridden,
        lines=tuple(
            BucketLine(total.key, total.amount, total.invoices, bucket.amount)
            for total, bucket in zip(aged.totals, provision.by_bucket, strict=True)
        ),
        overdue_clients=overdue.height,
        top=tuple(
            overdue.head(TOP_OVERDUE)
            .select("client", "overdue_cents", "open_cents", "oldest_days_overdue")
            .to_dicts()
        ),
    )


@dataclass(frozen=True, slots=True)
class MonthLine:
    """One month of the headline goal: goal, actual (closed months) and forecast, in cents."""

    month: dt.date
    goal_cents: int | None
    actual_cents: int | None
    forecast_cents: int | None

    @property
    def attainment(self) -> float | None:
        """Return actual over goal (``None``: month not closed or no goal)."""
        if self.actual_cents is None or not self.goal_cents:
            return None
        return self.actual_cents / self.goal_cents


@dataclass(frozen=True, slots=True)
class GoalSummary:
    """The year's goal the dashboard leads with, its months, and (managers) each person's.

    ``headline`` is the company's row for a manager and the salesperson's own for a
    salesperson; ``month`` the last closed month of the year (``None`` before the first
    one closes); ``others`` the salespeople's rows a manager sees beside the company's.
    """

    year: int
    headline: goal_reports.GoalRow | None
    months: tuple[MonthLine, ...]
    month: MonthLine | None
    others: tuple[goal_reports.GoalRow, ...]


def _goals(user: User | AnonymousUser, year: int, as_of: dt.date) -> GoalSummary:
    tracking = goal_reports.goal_tracking(user=user, year=year, as_of=as_of)
    rows = goal_reports.goal_rows(tracking)
    manager = sees_all(user)
    headline = next((r for r in rows if r.is_company == manager), None)
    others = tuple(r for r in rows if not r.is_company) if manager else ()
    if headline is None:
        return GoalSummary(year, None, (), None, others)
    status = tracking.company if headline.is_company else tracking.salespeople
    assert status is not None  # a row exists only for a status
    # The company's row is named TOTAL, like its series; a salesperson's by their name.
    monthly = status.monthly.filter(pl.col("series") == headline.series).sort("month")
    months = tuple(
        MonthLine(r["month"], r["goal_cents"], r["actual_cents"], r["forecast_cents"])
        for r in monthly.iter_rows(named=True)
    )
    closed = [m for m in months if m.actual_cents is not None]
    return GoalSummary(year, headline, months, closed[-1] if closed else None, others)


def dashboard_figures(
    *, user: User | AnonymousUser, as_of: dt.date
) -> tuple[ReceivablesSummary, GoalSummary]:
    """Return the receivables at ``as_of`` and the goals of its year that ``user`` sees.

    The receivables are those of the receivables page (the same selectors and policy),
    the goals those of the goals page (its cached tracking). The data versions are
    read once for both: a warm dashboard costs three small queries here.
    """
    versions = data_versions(*_TOPICS)
    owed = cached(
        user_cache_key(
            "dashboard-receivables", user, as_of.isoformat(), *versions, *_policy_fingerprint()
        ),
        lambda: _summarise(user, as_of),
    )
    year = as_of.year
    goals = cached(
        user_cache_key(
            "dashboard-goals",
            user,
            year,
            as_of.isoformat(),
            *versions,
            *goal_reports.goals_fingerprint(user, year),
        ),
        lambda: _goals(user, year, as_of),
    )
    return owed, goals
