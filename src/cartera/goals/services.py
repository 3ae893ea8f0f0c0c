"""Writes of goals and of the corrective plan: proposals, edits, drift activities (S3.5, S3.4).

Only administrators and managers set goals and plan calls or visits for another
salesperson's clients; a salesperson may turn an alert on their own portfolio into
activities for their own clients.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.activities.models import Activity, ActivityKind
from cartera.activities.services import activity_log
from cartera.analytics.forecast import (
    TOTAL,
    RevenueForecast,
    forecast_revenue,
    monthly_revenue,
)
from cartera.analytics.forecast.drift import LOST
from cartera.analytics.goals import GoalProposal, Spread, propose_goals, spread_goal
from cartera.audit.services import record_bulk
from cartera.clients.models import Account
from cartera.common.bulk import bulk_insert
from cartera.common.money import from_cents, quantize
from cartera.common.scoping import sees_all, visible_to
from cartera.common.services import field_error, validated_save
from cartera.goals.drift import DriftAlert
from cartera.goals.history import last_complete_month, months_after, portfolio_sales
from cartera.goals.models import Goal
from cartera.goals.selectors import NoHistoryError, series_profile
from cartera.team.models import Salesperson

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

GoalSpread = Literal["keep", "profile", "even"]

VISIT_WITHIN: Final = dt.timedelta(days=7)
CALL_WITHIN: Final = dt.timedelta(days=2)
SUMMARY_LENGTH: Final = 300


def _require_manager(user: User | AnonymousUser, message: str) -> None:
    if not sees_all(user):
        raise PermissionDenied(message)


@dataclass(frozen=True, slots=True)
class GoalsProposal:
    """Next year's proposed goals for the company and each salesperson (S3.5).

    Attributes
    ----------
    year, growth, spread
        As asked.
    as_of, through
        The date asked for and the first day of the last complete month the forecast
        learnt from.
    company
        The company's proposal (series :data:`~cartera.analytics.forecast.TOTAL`).
    salespeople
        One series per active salesperson's portfolio (their name).
    salesperson_ids
        Salesperson name → id, for the series of ``salespeople``.
    skipped
        Series forecast but not proposed: clients without an owner, inactive people.
    company_forecast, salespeople_forecast
        The forecasts the goals come from (model and MASE per series).
    """

    year: int
    growth: Decimal
    spread: Spread
    as_of: dt.date
    through: dt.date
    company: GoalProposal
    salespeople: GoalProposal
    salesperson_ids: dict[str, int]
    skipped: tuple[str, ...]
    company_forecast: RevenueForecast
    salespeople_forecast: RevenueForecast


def goals_propose(
    *,
    year: int,
    growth: Decimal | str | float,
    acting_user: User | AnonymousUser,
    by: str = "salesperson",
    as_of: dt.date | None = None,
    spread: Spread = "profile",
    n_jobs: int = 1,
) -> GoalsProposal:
    """Return next year's goals: the forecast of the year plus ``growth``, spread by season.

    Nothing is stored: show the proposal, then store it with :func:`goals_accept`.
    Months of ``year`` already closed at ``as_of`` count with their actual revenue.

    Raises
    ------
    PermissionDenied
        If ``acting_user`` is not a manager or administrator.
    ValueError
        If ``by``, ``year`` or ``growth`` are not valid, or there is no history.
    """
    _require_manager(acting_user, _("Only a manager or an administrator sets goals."))
    if by != "salesperson":
        raise ValueError(
            _("Goals are set per salesperson (and for the company), not by %(by)r.") % {"by": by}
        )
    day = as_of or timezone.localdate()
    through = last_complete_month(day)
    if year < through.year:
        raise ValueError(
            _("%(year)d is over; propose goals for %(next)d or later.")
            % {"year": year, "next": through.year}
        )
    horizon = months_after(through, dt.date(year, 12, 1))
    if horizon < 1:
        raise ValueError(_("Every month of %(year)d is closed already.") % {"year": year})
    sales = portfolio_sales(user=acting_user, through=through)
    if sales.is_empty():
        raise NoHistoryError(_("There are no sales in complete months to learn from."))
    company_forecast = forecast_revenue(
        monthly_revenue(sales, through=through), horizon=horizon, n_jobs=n_jobs
    )
    people_forecast = forecast_revenue(
        monthly_revenue(sales, by="salesperson", through=through), horizon=horizon, n_jobs=n_jobs
    )
    company = propose_goals(company_forecast, year=year, growth=growth, spread=spread)
    everyone = propose_goals(people_forecast, year=year, growth=growth, spread=spread)
    active = dict(
        Salesperson.objects.filter(
            is_active=True, name__in=everyone.annual["series"].to_list()
        ).values_list("name", "pk")
    )
    keep = pl.col("series").is_in(list(active))
    people = dataclasses.replace(
        everyone, annual=everyone.annual.filter(keep), monthly=everyone.monthly.filter(keep)
    )
    skipped = tuple(everyone.annual.filter(~keep)["series"].to_list())
    return GoalsProposal(
        year=year,
        growth=company.growth,
        spread=spread,
        as_of=day,
        through=through,
        company=company,
        salespeople=people,
        salesperson_ids=active,
        skipped=skipped,
        company_forecast=company_forecast,
        salespeople_forecast=people_forecast,
    )


def _goal_rows(proposal: GoalProposal, ids: dict[str, int | None], year: int) -> pl.DataFrame:
    ids_frame = pl.DataFrame(
        {"series": list(ids), "salesperson_id": list(ids.values())},
        schema={"series": pl.String, "salesperson_id": pl.Int64},
    )
    monthly = proposal.monthly.select(
        "series",
        pl.col("month").dt.month().cast(pl.Int64).alias("month"),
        pl.col("goal_cents").alias("target"),
    )
    yearly = (
        monthly.group_by("series")
        .agg(pl.col("target").sum())
        .with_columns(pl.lit(None, pl.Int64).alias("month"))
    )
    return (
        pl.concat([yearly.select(monthly.columns), monthly])
        .join(ids_frame, on="series")
        .select(
            "salesperson_id",
            pl.lit(year, pl.Int64).alias("year"),
            "month",
            pl.col("target").clip(lower_bound=0),
        )
    )


@transaction.atomic
def goals_accept(*, proposal: GoalsProposal, acting_user: User | AnonymousUser) -> int:
    """Store a proposal as Goal rows: the yearly goal and its twelve months, per series.

    The company and every salesperson of the proposal get a yearly row (the sum of
    the months) and twelve monthly rows, replacing what they had for that year; the
    rows stay editable with :func:`goal_set`. Return the number of rows written.

    Raises
    ------
    PermissionDenied
        If ``acting_user`` is not a manager or administrator.
    """
    _require_manager(acting_user, _("Only a manager or an administrator sets goals."))
    rows = pl.concat(
        [
            _goal_rows(proposal.company, {TOTAL: None}, proposal.year),
            _goal_rows(proposal.salespeople, dict(proposal.salesperson_ids), proposal.year),
        ]
    )
    people = list(proposal.salesperson_ids.values())
    Goal.objects.filter(year=proposal.year, salesperson__isnull=True).delete()
    Goal.objects.filter(year=proposal.year, salesperson_id__in=people).delete()
    now = timezone.now()
    written = bulk_insert(
        Goal,
        rows.with_columns(
            pl.lit(now, pl.Datetime("us", "UTC")).alias("created_at"),
            pl.lit(now, pl.Datetime("us", "UTC")).alias("updated_at"),
        ),
    )
    # A bulk write sends no signal: the audit trail gets one event for the whole year.
    record_bulk(
        action="goals_accept",
        model=Goal,
        count=written,
        user=acting_user,
        detail=f"{proposal.year}: growth {proposal.growth}, spread {proposal.spread}, "
        f"{len(people)} salespeople and the company",
    )
    return written


def _upsert(salesperson: Salesperson | None, year: int, month: int | None, target: Decimal) -> Goal:
    goal = Goal.objects.filter(salesperson=salesperson, year=year, month=month).first() or Goal(
        salesperson=salesperson, year=year, month=month
    )
    goal.target = target
    validated_save(goal)
    return goal


@transaction.atomic
def goal_set(
    *,
    acting_user: User | AnonymousUser,
    year: int,
    target: Decimal | str | int,
    salesperson: Salesperson | None = None,
    month: int | None = None,
    spread: GoalSpread = "keep",
    as_of: dt.date | None = None,
) -> Goal:
    """Set a yearly or monthly goal of a salesperson (``None``: the company) and keep it whole.

    * A **month**: that month's target; when the twelve months are stored, the yearly
      goal becomes their sum.
    * The **year**: the yearly target, and its months are spread again —
      ``"keep"`` in proportion to the months already stored (by the seasonal profile
      when there are none), ``"profile"`` by the seasonal profile of the portfolio's
      history up to ``as_of`` (S3.5: not evenly), ``"even"`` equally. The months add
      up to the year to the cent.

    Raises
    ------
    PermissionDenied
        If ``acting_user`` is not a manager or administrator.
    ValidationError
        If the target is negative or the month is not 1 – 12.
    """
    _require_manager(acting_user, _("Only a manager or an administrator sets goals."))
    amount = quantize(Decimal(str(target)))
    if amount < 0:
        raise field_error("target", _("A goal cannot be negative."), code="negative")
    if month is not None and not 1 <= month <= 12:
        raise field_error("month", _("The month must be from 1 to 12."), code="month")
    if spread not in ("keep", "profile", "even"):
        raise field_error("spread", _("Spread must be keep, profile or even."), code="spread")
    if month is not None:
        goal = _upsert(salesperson, year, month, amount)
        months = Goal.objects.filter(salesperson=salesperson, year=year, month__isnull=False)
        if months.count() == 12:
            _upsert(salesperson, year, None, sum((g.target for g in months), Decimal(0)))
        return goal
    goal = _upsert(salesperson, year, None, amount)
    stored = dict(
        Goal.objects.filter(salesperson=salesperson, year=year, month__isnull=False).values_list(
            "month", "target"
        )
    )
    weights: Sequence[float]
    if spread == "even":
        weights = [1.0] * 12
    elif spread == "keep" and len(stored) == 12 and sum(stored.values()) > 0:
        weights = [float(stored[m]) for m in range(1, 13)]
    else:
        weights = series_profile(
            salesperson_id=None if salesperson is None else salesperson.pk,
            as_of=as_of or timezone.localdate(),
        )
    for number, part in enumerate(spread_goal(amount, weights), start=1):
        _upsert(salesperson, year, number, part)
    return goal


def _amount(cents: int | None) -> str:
    return f"{from_cents(cents or 0):,.2f}"


def _kind(status: str) -> str:
    # A lost client is won back face to face; a shrinking or overdue one starts with a call.
    return ActivityKind.VISIT if status == LOST else ActivityKind.CALL


def _why(alert: DriftAlert, row: dict[str, Any]) -> str:
    period = f"{alert.start:%Y-%m}" + (f" – {alert.end:%Y-%m}" if alert.end != alert.start else "")
    header = _("Drift %(series)s %(period)s: %(gap)s below forecast.") % {
        "series": alert.series,
        "period": period,
        "gap": _amount(int(alert.gap * 100)),
    }
    status = str(row["status"])
    figures = {
        "expected": _amount(row["expected_cents"]),
        "bought": _amount(row["revenue_cents"]),
        "last": row["last_purchase"] or "—",
        "overdue": _amount(row["overdue_cents"]),
    }
    reason = {
        "lost": _("Lost: bought nothing (expected %(expected)s); last purchase %(last)s."),
        "shrinking": _("Shrinking: bought %(bought)s of an expected %(expected)s."),
    }.get(status, _("Bought %(bought)s of an expected %(expected)s."))
    text = f"{header} {reason % figures}"
    if row["overdue_cents"]:
        text += " " + _("Overdue %(overdue)s.") % figures
    return text[:SUMMARY_LENGTH]


@transaction.atomic
def drift_actions_create(
    *,
    alert: DriftAlert,
    acting_user: User | AnonymousUser,
    clients: Sequence[str] | None = None,
    on: dt.date | None = None,
) -> list[Activity]:
    """Turn a drift alert into calls and visits for the owners of the clients behind it (S3.4).

    Each client (default: the alert's :attr:`~DriftAlert.suggested` ones) gets an
    activity for its owner dated ``on`` (default today): a visit for a lost client, a
    call otherwise, with ``next_action_on`` a week (visit) or two days (call) later and
    a summary that says why. A client that already has a planned activity of that kind
    that day is skipped, so a client behind both a salesperson's and a segment's alert,
    or a check run twice, gets one. Return the activities created.

    Raises
    ------
    PermissionDenied
        If ``acting_user`` is a salesperson and a client is not theirs.
    ValidationError
        If a client is not among the alert's clients.
    """
    day = on or timezone.localdate()
    wanted = (
        alert.suggested
        if clients is None
        else alert.clients.filter(pl.col("client").is_in(list(clients)))
    )
    if clients is not None:
        unknown = sorted(set(clients) - set(wanted["client"].to_list()))
        if unknown:
            raise field_error(
                "clients",
                _("Not among the clients of this alert: %(codes)s.")
                % {"codes": ", ".join(unknown)},
                code="unknown_client",
            )
    accounts = {
        a.code: a
        for a in visible_to(Account.objects.select_related("owner"), acting_user).filter(
            code__in=wanted["client"].to_list()
        )
    }
    # visible_to leaves a salesperson only their own accounts: anyone else's is foreign.
    foreign = [code for code in wanted["client"].to_list() if code not in accounts]
    if foreign and sees_all(acting_user):
        raise field_error(
            "clients",
            _("These clients no longer exist: %(codes)s.") % {"codes": ", ".join(foreign)},
            code="missing_client",
        )
    if foreign:
        raise PermissionDenied(
            _("Only a manager plans actions for another salesperson's clients: %(codes)s.")
            % {"codes": ", ".join(foreign)}
        )
    created: list[Activity] = []
    for row in wanted.iter_rows(named=True):
        account = accounts[row["client"]]
        kind = _kind(row["status"])
        summary = _why(alert, row)
        # One planned call or visit per client and day, whichever alert (salesperson or
        # segment) asked for it, and however often the check runs.
        planned = Activity.objects.filter(
            account=account, date=day, kind=kind, next_action_on__isnull=False
        )
        if planned.exists():
            continue
        created.append(
            activity_log(
                account=account,
                kind=kind,
                date=day,
                summary=summary,
                next_action_on=day + (VISIT_WITHIN if kind == ActivityKind.VISIT else CALL_WITHIN),
                next_action=(
                    _("Visit to win the client back.")
                    if kind == ActivityKind.VISIT
                    else _("Call about the drop in purchases.")
                ),
            )
        )
    return created
