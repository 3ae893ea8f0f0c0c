"""Reads the web pages need beyond the domain apps' own: saved views, contacts due, names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from django.db.models import Exists, OuterRef, Q, QuerySet

from cartera.activities.models import Activity
from cartera.clients.models import Account
from cartera.common.scoping import visible_to
from cartera.web.models import SavedView

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

DUE_SHOWN: Final = 15


def saved_views_of(*, user: User | AnonymousUser, page: str) -> QuerySet[SavedView]:
    """Return the views ``user`` saved for ``page`` (a user's views are theirs alone)."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    return SavedView.objects.filter(user_id=user.pk, page=page).order_by("name", "id")


def contacts_due(*, user: User | AnonymousUser, on: dt.date) -> QuerySet[Activity]:
    """Return the pending next actions due by ``on`` on clients ``user`` sees (S2.2).

    A next action is pending while the activity that set it is its account's latest:
    logging the call or visit it asked for closes it.
    """
    later = Activity.objects.filter(account_id=OuterRef("account_id")).filter(
        Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), id__gt=OuterRef("id"))
    )
    return (
        visible_to(Activity.objects.all(), user)
        .filter(next_action_on__lte=on)
        .filter(~Exists(later))
        .select_related("account", "contact")
        .order_by("next_action_on", "id")
    )


def accounts_by_code(*, user: User | AnonymousUser, codes: Iterable[str]) -> dict[str, Account]:
    """Return the accounts ``user`` sees among ``codes``, by code (to name analytics rows)."""
    wanted = [str(code) for code in codes]
    return {
        account.code: account
        for account in visible_to(Account.objects.filter(code__in=wanted), user).only(
            "id", "code", "legal_name", "trade_name"
        )
    }
