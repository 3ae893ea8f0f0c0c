"""Export everything held about a person, and erase it while keeping the sales figures.

A person is either an individual client (an account of kind *individual*) or a contact
person of any account. Erasure anonymises instead of deleting: the sales, payments and
activities stay (the company's accounts and the portfolio analytics need them), but
every field that identifies or describes the person is emptied or replaced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.activities.models import Activity
from cartera.audit.services import history_anonymise_account, record_bulk
from cartera.clients.models import Account, AccountKind, Contact
from cartera.common.scoping import sees_all, visible_to
from cartera.receivables.models import Payment
from cartera.sales.models import Sale

if TYPE_CHECKING:
    from cartera.users.models import User

ANONYMOUS = "—"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "quantize"):
        return str(value)
    return value


def _row(instance: Any, fields: list[str] | None = None) -> dict[str, Any]:
    data = model_to_dict(instance, fields=fields)
    return {key: _plain(value) for key, value in data.items()}


def _check_visible(user: User, instance: Any) -> None:
    if not visible_to(type(instance)._default_manager.filter(pk=instance.pk), user).exists():
        raise PermissionDenied(_("You cannot see this person's data."))


def personal_data_export(
    *, user: User, account: Account | None = None, contact: Contact | None = None
) -> dict[str, Any]:
    """Return everything held about an individual client or a contact person, as JSON data."""
    if (account is None) == (contact is None):
        raise ValidationError(_("Name either an individual client or a contact person."))
    if contact is not None:
        _check_visible(user, contact)
        activities = Activity.objects.filter(contact=contact).order_by("date", "id")
        return {
            "exported_at": timezone.now().isoformat(),
            "contact": _row(contact),
            "account": {"code": contact.account.code, "name": contact.account.legal_name},
            "activities": [_row(a, ["date", "kind", "summary", "outcome"]) for a in activities],
        }
    assert account is not None
    _check_visible(user, account)
    if account.kind != AccountKind.INDIVIDUAL:
        raise ValidationError(
            _("%(code)s is a company: export its contact persons one by one.")
            % {"code": account.code}
        )
    return {
        "exported_at": timezone.now().isoformat(),
        "client": _row(account),
        "contacts": [_row(c) for c in account.contacts.all()],
        "activities": [
            _row(a, ["date", "kind", "summary", "outcome", "next_action_on", "next_action"])
            for a in account.activities.order_by("date", "id")
        ],
        "purchases": [
            _row(s, ["number", "kind", "date", "due_date", "total"])
            for s in Sale.objects.filter(account=account).order_by("date", "id")
        ],
        "payments": [
            _row(p, ["reference", "date", "amount", "method"])
            for p in Payment.objects.filter(account=account).order_by("date", "id")
        ],
    }


@dataclass(frozen=True, slots=True)
class Erasure:
    contacts: int
    activities: int
    account_anonymised: bool


def _anonymise_contacts(contacts: Any) -> tuple[int, int]:
    ids = list(contacts.values_list("pk", flat=True))
    Contact.objects.filter(pk__in=ids).update(
        name=ANONYMOUS, role="", phone="", email="", updated_at=timezone.now()
    )
    # Free text may name or describe the person: it goes, the fact of the contact stays.
    touched = Activity.objects.filter(contact_id__in=ids).update(summary="", next_action="")
    return len(ids), touched


@transaction.atomic
def personal_data_erase(
    *,
    user: User,
    reason: str,
    account: Account | None = None,
    contact: Contact | None = None,
) -> Erasure:
    """Anonymise an individual client or a contact person; keep sales, payments, activities."""
    if not sees_all(user):
        raise PermissionDenied(_("Only a manager or an administrator can erase personal data."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say which request this erasure answers.")})
    if (account is None) == (contact is None):
        raise ValidationError(_("Name either an individual client or a contact person."))
    if contact is not None:
        contacts, activities = _anonymise_contacts(Contact.objects.filter(pk=contact.pk))
        _audit(user, "clients.contact", contacts, contact.account, reason)
        return Erasure(contacts=contacts, activities=activities, account_anonymised=False)
    assert account is not None
    if account.kind != AccountKind.INDIVIDUAL:
        raise ValidationError(
            _("%(code)s is a company: erase its contact persons one by one.")
            % {"code": account.code}
        )
    contacts, activities = _anonymise_contacts(account.contacts.all())
    activities += account.activities.update(summary="", next_action="")
    anonymous_name = _("Anonymised client %(code)s") % {"code": account.code}
    Account.objects.filter(pk=account.pk).update(
        legal_name=anonymous_name,
        trade_name="",
        tax_id="",
        phone="",
        email="",
        website="",
        postal_code="",
        special_benefits="",
        attributes={},
        is_archived=True,
        updated_at=timezone.now(),
    )
    # The audit trail keeps every past version of the account: erase them there too.
    history_anonymise_account(account_id=account.pk, legal_name=anonymous_name)
    _audit(user, "clients.account", 1, account, reason)
    return Erasure(contacts=contacts, activities=activities, account_anonymised=True)


def _audit(user: User, model: str, count: int, account: Account, reason: str) -> None:
    record_bulk(
        action="personal_data_erase",
        model=model,
        count=count,
        user=user,
        account=account,
        detail=reason.strip(),
    )
