"""The forecast and goals page's reads, cached per scope, arguments and data version.

Fitting and backtesting the forecast models takes seconds; the page calls these instead
of :mod:`cartera.goals.selectors` so that a warm page only reads the cache. As in
:mod:`cartera.metrics.portfolio`, the data-version counters are part of every key: a
committed sale, payment or hand-over makes the next read recompute. Goals have no
counter, so the goals' own fingerprint (rows and latest change) is in their key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy

from cartera.analytics.forecast import TOTAL, RevenueForecast
from cartera.common.dataversion import Topic, data_versions
from cartera.common.scoping import sees_all, visible_to
from cartera.goals.drift import DriftReport
from cartera.goals.models import Goal
from cartera.goals.selectors import (
    ForecastReport,
    GoalTracking,
    NoHistoryError,
    drift_check,
    forecast_report,
    goal_status_for,
)
from cartera.metrics.portfolio import cached, user_cache_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

HORIZON: Final = 12
_FORECAST_TOPICS: Final = (Topic.SALES, Topic.ACCOUNTS)
# The drift alerts list each client's overdue balance: payments count too.
_DRIFT_TOPICS: Final = (Topic.SALES, Topic.ACCOUNTS, Topic.PAYMENTS)


# The forecasting library's model names, as a sales team reads them.
MODEL_LABELS: Final = {
    "AutoETS": gettext_lazy("Exponential smoothing"),
    "AirlineARIMA": gettext_lazy("Seasonal ARIMA"),
    "AutoARIMA": gettext_lazy("Seasonal ARIMA"),
    "AutoTheta": gettext_lazy("Theta method"),
    "SeasonalNaive": gettext_lazy("Same month last year"),
    "Naive": gettext_lazy("Last month repeated"),
    "Mean": gettext_lazy("Average month"),
}


def revenue_forecast(*, user: User | AnonymousUser, as_of: dt.date) -> ForecastReport | None:
    """Return the next :data:`HORIZON` months' forecast of what ``user`` sees, or ``None``.

    A manager's is broken down by salesperson (each one's current portfolio) beside the
    company's total; a salesperson's is their own portfolio. ``None``: no sale in a
    complete month yet. The bottom-up view is left to the CLI (it fits the value models).
    """

    def compute() -> ForecastReport | None:
        try:
            return forecast_report(
                user=user,
                by="salesperson" if sees_all(user) else None,
                horizon=HORIZON,
                as_of=as_of,
                bottom_up=False,
            )
        except NoHistoryError:
            return None

    versions = data_versions(*_FORECAST_TOPICS)
    return cached(user_cache_key("forecast", user, as_of.isoformat(), *versions), compute)


def goals_fingerprint(user: User | AnonymousUser, year: int) -> tuple[Any, ...]:
    figures = visible_to(Goal.objects.filter(year=year), user).aggregate(
        rows=Count("id"), changed=Max("updated_at")
    )
    changed = figures["changed"]
    return figures["rows"], changed.isoformat() if changed else "-"


def goal_tracking(*, user: User | AnonymousUser, year: int, as_of: dt.date) -> GoalTracking:
    """Return :func:`~cartera.goals.selectors.goal_status_for`, cached per goals and sales state."""
    versions = data_versions(*_FORECAST_TOPICS)
    key = user_cache_key(
        "goal-status", user, year, as_of.isoformat(), *versions, *goals_fingerprint(user, year)
    )
    return cached(key, lambda: goal_status_for(user=user, year=year, as_of=as_of))


def drift_warnings(*, user: User | AnonymousUser, as_of: dt.date) -> DriftReport:
    """Return :func:`~cartera.goals.selectors.drift_check` of ``user``'s scope, cached."""
    versions = data_versions(*_DRIFT_TOPICS)
    return cached(
        user_cache_key("drift", user, as_of.isoformat(), *versions),
        lambda: drift_check(user=user, as_of=as_of),
    )


@dataclass(frozen=True, slots=True)
class GoalRow:
    """One series' goal for the year against actual and projected revenue (amounts in cents)."""

    series: str
    salesperson_id: int | None
    goal_cents: int
    ytd_goal_cents: int
    ytd_actual_cents: int
    ytd_gap_cents: int | None
    attainment: float | None
    projected_cents: int | None
    projected_gap_cents: int | None

    @property
    def is_company(self) -> bool:
        """Return whether the row is the company's goal."""
        return self.series == TOTAL and self.salesperson_id is None

    @property
    def on_track(self) -> bool | None:
        """Return whether the year should end at or above the goal (``None``: unknown)."""
        if self.projected_gap_cents is not None:
            return self.projected_gap_cents >= 0
        if self.ytd_gap_cents is not None:
            return self.ytd_gap_cents >= 0
        return None


def goal_rows(tracking: GoalTracking) -> list[GoalRow]:
    """Return the company's row first, then each salesperson's, from ``tracking``."""
    ids = dict(
        tracking.goals.filter(pl.col("scope") == "salesperson")
        .select("series", "salesperson_id")
        .unique()
        .iter_rows()
    )
    rows: list[GoalRow] = []
    for status, company in ((tracking.company, True), (tracking.salespeople, False)):
        if status is None:
            continue
        for row in status.summary.sort("series").iter_rows(named=True):
            rows.append(
                GoalRow(
                    series=row["series"],
                    salesperson_id=None if company else ids.get(row["series"]),
                    goal_cents=int(row["goal_cents"] or 0),
                    ytd_goal_cents=int(row["ytd_goal_cents"] or 0),
                    ytd_actual_cents=int(row["ytd_actual_cents"] or 0),
                    ytd_gap_cents=row["ytd_gap_cents"],
                    attainment=row["attainment"],
                    projected_cents=row["projected_cents"],
                    projected_gap_cents=row["projected_gap_cents"],
                )
            )
    return rows


def series_rows(result: RevenueForecast) -> list[dict[str, Any]]:
    """Return per series: months of history, tier, model, MASE, the next months' total and
    the last twelve months', largest forecast first (the CLI's table)."""
    from cartera.reporting.forecast_html import models_table

    return [
        {**row, "model_label": MODEL_LABELS.get(str(row["model"]), str(row["model"]))}
        for row in models_table(result).to_dicts()
    ]
