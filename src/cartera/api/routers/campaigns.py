"""``/campaigns``: acquisition campaigns and their cost, shared reading (S1.4, S0.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from cartera.api.access import get_visible, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Id
from cartera.prospecting.models import Campaign

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
