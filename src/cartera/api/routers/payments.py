"""``/payments``: money received from clients (S1.8, S3.6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cartera.api.access import get_visible, require_change, resolve, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Day, Id, PositiveMoney, text
from cartera.clients.models import Account
from cartera.receivables.models import Payment, PaymentMethod
from cartera.receivables.services import payment_record
from cartera.sales.models import Sale

router = Router(tags=["payments"])


class PaymentOut(Schema):
    id: int
    reference: str
    account_id: int
    sale_id: int | None
    date: dt.date
    amount: Decimal
    method: str
    created_at: dt.datetime


class PaymentIn(Schema):
    reference: text(64, min_length=1)  # type: ignore[valid-type]
    account_id: Id
    date: Day
    amount: PositiveMoney
    sale_id: Id | None = None
    method: PaymentMethod = PaymentMethod.TRANSFER


PaymentPage = page_schema(PaymentOut, "PaymentPage")


class PaymentQuery(PageQuery):
    account: Id | None = Field(None, description="Only this account's payments.")


@router.get("", response={200: PaymentPage, 401: Problem, 422: Problem})
def payment_list(
    request: HttpRequest,
    params: Query[PaymentQuery],
) -> Any:
    """List the payments you may see, newest first."""
    payments = visible(request, Payment.objects.all())
    if params.account is not None:
        payments = payments.filter(account_id=params.account)
    return keyset(payments, cursor=params.cursor, limit=params.limit)


@router.get("/{payment_id}", response={200: PaymentOut, 401: Problem, 404: Problem})
def payment_read(request: HttpRequest, payment_id: Id) -> Any:
    """Return one payment."""
    return get_visible(request, Payment.objects.all(), payment_id)


@router.post("", response={201: PaymentOut, 401: Problem, 403: Problem, 409: Problem, 422: Problem})
def payment_add(request: HttpRequest, payload: PaymentIn) -> Any:
    """Record a payment, applied to ``sale_id`` or, without it, to the oldest debt."""
    account = resolve(request, Account.objects.all(), payload.account_id, "account_id")
    assert account is not None
    require_change(request, account)
    sale = resolve(request, Sale.objects.all(), payload.sale_id, "sale_id")
    payment = payment_record(
        reference=payload.reference,
        account=account,
        date=payload.date,
        amount=payload.amount,
        sale=sale,
        method=payload.method.value,
    )
    return Status(201, payment)
