"""Recording sales (invoices and credit notes) with their lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cartera.catalog.models import Product
from cartera.clients.models import Account
from cartera.common.dataversion import Topic, data_changed
from cartera.common.money import quantize
from cartera.common.services import field_error, validated_save
from cartera.receivables.credit import credit_check
from cartera.receivables.models import CreditEvent
from cartera.sales.models import Channel, Sale, SaleKind, SaleLine
from cartera.team.models import Salesperson
from cartera.users.models import User


@dataclass(frozen=True, slots=True)
class LineInput:
    """One line to record; ``unit_price`` defaults to the product's list price."""

    product: Product
    quantity: Decimal
    unit_price: Decimal | None = None
    discount_pct: Decimal = Decimal(0)


def line_amount(*, quantity: Decimal, unit_price: Decimal, discount_pct: Decimal) -> Decimal:
    """Return the net amount of a line, rounded half-up to cents."""
    return quantize(Decimal(quantity) * Decimal(unit_price) * (1 - Decimal(discount_pct) / 100))


def _resolve_account(account: Account | int) -> Account:
    if isinstance(account, Account):
        return account
    try:
        return Account.objects.get(pk=account)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise field_error(
            "account",
            _("There is no account with id %(id)s.") % {"id": account},
            code="missing_account",
        ) from exc


def _line_problem(index: int, line: LineInput, price: Decimal) -> ValidationError | None:
    """Return what is wrong with a line (the rules of SaleLine's check constraints)."""
    if Decimal(line.quantity) <= 0:
        message = _("Line %(n)s: the quantity must be greater than zero (got %(q)s).")
        return ValidationError(
            message % {"n": index, "q": line.quantity}, code="quantity_not_positive"
        )
    if Decimal(price) < 0:
        message = _("Line %(n)s: the price cannot be negative (got %(p)s).")
        return ValidationError(message % {"n": index, "p": price}, code="price_negative")
    if not 0 <= Decimal(line.discount_pct) <= 100:
        message = _("Line %(n)s: the discount must be from 0 to 100 %% (got %(d)s).")
        return ValidationError(
            message % {"n": index, "d": line.discount_pct}, code="discount_out_of_range"
        )
    return None


@transaction.atomic
def sale_record(
    *,
    number: str,
    account: Account | int,
    date: dt.date,
    lines: Sequence[LineInput],
    salesperson: Salesperson | None = None,
    due_date: dt.date | None = None,
    channel: str = Channel.B2B,
    kind: str = SaleKind.INVOICE,
    credit_override_by: User | None = None,
    credit_override_reason: str = "",
) -> Sale:
    """Record an invoice (or a credit note) and its lines in one transaction.

    The salesperson defaults to the account's owner at the time of the sale; the due
    date to the sale date plus the client's payment terms. A credit note's lines carry
    positive quantities and negative amounts. A sale that would take the client over
    its credit limit is refused (``CreditLimitExceededError``, with the figures) unless a
    manager approves it with ``credit_override_by`` and a reason, which is logged (S1.8).
    """
    client = _resolve_account(account)
    if not lines:
        raise ValidationError({"lines": _("A sale needs at least one line.")}, code="no_lines")
    sign = Decimal(-1) if kind == SaleKind.CREDIT_NOTE else Decimal(1)
    sale = Sale(
        number=number.strip(),
        kind=kind,
        account=client,
        salesperson=salesperson if salesperson is not None else client.owner,
        date=date,
        due_date=due_date or date + dt.timedelta(days=client.payment_terms_days),
        channel=channel,
        credit_override_reason=credit_override_reason,
    )
    built: list[SaleLine] = []
    errors: dict[str, list[ValidationError]] = {}
    for index, line in enumerate(lines, start=1):
        price = line.product.list_price if line.unit_price is None else line.unit_price
        problem = _line_problem(index, line, price)
        if problem is not None:
            errors.setdefault("lines", []).append(problem)
            continue
        amount = line_amount(
            quantity=line.quantity, unit_price=price, discount_pct=line.discount_pct
        )
        built.append(
            SaleLine(
                line_no=index,
                product=line.product,
                quantity=Decimal(line.quantity),
                unit_price=price,
                discount_pct=Decimal(line.discount_pct),
                amount=sign * amount,
                cost=sign * quantize(Decimal(line.quantity) * line.product.unit_cost),
            )
        )
    for line in built:
        # The rules the table's check constraints hold were checked above; validating
        # them again would cost one query per constraint and line (Django 5).
        line.full_clean(exclude=["sale"], validate_constraints=False)
    if errors:
        raise ValidationError(errors)
    sale.total = sum((line.amount for line in built), Decimal(0))
    sale.cost_total = sum((line.cost for line in built), Decimal(0))
    decision = credit_check(
        account=client,
        amount=sale.total,
        override_by=credit_override_by,
        override_reason=credit_override_reason,
    )
    if decision.overridden:
        sale.credit_override_by = credit_override_by
    else:
        sale.credit_override_reason = ""
    validated_save(sale)
    if decision.overridden:
        CreditEvent.objects.create(
            account=client,
            kind=CreditEvent.Kind.OVERRIDE,
            sale=sale,
            new_limit=decision.exposure.limit,
            exposure=decision.exposure.total,
            amount=sale.total,
            reason=credit_override_reason.strip(),
            user=credit_override_by,
        )
    for line in built:
        line.sale = sale
    SaleLine.objects.bulk_create(built)
    data_changed(Topic.SALES)
    return sale
