"""Reads of accounts, scoped by the user's role (common.scoping)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from cartera.clients.models import (
    CLIENT_STATUSES,
    Account,
    Contact,
    OwnershipPeriod,
    Status,
)
from cartera.common.scoping import visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User


def accounts_visible_to(user: User | AnonymousUser) -> QuerySet[Account]:
    """Return the accounts (clients and prospects) that ``user`` may see."""
    return visible_to(Account.objects.all(), user)


def account_get(*, user: User | AnonymousUser, pk: int) -> Account | None:
    """Return the account ``pk`` if ``user`` may see it, else ``None``."""
    return accounts_visible_to(user).select_related("owner", "campaign").filter(pk=pk).first()


def contacts_of(*, account: Account) -> QuerySet[Contact]:
    """Return the account's contacts, the purchasing contact first."""
    return account.contacts.order_by("-is_purchasing", "name", "id")


def ownership_history(*, account: Account) -> QuerySet[OwnershipPeriod]:
    return account.ownership.select_related("salesperson").order_by("started_on", "id")


@dataclass(frozen=True, slots=True)
class PortfolioCounts:
    clients: int  # every account that is or was a client (S0.1)
    active: int
    prospects: int
    lost: int
    special: int


def portfolio_counts(*, user: User | AnonymousUser) -> PortfolioCounts:
    """Return how many clients, prospects, lost and special clients ``user`` sees."""
    counts = accounts_visible_to(user).aggregate(
        clients=Count("id", filter=Q(status__in=CLIENT_STATUSES)),
        active=Count("id", filter=Q(status=Status.CLIENT)),
        prospects=Count("id", filter=Q(status__in=[Status.PROSPECT, Status.QUALIFIED])),
        lost=Count("id", filter=Q(status=Status.LOST)),
        special=Count("id", filter=Q(is_special=True)),
    )
    return PortfolioCounts(**counts)
