"""Reads of the sales team: each salesperson's portfolio figures and the hand-over plan.

Every figure is read from where it is computed once: the portfolio diagnosis broken
down by salesperson (:func:`cartera.metrics.portfolio.portfolio_diagnosis`), the credit
report (:func:`cartera.receivables.selectors.credit_report`) and the goal tracking
(:func:`cartera.goals.selectors.goal_status_for`); this module joins them by
salesperson. The hand-over plan deals a book out with
:func:`cartera.clients.services.split_by_value`, as the departure itself does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cartera.clients.models import PROSPECT_STATUSES, Account, Status
from cartera.common.scoping import sees_all, visible_to
from cartera.team.models import Salesperson

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

_PORTFOLIO = ("revenue_cents", "growth", "average_ticket_cents", "repeat_clients_share", "active",
              "lost", "attrition_rate")  # fmt: skip
_CREDIT = ("open_cents", "overdue_cents")
_GOAL = ("goal_cents", "ytd_goal_cents", "ytd_actual_cents", "attainment", "projected_cents")


@dataclass(frozen=True, slots=True)
class SalespersonRow:
    """One salesperson's portfolio, monetisation, credit, retention and goal.

    ``figures`` holds, where known: ``revenue_cents`` (window of the diagnosis),
    ``growth``, ``average_ticket_cents``, ``repeat_clients_share`` (recurrence),
    ``active``, ``lost`` and ``attrition_rate`` from the diagnosis; ``open_cents`` and
    ``overdue_cents`` from the credit report; ``goal_cents`` (the year's),
    ``ytd_goal_cents``, ``ytd_actual_cents``, ``attainment`` and ``projected_cents``
    from the goal tracking. Missing figures are ``None``.
    """

    salesperson: Salesperson
    clients: int
    prospects: int
    figures: dict[str, Any]


def salespeople_visible_to(user: User | AnonymousUser) -> QuerySet[Salesperson]:
    """Return the salespeople ``user`` sees: everyone for a manager, themselves otherwise."""
    return visible_to(Salesperson.objects.all(), user)


def salesperson_get(*, user: User | AnonymousUser, pk: int) -> Salesperson | None:
    return salespeople_visible_to(user).filter(pk=pk).first()


def _by_name(frame: pl.DataFrame | None, key: str, columns: tuple[str, ...]) -> dict[str, dict]:
    if frame is None or frame.is_empty() or key not in frame.columns:
        return {}
    present = [c for c in columns if c in frame.columns]
    return {row[key]: row for row in frame.select(key, *present).to_dicts()}


def team_rows(
    *,
    user: User | AnonymousUser,
    as_of: dt.date | None = None,
    salesperson: Salesperson | None = None,
) -> list[SalespersonRow]:
    """Return one row per salesperson ``user`` sees (only ``salesperson`` when given).

    Figures are matched by the salesperson's name, the key the analyses group by.
    """
    from cartera.goals.selectors import goal_status_for
    from cartera.metrics.portfolio import portfolio_diagnosis
    from cartera.receivables.selectors import credit_report

    day = as_of or timezone.localdate()
    people = salespeople_visible_to(user)
    if salesperson is not None:
        people = people.filter(pk=salesperson.pk)
    people = people.annotate(
        n_clients=Count("accounts", filter=Q(accounts__status=Status.CLIENT)),
        n_prospects=Count("accounts", filter=Q(accounts__status__in=PROSPECT_STATUSES)),
    ).order_by("-is_active", "name")
    diagnosis = portfolio_diagnosis(user=user)
    portfolio = _by_name(
        diagnosis.breakdowns.get("salesperson") if diagnosis else None, "salesperson", _PORTFOLIO
    )
    credit = _by_name(credit_report(user=user, as_of=day).concentration, "salesperson", _CREDIT)
    goals = goal_status_for(user=user, year=day.year, as_of=day).salespeople
    goal = _by_name(goals.summary if goals else None, "series", _GOAL)
    rows = []
    for person in people:
        figures: dict[str, Any] = dict.fromkeys((*_PORTFOLIO, *_CREDIT, *_GOAL))
        for source in (portfolio, credit, goal):
            figures |= {k: v for k, v in source.get(person.name, {}).items() if k in figures}
        rows.append(
            SalespersonRow(
                salesperson=person,
                clients=person.n_clients,  # type: ignore[attr-defined]
                prospects=person.n_prospects,  # type: ignore[attr-defined]
                figures=figures,
            )
        )
    return rows


def book_of(*, user: User | AnonymousUser, salesperson: Salesperson) -> QuerySet[Account]:
    """Return the accounts of ``salesperson`` that ``user`` sees, clients first."""
    return (
        visible_to(Account.objects.filter(owner=salesperson), user)
        .select_related("rating")
        .order_by("status", "legal_name")
    )


# --- the hand-over plan (S0.4, S1.5) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Share:
    """What one receiver gets: the accounts and their value (rating revenue, cents)."""

    receiver: Salesperson
    accounts: tuple[Account, ...]
    value_cents: int


@dataclass(frozen=True, slots=True)
class HandoverPlan:
    salesperson: Salesperson
    leaving: bool
    filters: dict[str, str]
    shares: tuple[Share, ...]

    @property
    def accounts(self) -> int:
        return sum(len(share.accounts) for share in self.shares)

    @property
    def value_cents(self) -> int:
        return sum(share.value_cents for share in self.shares)

    def moves(self) -> list[tuple[int, int]]:
        """Return the plan as ``(account id, receiver id)`` pairs."""
        return [(a.pk, s.receiver.pk) for s in self.shares for a in s.accounts]


def handover_plan(
    *,
    salesperson: Salesperson,
    receivers: list[Salesperson],
    filters: dict[str, str],
    leaving: bool = False,
) -> HandoverPlan:
    """Return who would get which of ``salesperson``'s accounts, dealt out by value.

    The whole book when ``leaving`` (a departure leaves no client behind), else the
    accounts matching ``filters`` (see :func:`cartera.clients.services.handover_queryset`).
    Several receivers share them by value as :func:`salesperson_leave` does, so the
    preview is what the confirmation will do.
    """
    # The departure deals out this very frame; reading it here keeps the preview exact.
    from cartera.clients.services import _book_by_value, handover_queryset, split_by_value

    book = _book_by_value(salesperson)
    if not leaving:
        chosen = handover_queryset(owner=salesperson, filters=filters).values_list("pk", flat=True)
        book = book.filter(pl.col("account_id").is_in(list(chosen)))
    dealt = split_by_value(book, len(receivers)) if receivers else book.clear()
    accounts = Account.objects.in_bulk(dealt["account_id"].to_list())
    shares = []
    for index, receiver in enumerate(receivers):
        mine = dealt.filter(pl.col("receiver") == index)
        shares.append(
            Share(
                receiver=receiver,
                accounts=tuple(accounts[pk] for pk in mine["account_id"].to_list()),
                value_cents=int(mine["value"].sum() or 0),
            )
        )
    return HandoverPlan(salesperson, leaving, {} if leaving else dict(filters), tuple(shares))


def handover_suggestion(*, user: User | AnonymousUser, salesperson: Salesperson) -> pl.DataFrame:
    """Return the proposal for ``salesperson``'s best clients (S3.12), empty if none.

    Columns of :func:`cartera.ratings.selectors.handover_suggestions` for the clients
    this salesperson holds today.
    """
    from cartera.ratings.selectors import handover_suggestions

    if not sees_all(user):
        return pl.DataFrame()
    proposal = handover_suggestions(user)
    if proposal.is_empty():
        return proposal
    return proposal.filter(pl.col("current") == salesperson.name)
