"""Writes of the prospect pipeline: stages, disqualification, the win, the checklist.

A prospect moves new → contacted → qualified → proposal → won, or is disqualified with a
reason (S0.6) from any open stage. Every move is one :class:`StageChange` row (the
history the funnel and the sales cycle are measured on). A prospect won becomes a client
on the same account row: its contacts, activities, ownership periods and pipeline
history stay where they are (S0.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.clients.models import Account, Status
from cartera.common.dataversion import Topic, data_changed
from cartera.common.scoping import SYSTEM, can_change, sees_all
from cartera.common.services import validated_save
from cartera.prospecting.models import (
    OPEN_STAGES,
    Campaign,
    DisqualificationReason,
    PipelineStage,
    QualificationItem,
    StageChange,
)

Actor = Any  # a User, or SYSTEM for the command line

# Status that goes with each open stage: a qualified prospect is "qualified" (S0.6).
_STATUS = {
    PipelineStage.NEW: Status.PROSPECT,
    PipelineStage.CONTACTED: Status.PROSPECT,
    PipelineStage.QUALIFIED: Status.QUALIFIED,
    PipelineStage.PROPOSAL: Status.QUALIFIED,
}


def _require_change(by: Actor, account: Account) -> None:
    """Refuse unless ``by`` may change ``account``: a manager, or its own salesperson."""
    if by is None or not can_change(by, account):
        raise PermissionDenied(_("You may only move your own prospects."))


def _author(by: Actor) -> Any:
    return None if by is SYSTEM or getattr(by, "pk", None) is None else by


def _locked(account: Account) -> Account:
    return Account.objects.select_for_update().get(pk=account.pk)


def _record(
    account: Account, stage: str, *, day: dt.date, by: Actor, reason: str = "", note: str = ""
) -> StageChange:
    change = StageChange(
        account=account,
        stage=stage,
        from_stage=account.pipeline_stage,
        date=day,
        reason=reason,
        note=note.strip()[:300],
        changed_by=_author(by),
    )
    return validated_save(change)


@transaction.atomic
def prospect_stage_set(
    *,
    account: Account,
    stage: str,
    by: Actor,
    on: dt.date | None = None,
    note: str = "",
) -> Account:
    """Move an open prospect to ``stage`` (new, contacted, qualified or proposal).

    Moving back is allowed (a proposal that went cold is "contacted" again) and
    recorded like any move; winning and disqualifying have their own services.
    """
    _require_change(by, account)
    if stage not in OPEN_STAGES:
        raise ValidationError(
            {"stage": _("Use the win or the disqualification to close a prospect.")},
            code="closing_stage",
        )
    locked = _locked(account)
    if locked.pipeline_stage in (PipelineStage.WON, PipelineStage.LOST):
        raise ValidationError(
            {"stage": _("This prospect is closed; reopen it first.")}, code="closed"
        )
    if locked.status not in (Status.PROSPECT, Status.QUALIFIED):
        raise ValidationError({"stage": _("Only a prospect has a pipeline stage.")})
    day = on or timezone.localdate()
    if locked.pipeline_stage == stage:
        return locked
    _record(locked, stage, day=day, by=by, note=note)
    locked.pipeline_stage = stage
    locked.pipeline_entered_on = locked.pipeline_entered_on or day
    locked.status = _STATUS[PipelineStage(stage)]
    validated_save(locked)
    data_changed(Topic.ACCOUNTS)
    return locked


@transaction.atomic
def prospect_disqualify(
    *, account: Account, reason: str, by: Actor, on: dt.date | None = None, note: str = ""
) -> Account:
    """Discard a prospect with a reason: no potential, no budget, bad payer … (S0.6)."""
    _require_change(by, account)
    if reason not in DisqualificationReason.values:
        raise ValidationError({"reason": _("Say why the prospect is discarded.")}, code="no_reason")
    locked = _locked(account)
    if locked.pipeline_stage in (PipelineStage.WON, PipelineStage.LOST):
        raise ValidationError({"stage": _("This prospect is already closed.")}, code="closed")
    if locked.status not in (Status.PROSPECT, Status.QUALIFIED):
        raise ValidationError({"stage": _("Only a prospect can be disqualified.")})
    day = on or timezone.localdate()
    if not locked.pipeline_stage:
        _record(locked, PipelineStage.NEW, day=locked.pipeline_entered_on or day, by=by)
        locked.pipeline_stage = PipelineStage.NEW
    _record(locked, PipelineStage.LOST, day=day, by=by, reason=reason, note=note)
    locked.pipeline_stage = PipelineStage.LOST
    locked.pipeline_entered_on = locked.pipeline_entered_on or day
    locked.disqualified_on = day
    locked.disqualified_reason = reason
    validated_save(locked)
    data_changed(Topic.ACCOUNTS)
    return locked


@transaction.atomic
def prospect_reopen(*, account: Account, by: Actor, on: dt.date | None = None) -> Account:
    """Bring a disqualified prospect back into the pipeline, at "contacted"."""
    _require_change(by, account)
    locked = _locked(account)
    if locked.pipeline_stage != PipelineStage.LOST:
        raise ValidationError({"stage": _("Only a disqualified prospect can be reopened.")})
    day = on or timezone.localdate()
    _record(locked, PipelineStage.CONTACTED, day=day, by=by, note=_("Reopened"))
    locked.pipeline_stage = PipelineStage.CONTACTED
    locked.disqualified_on = None
    locked.disqualified_reason = ""
    locked.status = Status.PROSPECT
    validated_save(locked)
    data_changed(Topic.ACCOUNTS)
    return locked


@transaction.atomic
def prospect_win(
    *, account: Account, by: Actor, on: dt.date | None = None, note: str = ""
) -> Account:
    """Turn a prospect into a client, keeping its history (S0.1).

    The same account row becomes a client: its ownership period (the first owner's),
    contacts, activities and stage history stay; the stage becomes "won" on ``on``, the
    day the sales cycle ends. Stages it skipped are not invented.
    """
    _require_change(by, account)
    locked = _locked(account)
    if locked.pipeline_stage == PipelineStage.LOST:
        raise ValidationError(
            {"stage": _("A disqualified prospect must be reopened before it is won.")},
            code="closed",
        )
    if locked.status not in (Status.PROSPECT, Status.QUALIFIED):
        raise ValidationError({"status": _("This account is already a client.")}, code="client")
    day = on or timezone.localdate()
    entered = locked.pipeline_entered_on or timezone.localtime(locked.created_at).date()
    if day < entered:
        raise ValidationError(
            {"on": _("A prospect cannot be won before it entered the pipeline.")}, code="early"
        )
    if not locked.pipeline_stage:
        _record(locked, PipelineStage.NEW, day=entered, by=by)
        locked.pipeline_stage = PipelineStage.NEW
    _record(locked, PipelineStage.WON, day=day, by=by, note=note)
    locked.pipeline_stage = PipelineStage.WON
    locked.pipeline_entered_on = entered
    locked.won_on = day
    locked.status = Status.CLIENT
    validated_save(locked)
    data_changed(Topic.ACCOUNTS)
    return locked


@transaction.atomic
def qualification_checklist_set(
    *, items: list[Mapping[str, Any]], by: Actor
) -> list[QualificationItem]:
    """Replace the qualification checklist with ``items`` (S0.6); managers only.

    Each item: ``key``, ``label``, ``attribute``, ``op`` and ``value`` (a condition of
    :class:`cartera.analytics.profile.Condition`).
    """
    if by is None or not sees_all(by):
        raise PermissionDenied(_("Only a manager can change the qualification checklist."))
    QualificationItem.objects.all().delete()
    saved = []
    for position, item in enumerate(items):
        row = QualificationItem(
            key=str(item["key"]),
            label=str(item.get("label") or item["key"]),
            attribute=str(item["attribute"]),
            op=str(item["op"]),
            value=item.get("value"),
            position=position,
        )
        saved.append(validated_save(row))
    return saved


CAMPAIGN_FIELDS = ("name", "source", "started_on", "ended_on", "cost")


@transaction.atomic
def campaign_create(*, by: Actor, **fields: Any) -> Campaign:
    """Add an acquisition campaign with its cost (S1.4); managers only."""
    if not sees_all(by):
        raise PermissionDenied(_("Only a manager can record campaigns."))
    return validated_save(Campaign(**fields))


@transaction.atomic
def campaign_update(*, campaign: Campaign, data: dict[str, Any], by: Actor) -> Campaign:
    """Change a campaign's fields (a cost known later, an end date); managers only."""
    if not sees_all(by):
        raise PermissionDenied(_("Only a manager can change campaigns."))
    for field, value in data.items():
        if field not in CAMPAIGN_FIELDS:
            raise PermissionDenied(_("%(field)s cannot be changed.") % {"field": field})
        setattr(campaign, field, value)
    return validated_save(campaign)
