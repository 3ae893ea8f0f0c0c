"""Recording payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cartera.clients.models import Account
from cartera.common.dataversion import Topic, data_changed
from cartera.common.scoping import sees_all
from cartera.common.services import field_error, validated_save
from cartera.receivables.credit import lock_account
from cartera.receivables.models import (
    CreditEvent,
    Payment,
    PaymentMethod,
    ProvisionOverride,
    ProvisionPolicy,
)
from cartera.sales.models import Sale
from cartera.users.models import User


@transaction.atomic
def payment_record(
    *,
    reference: str,
    account: Account,
    date: dt.date,
    amount: Decimal,
    sale: Sale | None = None,
    method: str = PaymentMethod.TRANSFER,
) -> Payment:
    """Record money received from ``account``, applied to ``sale`` when given."""
    if sale is not None and sale.account_id != account.pk:
        raise field_error(
            "sale",
            _("Invoice %(n)s belongs to another client.") % {"n": sale.number},
            code="wrong_account",
        )
    payment = Payment(
        reference=reference.strip(),
        account=account,
        sale=sale,
        date=date,
        amount=amount,
        method=method,
    )
    if payment.amount is not None and Decimal(payment.amount) <= 0:
        raise field_error("amount", _("A payment must be a positive amount."), code="not_positive")
    data_changed(Topic.PAYMENTS)
    return validated_save(payment)


@transaction.atomic
def credit_limit_set(
    *, account: Account, limit: Decimal | None, reason: str, by: User | None
) -> Account:
    """Set (or remove, with ``None``) a client's credit limit and log who did it and why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the credit limit changes.")})
    if by is not None and not sees_all(by):
        raise field_error(
            "credit_limit", _("Only a manager can change a credit limit."), code="not_allowed"
        )
    lock_account(account.pk)
    account.refresh_from_db(fields=["credit_limit"])
    old = account.credit_limit
    account.credit_limit = limit
    validated_save(account)
    CreditEvent.objects.create(
        account=account,
        kind=CreditEvent.Kind.LIMIT_SET,
        old_limit=old,
        new_limit=limit,
        reason=reason.strip(),
        user=by,
    )
    return account


@transaction.atomic
def provision_override_set(
    *, account: Account, percent: Decimal | None, reason: str, by: User | None
) -> ProvisionOverride | None:
    """Provision ``percent`` of all the client's debt (bankrupt: 100); ``None`` removes it."""
    if percent is None:
        ProvisionOverride.objects.filter(account=account).delete()
        return None
    override, _created = ProvisionOverride.objects.get_or_create(
        account=account, defaults={"percent": percent, "reason": reason, "set_by": by}
    )
    override.percent, override.reason, override.set_by = percent, reason.strip(), by
    return validated_save(override)


@transaction.atomic
def provision_policy_set(*, bounds: list[int], percents: list[Decimal]) -> ProvisionPolicy:
    """Store the company's provision percentages per overdue bucket (S1.11)."""
    policy, _created = ProvisionPolicy.objects.get_or_create(pk=1)
    policy.bounds = [int(b) for b in bounds]
    policy.percents = [str(Decimal(p)) for p in percents]
    return validated_save(policy)
