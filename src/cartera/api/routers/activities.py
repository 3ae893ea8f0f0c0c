"""``/activities``: the follow-up of every client — visits, calls, e-mails, offers (S2.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cartera.activities.models import Activity, ActivityKind, Outcome
from cartera.activities.services import activity_log, activity_update
from cartera.api.access import get_visible, require_change, resolve, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Day, Id, Text300
from cartera.clients.models import Account, Contact
from cartera.team.models import Salesperson

router = Router(tags=["activities"])


class ActivityOut(Schema):
    id: int
    account_id: int
    contact_id: int | None
    salesperson_id: int | None
    kind: str
    date: dt.date
    duration_minutes: int | None
    summary: str
    outcome: str
    next_action_on: dt.date | None
    next_action: str
    created_at: dt.datetime


class ActivityIn(Schema):
    account_id: Id
    kind: ActivityKind
    date: Day
    contact_id: Id | None = None
    salesperson_id: Id | None = Field(None, description="Default: the account's owner.")
    duration_minutes: int | None = Field(None, ge=0, le=100_000)
    summary: Text300 = ""
    outcome: Outcome | Literal[""] = ""
    next_action_on: Day | None = None
    next_action: Text300 = ""


ActivityPage = page_schema(ActivityOut, "ActivityPage")


class ActivityQuery(PageQuery):
    account: Id | None = Field(None, description="Only this account's activities.")


@router.get("", response={200: ActivityPage, 401: Problem, 422: Problem})
def activity_list(
    request: HttpRequest,
    params: Query[ActivityQuery],
) -> Any:
    """List the activities you may see, newest first."""
    activities = visible(request, Activity.objects.all())
    if params.account is not None:
        activities = activities.filter(account_id=params.account)
    return keyset(activities, cursor=params.cursor, limit=params.limit)


@router.get("/{activity_id}", response={200: ActivityOut, 401: Problem, 404: Problem})
def activity_read(request: HttpRequest, activity_id: Id) -> Any:
    """Return one activity."""
    return get_visible(request, Activity.objects.all(), activity_id)


@router.post(
    "", response={201: ActivityOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem}
)
def activity_add(request: HttpRequest, payload: ActivityIn) -> Any:
    """Log a visit, call, e-mail, offer … with an account you may change."""
    data = payload.dict()
    account = resolve(request, Account.objects.all(), data.pop("account_id"), "account_id")
    assert account is not None
    require_change(request, account)
    contact = resolve(request, Contact.objects.all(), data.pop("contact_id"), "contact_id")
    seller = resolve(
        request, Salesperson.objects.all(), data.pop("salesperson_id"), "salesperson_id"
    )
    kind, date = data.pop("kind"), data.pop("date")
    outcome = data.pop("outcome")
    activity = activity_log(
        account=account,
        kind=kind.value,
        date=date,
        salesperson=seller,
        contact=contact,
        outcome=getattr(outcome, "value", outcome),
        **data,
    )
    return Status(201, activity)


class ActivityPatch(Schema):
    kind: ActivityKind | None = None
    date: Day | None = None
    duration_minutes: int | None = Field(None, ge=0, le=100_000)
    summary: Text300 | None = None
    outcome: Outcome | Literal[""] | None = None
    next_action_on: Day | None = None
    next_action: Text300 | None = None


@router.patch(
    "/{activity_id}",
    response={200: ActivityOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
)
def activity_change(request: HttpRequest, activity_id: Id, payload: ActivityPatch) -> Any:
    """Change a recorded activity (its outcome, next action …) on an account you may change."""
    activity = get_visible(request, Activity.objects.select_related("account"), activity_id)
    require_change(request, activity.account)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    return activity_update(activity=activity, data=data)
