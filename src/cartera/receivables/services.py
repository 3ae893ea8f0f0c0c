"""Recording payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cartera.clients.models import Account
from cartera.common.services import validated_save
from cartera.receivables.models import Payment, PaymentMethod
from cartera.sales.models import Sale


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
        raise ValidationError(
            {"sale": _("Invoice %(n)s belongs to another client.") % {"n": sale.number}},
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
        raise ValidationError(
            {"amount": _("A payment must be a positive amount.")}, code="not_positive"
        )
    return validated_save(payment)
