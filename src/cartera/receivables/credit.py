"""Credit limits that hold (S1.8): exposure, the check, and the manager's override.

The check locks the client's row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` serialises writers) before reading the exposure, so two sales
recorded at the same time cannot both pass on the same headroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from cartera.clients.models import Account
from cartera.common.scoping import sees_all
from cartera.common.services import field_error

if TYPE_CHECKING:
    from cartera.users.models import User

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Exposure:
    """What a client owes now and has on order, against its limit."""

    limit: Decimal | None
    open_balance: Decimal  # invoices and credit notes less payments (negative: in credit)
    unbilled_orders: Decimal
    total: Decimal

    def headroom(self) -> Decimal | None:
        return None if self.limit is None else self.limit - self.total


class CreditLimitExceededError(ValidationError):
    """A sale would take the client over its credit limit; the message gives the figures."""

    def __init__(self, *, account: Account, exposure: Exposure, amount: Decimal) -> None:
        self.exposure = exposure
        self.amount = amount
        excess = exposure.total + amount - (exposure.limit or ZERO)
        message = _(
            "This sale of %(amount)s would take %(client)s over its credit limit of %(limit)s: "
            "it owes %(open)s and has %(orders)s on order, so the exposure would be "
            "%(after)s, %(excess)s over the limit. A manager can approve it with a reason."
        ) % {
            "amount": amount,
            "client": account.display_name,
            "limit": exposure.limit,
            "open": exposure.open_balance,
            "orders": exposure.unbilled_orders,
            "after": exposure.total + amount,
            "excess": excess,
        }
        super().__init__({"credit_limit": [message]}, code="credit_limit_exceeded")


def exposure_of(account_id: int) -> Exposure:
    """Return the client's exposure: open balance plus unbilled orders (S1.8)."""
    from cartera.receivables.models import Payment
    from cartera.sales.models import Sale, SaleKind

    limit = Account.objects.filter(pk=account_id).values_list("credit_limit", flat=True).first()
    sums = Sale.objects.filter(account_id=account_id).aggregate(
        invoiced=Sum("total", filter=~Q(kind=SaleKind.ORDER), default=ZERO),
        ordered=Sum("total", filter=Q(kind=SaleKind.ORDER), default=ZERO),
    )
    paid = Payment.objects.filter(account_id=account_id).aggregate(
        paid=Sum("amount", default=ZERO)
    )["paid"]
    open_balance = sums["invoiced"] - paid
    return Exposure(
        limit=limit,
        open_balance=open_balance,
        unbilled_orders=sums["ordered"],
        total=open_balance + sums["ordered"],
    )


def lock_account(account_id: int) -> None:
    """Lock the client's row until the end of the current transaction."""
    Account.objects.select_for_update().filter(pk=account_id).values_list("pk").first()


@dataclass(frozen=True, slots=True)
class CreditDecision:
    exposure: Exposure
    overridden: bool


def credit_check(
    *,
    account: Account,
    amount: Decimal,
    override_by: User | None = None,
    override_reason: str = "",
) -> CreditDecision:
    """Check that ``amount`` more fits under the client's limit; call inside the sale's transaction.

    Raise :class:`CreditLimitExceededError` when it does not, unless a manager approves it
    with a reason. Must run inside the transaction that records the sale.
    """
    lock_account(account.pk)
    exposure = exposure_of(account.pk)
    if exposure.limit is None or amount <= 0 or exposure.total + amount <= exposure.limit:
        return CreditDecision(exposure=exposure, overridden=False)
    if override_by is None:
        raise CreditLimitExceededError(account=account, exposure=exposure, amount=amount)
    if not sees_all(override_by):
        raise field_error(
            "credit_override",
            _("Only a manager can approve a sale over the credit limit."),
            code="override_not_allowed",
        )
    if not override_reason.strip():
        raise field_error(
            "credit_override",
            _("Say why this sale may exceed the credit limit."),
            code="override_needs_reason",
        )
    return CreditDecision(exposure=exposure, overridden=True)
