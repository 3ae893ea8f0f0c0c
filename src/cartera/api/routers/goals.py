"""``/goals``: revenue goals per salesperson or for the company (S3.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cartera.api.access import get_visible, require_manager, resolve, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Id, Money
from cartera.goals.models import Goal
from cartera.team.models import Salesperson

router = Router(tags=["goals"])


class GoalOut(Schema):
    id: int
    salesperson_id: int | None
    year: int
    month: int | None
    target: Decimal
    updated_at: dt.datetime


class GoalIn(Schema):
    year: int = Field(ge=1900, le=2999)
    month: int | None = Field(None, ge=1, le=12, description="Empty: the yearly goal.")
    target: Money = Field(ge=0)
    salesperson_id: Id | None = Field(None, description="Empty: the company's goal.")
    spread: Literal["keep", "profile", "even"] = Field(
        "keep", description="How a yearly goal is spread over its months."
    )


GoalPage = page_schema(GoalOut, "GoalPage")


class GoalQuery(PageQuery):
    year: int | None = Field(None, ge=1900, le=2999)
    salesperson: Id | None = None


@router.get("", response={200: GoalPage, 401: Problem, 422: Problem})
def goal_list(
    request: HttpRequest,
    params: Query[GoalQuery],
) -> Any:
    """List the goals you may see (a salesperson: their own)."""
    goals = visible(request, Goal.objects.all())
    if params.year is not None:
        goals = goals.filter(year=params.year)
    if params.salesperson is not None:
        goals = goals.filter(salesperson_id=params.salesperson)
    return keyset(goals, cursor=params.cursor, limit=params.limit)


@router.get("/{goal_id}", response={200: GoalOut, 401: Problem, 404: Problem})
def goal_read(request: HttpRequest, goal_id: Id) -> Any:
    """Return one goal."""
    return get_visible(request, Goal.objects.all(), goal_id)


@router.put("", response={200: GoalOut, 401: Problem, 403: Problem, 422: Problem})
def goal_put(request: HttpRequest, payload: GoalIn) -> Any:
    """Set a yearly or monthly goal (managers); the months always add up to the year."""
    from cartera.goals.services import goal_set

    require_manager(request)
    person = resolve(request, Salesperson.objects.all(), payload.salesperson_id, "salesperson_id")
    return goal_set(
        acting_user=request.user,
        year=payload.year,
        target=payload.target,
        salesperson=person,
        month=payload.month,
        spread=payload.spread,
    )
