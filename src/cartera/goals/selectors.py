"""Reads for forecasts, goals and drift: typed results for the CLI and the web pages.

Every function here is a pure function of the database and its arguments (no "today"
inside), so a page may cache its result by (user, arguments, data version). Who sees
what follows :func:`cartera.common.scoping.visible_to` (goals) and its raw-SQL twin in
the Arrow bridge (sales): a salesperson's forecasts, goals and alerts cover only the
clients they own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import polars as pl
from django.utils.translation import gettext as _

from cartera.analytics.forecast import (
    TOTAL,
    RevenueForecast,
    decompose,
    forecast_revenue,
    monthly_revenue,
)
from cartera.analytics.forecast._calendar import shift_month
from cartera.analytics.frames import MONEY
from cartera.analytics.goals import GoalStatus, goal_status, spread_goals
from cartera.common.scoping import visible_to
from cartera.goals.bottom_up import EMPTY, BottomUp, bottom_up_view
from cartera.goals.drift import DriftReport, drift_report
from cartera.goals.history import (
    BREAKDOWNS,
    last_complete_month,
    month_end,
    months_after,
    owners_frame,
    portfolio_sales,
)
from cartera.goals.models import Goal

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

COMPANY: Final = TOTAL
"""Series id of the company in the frames of :class:`GoalTracking` (its own frame)."""

MAX_HORIZON: Final = 60


class NoHistoryError(ValueError):
    """There is no complete month of sales to learn from."""


@dataclass(frozen=True, slots=True)
class ForecastReport:
    """The revenue forecast of what a user may see, with the bottom-up view (S3.5, S3.8).

    Attributes
    ----------
    as_of
        The date asked for.
    through
        First day of the last complete month: the history ends there, the forecast
        starts the month after.
    by
        The breakdown (``"salesperson"``: each salesperson's current portfolio;
        ``"segment"``; ``"family"``) or ``None``.
    horizon
        Months forecast.
    forecast
        One series per value of ``by`` (or the total when ``by`` is ``None``): history,
        forecast with 80 % and 95 % intervals, model and backtest MASE per series,
        trend and seasonal profile.
    total
        The same for the total (the same object when ``by`` is ``None``).
    bottom_up
        Current clients' expected purchases × expected spend, plus new clients at
        the recent acquisition rate, beside ``total``'s forecast.
    """

    as_of: dt.date
    through: dt.date
    by: str | None
    horizon: int
    forecast: RevenueForecast
    total: RevenueForecast
    bottom_up: BottomUp


def _check_horizon(horizon: int) -> None:
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(
            _("The horizon must be a whole number of months from 1 to %(max)d, not %(value)r.")
            % {"max": MAX_HORIZON, "value": horizon}
        )


def _no_history(through: dt.date) -> NoHistoryError:
    return NoHistoryError(
        _("There are no sales in complete months up to %(date)s.")
        % {"date": month_end(through).isoformat()}
    )


def forecast_report(
    *,
    user: User | AnonymousUser,
    by: str | None,
    horizon: int = 12,
    as_of: dt.date,
    n_jobs: int = 1,
    bottom_up: bool = True,
) -> ForecastReport:
    """Return the monthly revenue forecast of what ``user`` may see, as of ``as_of``.

    Only complete months are used (the month of ``as_of`` counts only if ``as_of`` is
    its last day). ``n_jobs`` is the processes for the model fits: keep 1 inside the
    web server. ``bottom_up=False`` skips the customer-base models.

    Raises
    ------
    ValueError
        If ``by`` or ``horizon`` are not valid.
    NoHistoryError
        If ``user`` sees no sale in a complete month.
    """
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(
            _("The breakdown must be one of %(choices)s, not %(value)r.")
            % {"choices": ", ".join(BREAKDOWNS), "value": by}
        )
    _check_horizon(horizon)
    through = last_complete_month(as_of)
    sales = portfolio_sales(user=user, through=through)
    if sales.is_empty():
        raise _no_history(through)
    total_monthly = monthly_revenue(sales, through=through)
    total = forecast_revenue(total_monthly, horizon=horizon, n_jobs=n_jobs)
    detail = (
        total
        if by is None
        else forecast_revenue(
            monthly_revenue(sales, by=by, through=through), horizon=horizon, n_jobs=n_jobs
        )
    )
    start = shift_month(through, 1)
    view = (
        bottom_up_view(
            sales,
            through=through,
            start=start,
            horizon=horizon,
            time_series=total.forecast.select("month", "forecast_cents"),
        )
        if bottom_up
        else BottomUp(EMPTY, 0, None, _("The bottom-up view was not asked for."))
    )
    return ForecastReport(
        as_of=as_of,
        through=through,
        by=by,
        horizon=horizon,
        forecast=detail,
        total=total,
        bottom_up=view,
    )


@dataclass(frozen=True, slots=True)
class GoalTracking:
    """Goals of a year against actual revenue and the forecast (S3.5).

    Attributes
    ----------
    year, as_of
        The year tracked and the date asked for.
    through
        First day of the last complete month: actual revenue counts up to it.
    goals
        The monthly goals in force: ``scope`` (``"company"`` or ``"salesperson"``),
        ``salesperson_id``, ``series`` (the salesperson's name, or :data:`COMPANY`),
        ``month``, ``goal_cents`` and ``source``: ``"stored"`` (a monthly Goal row) or
        ``"spread"`` (the part of a yearly goal not set month by month, spread by the
        series' seasonal profile).
    company
        Company status (``None`` when no company goal is visible to the user).
    salespeople
        One series per salesperson with a goal (``None`` when there is none); a
        salesperson only sees their own.
    """

    year: int
    as_of: dt.date
    through: dt.date
    goals: pl.DataFrame
    company: GoalStatus | None
    salespeople: GoalStatus | None


GOALS_SCHEMA: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    "scope": pl.String,
    "salesperson_id": pl.Int64,
    "series": pl.String,
    "month": pl.Int8,
    "target_cents": MONEY,
}


def goals_frame(*, user: User | AnonymousUser, year: int) -> pl.DataFrame:
    """Return the Goal rows of ``year`` that ``user`` may see.

    Columns: ``scope``, ``salesperson_id``, ``series`` (salesperson name or
    :data:`COMPANY`), ``month`` (empty for the yearly goal) and ``target_cents``.
    """
    rows = visible_to(Goal.objects.filter(year=year), user).values_list(
        "salesperson_id", "salesperson__name", "month", "target"
    )
    records = [
        (
            "company" if person is None else "salesperson",
            person,
            COMPANY if person is None else name,
            month,
            int(target * 100),
        )
        for person, name, month, target in rows
    ]
    return pl.DataFrame(records, schema=GOALS_SCHEMA, orient="row")


def monthly_goals(goals: pl.DataFrame, profile: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """Return the monthly goals in force from the stored rows of one scope.

    Months stored as rows are taken as they are; what the yearly goal leaves over them
    is spread over the months without a row by ``profile`` (``series``,
    ``month_of_year``, ``seasonal_index``; a series without one is spread evenly).

    Returns ``series``, ``salesperson_id``, ``month`` (Date), ``goal_cents``, ``source``.
    """
    months = pl.DataFrame({"month_of_year": pl.int_range(1, 13, dtype=pl.Int8, eager=True)})
    stored = goals.filter(pl.col("month").is_not_null())
    yearly = goals.filter(pl.col("month").is_null())
    people = goals.select("series", "salesperson_id").unique()
    missing = (
        yearly.select("series")
        .join(months, how="cross")
        .join(
            stored.select("series", pl.col("month").alias("month_of_year")),
            on=["series", "month_of_year"],
            how="anti",
        )
    )
    left_over = yearly.join(
        stored.group_by("series").agg(pl.col("target_cents").sum().alias("_stored")),
        on="series",
        how="left",
    ).select(
        "series",
        (pl.col("target_cents") - pl.col("_stored").fill_null(0))
        .clip(lower_bound=0)
        .alias("goal_cents"),
    )
    weights = missing.join(
        profile.select("series", pl.col("month_of_year").cast(pl.Int8), "seasonal_index"),
        on=["series", "month_of_year"],
        how="left",
    ).select("series", "month_of_year", pl.col("seasonal_index").fill_null(1.0).alias("weight"))
    spread = spread_goals(
        left_over.join(weights.select("series").unique(), on="series", how="semi"),
        weights.rename({"month_of_year": "month"}),
    ).with_columns(pl.lit("spread").alias("source"))
    kept = stored.select(
        "series",
        "month",
        pl.col("target_cents").alias("goal_cents"),
        pl.lit("stored").alias("source"),
    )
    return (
        pl.concat(
            [
                kept.with_columns(pl.col("month").cast(pl.Int8)),
                spread.with_columns(pl.col("month").cast(pl.Int8)),
            ]
        )
        .join(people, on="series", how="left")
        .select(
            "series",
            "salesperson_id",
            pl.date(year, pl.col("month"), 1).alias("month"),
            pl.col("goal_cents").cast(MONEY),
            "source",
        )
        .sort("series", "month")
    )


def goal_status_for(
    *, user: User | AnonymousUser, year: int, as_of: dt.date, n_jobs: int = 1
) -> GoalTracking:
    """Return the goals of ``year`` that ``user`` may see against actual and forecast.

    Actual revenue counts complete months up to ``as_of``; the months of ``year``
    after them are forecast (to project the year end). A salesperson's actual revenue
    is that of the clients they own (see :mod:`cartera.goals.history`).
    """
    through = last_complete_month(as_of)
    stored = goals_frame(user=user, year=year)
    empty = (
        stored.clear()
        .select("scope", "salesperson_id", "series")
        .with_columns(
            pl.lit(None, pl.Date).alias("month"),
            pl.lit(None, MONEY).alias("goal_cents"),
            pl.lit(None, pl.String).alias("source"),
        )
    )
    if stored.is_empty():
        return GoalTracking(year, as_of, through, empty, None, None)
    sales = portfolio_sales(user=user, through=through)
    december = dt.date(year, 12, 1)
    horizon = months_after(through, december)
    statuses: dict[str, GoalStatus | None] = {"company": None, "salesperson": None}
    in_force: list[pl.DataFrame] = []
    for scope in ("company", "salesperson"):
        goals = stored.filter(pl.col("scope") == scope)
        if goals.is_empty():
            continue
        actual = monthly_revenue(
            sales, by=None if scope == "company" else "salesperson", through=through
        )
        actual = actual.join(goals.select("series").unique(), on="series", how="semi")
        forecast = (
            forecast_revenue(actual, horizon=horizon, n_jobs=n_jobs).forecast
            if horizon > 0 and not actual.is_empty()
            else None
        )
        monthly = monthly_goals(goals, decompose(actual).profile, year=year)
        in_force.append(monthly.with_columns(pl.lit(scope).alias("scope")))
        statuses[scope] = goal_status(
            monthly.select("series", "month", "goal_cents"),
            actual,
            as_of=min(through, december),
            forecast=forecast,
        )
    return GoalTracking(
        year=year,
        as_of=as_of,
        through=through,
        goals=pl.concat(in_force).select(empty.columns),
        company=statuses["company"],
        salespeople=statuses["salesperson"],
    )


def series_profile(*, salesperson_id: int | None, as_of: dt.date) -> tuple[float, ...]:
    """Return the twelve seasonal indices of a salesperson's portfolio (or the company's).

    Read over the whole company (the goal is set by a manager); flat (all 1) below
    two years of history.
    """
    from cartera.common.scoping import SYSTEM

    through = last_complete_month(as_of)
    owners = owners_frame(user=SYSTEM)
    sales = portfolio_sales(user=SYSTEM, through=through, owners=owners)
    if salesperson_id is not None:
        mine = owners.filter(pl.col("owner_id") == salesperson_id).select("client")
        sales = sales.join(mine, on="client", how="semi")
    if sales.is_empty():
        return (1.0,) * 12
    return decompose(monthly_revenue(sales, through=through)).indices(TOTAL)


def drift_check(
    *,
    user: User | AnonymousUser,
    as_of: dt.date,
    recent: int = 3,
    level: int = 80,
    n_jobs: int = 1,
) -> DriftReport:
    """Return the salespeople and segments below the lower prediction bound two months running.

    The last ``recent`` complete months before ``as_of`` are judged against a forecast
    fitted on the months before them; each alert lists the clients that explain the
    gap (lost, shrinking) with their balance overdue at ``as_of`` (S3.4).
    """
    from cartera.receivables.selectors import ageing_report

    through = last_complete_month(as_of)
    owners = owners_frame(user=user)
    sales = portfolio_sales(user=user, through=through, owners=owners)
    if sales.is_empty():
        return DriftReport(as_of, through, recent, level, {}, ())
    ageing = ageing_report(user=user, as_of=as_of)
    overdue = (
        ageing.table(by="client").select("client", "overdue_cents")
        if ageing.items.height
        else pl.DataFrame(schema={"client": pl.String, "overdue_cents": MONEY})
    )
    return drift_report(
        sales,
        owners,
        overdue,
        as_of=as_of,
        through=through,
        recent=recent,
        level=level,
        n_jobs=n_jobs,
    )
