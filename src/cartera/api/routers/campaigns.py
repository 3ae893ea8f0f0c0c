"""``/campaigns``: acquisition campaigns and their cost, shared reading (S1.4, S0.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from cartera.api.access import get_visible, require_manager, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Day, Id, Money, Name
from cartera.prospecting.models import Campaign, Source
from cartera.prospecting.services import campaign_create, campaign_update

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    name: str
    source: str
    started_on: dt.date
    ended_on: dt.date | None
    cost: Decimal


CampaignPage = page_schema(CampaignOut, "CampaignPage")


@router.get("", response={200: CampaignPage, 401: Problem, 422: Problem})
def campaign_list(
    request: HttpRequest,
    params: Query[PageQuery],
) -> Any:
    """List the campaigns, newest first."""
    campaigns = visible(request, Campaign.objects.all())
    return keyset(campaigns, cursor=params.cursor, limit=params.limit)


@router.get("/{campaign_id}", response={200: CampaignOut, 401: Problem, 404: Problem})
def campaign_read(request: HttpRequest, campaign_id: Id) -> Any:
    """Return one campaign."""
    return get_visible(request, Campaign.objects.all(), campaign_id)


WRITE = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


class CampaignIn(Schema):
    name: Name
    source: Source
    started_on: Day
    ended_on: Day | None = None
    cost: Money = Decimal(0)


class CampaignPatch(Schema):
    name: Name | None = None
    source: Source | None = None
    started_on: Day | None = None
    ended_on: Day | None = None
    cost: Money | None = None


@router.post("", response={201: CampaignOut, **WRITE})
def campaign_add(request: HttpRequest, payload: CampaignIn) -> Any:
    """Record an acquisition campaign and its cost (S1.4; managers)."""
    require_manager(request)
    return Status(201, campaign_create(by=request.user, **payload.dict()))


@router.patch("/{campaign_id}", response={200: CampaignOut, **WRITE})
def campaign_change(request: HttpRequest, campaign_id: Id, payload: CampaignPatch) -> Any:
    """Change a campaign: its final cost, its end date … (managers)."""
    campaign = get_visible(request, Campaign.objects.all(), campaign_id)
    require_manager(request)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    return campaign_update(campaign=campaign, data=data, by=request.user)
