"""Logging the follow-up of clients (S2.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cartera.activities.models import Activity
from cartera.clients.models import Account, Contact
from cartera.common.dataversion import Topic, data_changed
from cartera.common.services import validated_save
from cartera.team.models import Salesperson


@transaction.atomic
def activity_log(
    *,
    account: Account,
    kind: str,
    date: dt.date,
    salesperson: Salesperson | None = None,
    contact: Contact | None = None,
    **fields: Any,
) -> Activity:
    """Record a visit, call, e-mail, offer … with an account; by default its owner's."""
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError(
            {"contact": _("%(name)s is not a contact of this account.") % {"name": contact}}
        )
    activity = Activity(
        account=account,
        kind=kind,
        date=date,
        salesperson=salesperson if salesperson is not None else account.owner,
        contact=contact,
        **fields,
    )
    data_changed(Topic.ACTIVITIES)
    return validated_save(activity)


ACTIVITY_FIELDS = (
    "kind", "date", "duration_minutes", "summary", "outcome", "next_action_on", "next_action",
)  # fmt: skip


@transaction.atomic
def activity_update(*, activity: Activity, data: dict[str, Any]) -> Activity:
    """Change what was recorded of a contact: its outcome, summary, next action …"""
    unknown = sorted(set(data) - set(ACTIVITY_FIELDS))
    if unknown:
        raise ValidationError({f: _("This field cannot be changed.") for f in unknown})
    for field, value in data.items():
        setattr(activity, field, value)
    data_changed(Topic.ACTIVITIES)
    return validated_save(activity)
