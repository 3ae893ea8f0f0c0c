"""Writes of accounts, contacts and ownership (hand-overs, S0.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.clients.models import Account, Contact, OwnershipPeriod
from cartera.common.dataversion import Topic, data_changed
from cartera.common.selectors import company_settings
from cartera.common.services import validated_save
from cartera.common.validators import normalize_email, normalize_phone
from cartera.team.models import Salesperson

CONTACT_FIELDS = ("phone", "email")


def _normalized_contact_data(data: dict[str, Any], *, region: str) -> dict[str, Any]:
    """Return ``data`` with phone in E.164 and e-mail normalised; errors name the field."""
    out = dict(data)
    errors: dict[str, list[ValidationError]] = {}
    if out.get("phone"):
        try:
            out["phone"] = normalize_phone(str(out["phone"]), region=region)
        except ValidationError as exc:
            errors["phone"] = exc.error_list
    if out.get("email"):
        try:
            out["email"] = normalize_email(str(out["email"]))
        except ValidationError as exc:
            errors["email"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return out


def _region_for(country: str | None) -> str:
    return (country or company_settings().default_region or "ES").upper()


@transaction.atomic
def account_create(
    *,
    code: str,
    legal_name: str,
    owner: Salesperson | None = None,
    since: dt.date | None = None,
    **fields: Any,
) -> Account:
    """Create a client or prospect; open its first ownership period when it has an owner."""
    data = _normalized_contact_data(fields, region=_region_for(fields.get("country")))
    account = Account(code=code.strip(), legal_name=legal_name.strip(), owner=owner, **data)
    validated_save(account)
    data_changed(Topic.ACCOUNTS)
    if owner is not None:
        OwnershipPeriod.objects.create(
            account=account,
            salesperson=owner,
            started_on=since or timezone.localdate(),
            reason=_("First owner"),
        )
    return account


@transaction.atomic
def account_update(*, account: Account, data: dict[str, Any]) -> Account:
    """Change an account's fields. The owner changes only through :func:`account_hand_over`."""
    if "owner" in data or "owner_id" in data:
        raise ValidationError(
            {"owner": _("Hand the account over to change its salesperson.")}, code="use_hand_over"
        )
    clean = _normalized_contact_data(data, region=_region_for(data.get("country", account.country)))
    for field, value in clean.items():
        setattr(account, field, value)
    validated_save(account)
    data_changed(Topic.ACCOUNTS)
    return account


@transaction.atomic
def contact_create(*, account: Account, name: str, **fields: Any) -> Contact:
    data = _normalized_contact_data(fields, region=_region_for(account.country))
    contact = Contact(account=account, name=name.strip(), **data)
    return validated_save(contact)


@transaction.atomic
def account_hand_over(
    *,
    accounts: Iterable[Account],
    to: Salesperson,
    reason: str,
    on: dt.date | None = None,
) -> int:
    """Give ``accounts`` to salesperson ``to`` from date ``on``, keeping the history.

    Closes each account's open ownership period the day before ``on`` and opens a new
    one; returns how many accounts changed hands. Activities and open invoices stay on
    the account, so they follow it to the new owner.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the accounts change hands.")})
    if not to.is_active:
        raise ValidationError({"to": _("%(name)s is not an active salesperson.") % {"name": to}})
    day = on or timezone.localdate()
    ids = [a.pk for a in accounts if a.owner_id != to.pk]
    if not ids:
        return 0
    locked = list(
        Account.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True)
    )
    open_periods = OwnershipPeriod.objects.filter(account_id__in=locked, ended_on__isnull=True)
    # A period closed the day before the hand-over cannot end before it started.
    open_periods.filter(started_on__lt=day).update(ended_on=day - dt.timedelta(days=1))
    open_periods.filter(started_on__gte=day).update(ended_on=day)
    OwnershipPeriod.objects.bulk_create(
        OwnershipPeriod(account_id=pk, salesperson=to, started_on=day, reason=reason.strip())
        for pk in locked
    )
    Account.objects.filter(pk__in=locked).update(owner=to, updated_at=timezone.now())
    data_changed(Topic.ACCOUNTS)
    return len(locked)
