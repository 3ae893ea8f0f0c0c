"""Reads behind the client file (S2.1, S2.6, S2.2): what they bought, when, and what is next.

The account passed in is one the caller already got through
:func:`cartera.clients.selectors.account_get`, so everything here hangs from a client
the user may see.
"""

from __future__ import annotations

from typing import Final

from django.db.models import Count, Max, Min, QuerySet, Sum

from cartera.activities.models import Activity
from cartera.clients.models import Account
from cartera.sales.models import Sale, SaleLine

SALES_SHOWN: Final = 20
PRODUCTS_SHOWN: Final = 30
ACTIVITIES_SHOWN: Final = 30


def latest_sales(*, account: Account) -> QuerySet[Sale]:
    """Return the account's latest invoices and credit notes, newest first."""
    return account.sales.select_related("salesperson").order_by("-date", "-id")[:SALES_SHOWN]


def products_bought(*, account: Account) -> QuerySet[SaleLine]:
    """Return one row per product the account bought: first and last date, quantity, amount.

    Rows are dictionaries (``sku``, ``name``, ``family``, ``first``, ``last``,
    ``quantity``, ``amount`` as Decimal, ``invoices``), the most recently bought first.
    """
    return (
        SaleLine.objects.filter(sale__account=account)
        .values("product__sku", "product__name", "product__family")
        .annotate(
            first=Min("sale__date"),
            last=Max("sale__date"),
            quantity=Sum("quantity"),
            amount=Sum("amount"),
            invoices=Count("sale", distinct=True),
        )
        .order_by("-last", "product__sku")[:PRODUCTS_SHOWN]
    )


def timeline(*, account: Account) -> QuerySet[Activity]:
    """Return the account's latest follow-ups, newest first."""
    return account.activities.select_related("contact", "salesperson").order_by("-date", "-id")[
        :ACTIVITIES_SHOWN
    ]


def next_action(*, account: Account) -> Activity | None:
    """Return the follow-up whose next action is pending: the latest one that set one.

    A later follow-up without a next action means the action was done, so only the
    latest activity counts.
    """
    latest = account.activities.order_by("-date", "-id").first()
    if latest is None or latest.next_action_on is None:
        return None
    return latest
