"""``/sales``: invoices, credit notes and orders with their lines (S2.6, S1.8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cartera.api.access import get_visible, require_change, resolve, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Code, Day, Id, Money, Percent, Quantity, Text300, text
from cartera.catalog.models import Product
from cartera.clients.models import Account
from cartera.sales.models import Channel, Sale, SaleKind, SaleLine
from cartera.sales.services import LineInput, sale_record
from cartera.team.models import Salesperson

router = Router(tags=["sales"])

Sku = text(64, min_length=1)


class LineOut(Schema):
    line_no: int
    sku: str
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    amount: Decimal
    cost: Decimal

    @staticmethod
    def resolve_sku(obj: SaleLine) -> str:
        return obj.product.sku


class SaleOut(Schema):
    id: int
    number: str
    kind: str
    account_id: int
    salesperson_id: int | None
    date: dt.date
    due_date: dt.date
    channel: str
    total: Decimal
    cost_total: Decimal
    credit_override_reason: str
    credit_override_by_id: int | None
    lines: list[LineOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_lines(obj: Sale) -> list[SaleLine]:
        return list(obj.lines.all())


class LineIn(Schema):
    sku: Sku
    quantity: Quantity
    unit_price: Money | None = Field(None, ge=0, description="Default: the list price.")
    discount_pct: Percent = Decimal(0)


class SaleIn(Schema):
    number: Code
    account_id: Id
    date: Day
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    salesperson_id: Id | None = Field(None, description="Default: the account's owner.")
    due_date: Day | None = Field(None, description="Default: date + payment terms.")
    channel: Channel = Channel.B2B
    kind: SaleKind = SaleKind.INVOICE
    credit_override_reason: Text300 = Field(
        "", description="A manager's reason to let the sale exceed the credit limit."
    )


SalePage = page_schema(SaleOut, "SalePage")


class SaleQuery(PageQuery):
    account: Id | None = Field(None, description="Only this account's sales.")
    since: Day | None = Field(None, description="Sales on or after this date.")
    until: Day | None = Field(None, description="Sales on or before this date.")


def _sales() -> Any:
    return Sale.objects.prefetch_related(
        Prefetch("lines", queryset=SaleLine.objects.select_related("product").order_by("line_no"))
    )


@router.get("", response={200: SalePage, 401: Problem, 422: Problem})
def sale_list(
    request: HttpRequest,
    params: Query[SaleQuery],
) -> Any:
    """List the sales you may see, newest first, with their lines."""
    sales = visible(request, _sales())
    if params.account is not None:
        sales = sales.filter(account_id=params.account)
    if params.since is not None:
        sales = sales.filter(date__gte=params.since)
    if params.until is not None:
        sales = sales.filter(date__lte=params.until)
    return keyset(sales, cursor=params.cursor, limit=params.limit)


@router.get("/{sale_id}", response={200: SaleOut, 401: Problem, 404: Problem})
def sale_read(request: HttpRequest, sale_id: Id) -> Any:
    """Return one sale with its lines."""
    return get_visible(request, _sales(), sale_id)


def _lines(lines: list[LineIn]) -> list[LineInput]:
    products = Product.objects.in_bulk({line.sku for line in lines}, field_name="sku")
    missing = [
        _("Line %(n)s: there is no product with SKU %(sku)s.") % {"n": n, "sku": line.sku}
        for n, line in enumerate(lines, start=1)
        if line.sku not in products
    ]
    if missing:
        raise ValidationError({"lines": missing})
    return [
        LineInput(
            product=products[line.sku],
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_pct=line.discount_pct,
        )
        for line in lines
    ]


@router.post(
    "",
    response={201: SaleOut, 401: Problem, 403: Problem, 409: Problem, 422: Problem},
)
def sale_add(request: HttpRequest, payload: SaleIn) -> Any:
    """Record a sale and its lines; refused with 409 and the figures over the credit limit."""
    account = resolve(request, Account.objects.all(), payload.account_id, "account_id")
    assert account is not None
    require_change(request, account)
    seller = resolve(request, Salesperson.objects.all(), payload.salesperson_id, "salesperson_id")
    override = payload.credit_override_reason.strip()
    sale = sale_record(
        number=payload.number,
        account=account,
        date=payload.date,
        lines=_lines(payload.lines),
        salesperson=seller,
        due_date=payload.due_date,
        channel=payload.channel.value,
        kind=payload.kind.value,
        credit_override_by=request.user if override else None,  # type: ignore[arg-type]
        credit_override_reason=override,
    )
    return Status(201, _sales().get(pk=sale.pk))
