"""The pipeline as a board: open prospects by stage with their checklist (S0.5, S0.6).

A read for the prospects page. The qualification comes from
:func:`cartera.prospecting.selectors.qualification_for`; this module only lays it out
per stage with the days each prospect has stood where it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Max
from django.utils import timezone

from cartera.clients.models import PROSPECT_STATUSES, Account
from cartera.common.scoping import visible_to
from cartera.prospecting.models import OPEN_STAGES, PipelineStage
from cartera.prospecting.selectors import qualification_checklist, qualification_for
from cartera.ratings.inputs import ACCOUNT_SCHEMA

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.analytics.profile import Condition
    from cartera.users.models import User

MET, FAILED, UNKNOWN = "met", "failed", "unknown"


@dataclass(frozen=True, slots=True)
class Mark:
    """One checklist item for one prospect: met, failed or still unknown."""

    key: str
    label: str
    state: str
    tickable: bool


@dataclass(frozen=True, slots=True)
class Card:
    account: Account
    days_in_stage: int
    fit: int | None
    qualified: bool | None
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class Column:
    stage: str
    label: str
    cards: tuple[Card, ...]


def tickable(condition: Condition) -> bool:
    """Return whether a salesperson answers ``condition`` by hand (a yes/no of their own).

    Only a custom yes/no attribute ("needs confirmed in a conversation"); a fit score or
    a field of the account is what it is.
    """
    return condition.op == "true" and condition.attribute not in ACCOUNT_SCHEMA


def _marks(checklist: list[Condition], row: dict[str, Any] | None) -> tuple[Mark, ...]:
    failed = set(row["failed"]) if row else set()
    unknown = set(row["unknown"]) if row else {c.key for c in checklist}
    return tuple(
        Mark(
            key=c.key,
            label=c.label or c.key,
            state=FAILED if c.key in failed else UNKNOWN if c.key in unknown else MET,
            tickable=tickable(c),
        )
        for c in checklist
    )


def pipeline_board(*, user: User | AnonymousUser, today: dt.date | None = None) -> list[Column]:
    """Return one column per open stage with the prospects ``user`` sees, longest waiting first.

    A prospect without a stage yet (created outside the pipeline) stands in "new".
    """
    day = today or timezone.localdate()
    accounts = (
        visible_to(Account.objects.filter(status__in=PROSPECT_STATUSES), user)
        .exclude(pipeline_stage__in=(PipelineStage.WON, PipelineStage.LOST))
        .select_related("owner")
        .annotate(stage_since=Max("stage_changes__date"))
        .order_by("pk")
    )
    checklist = qualification_checklist()
    checked = {row["code"]: row for row in qualification_for(user).to_dicts()}
    cards: dict[str, list[Card]] = {stage: [] for stage in OPEN_STAGES}
    for account in accounts:
        since = (
            account.stage_since  # type: ignore[attr-defined]
            or account.pipeline_entered_on
            or timezone.localtime(account.created_at).date()
        )
        row = checked.get(account.code)
        cards[account.pipeline_stage or PipelineStage.NEW].append(
            Card(
                account=account,
                days_in_stage=max((day - since).days, 0),
                fit=row["fit"] if row else None,
                qualified=row["qualified"] if row else None,
                marks=_marks(checklist, row),
            )
        )
    return [
        Column(
            stage=str(stage),
            label=str(PipelineStage(stage).label),
            cards=tuple(sorted(cards[stage], key=lambda c: -c.days_in_stage)),
        )
        for stage in OPEN_STAGES
    ]
