"""The client list's overdue filter (S1.8): clients with debt past its due date.

Registered from :meth:`cartera.receivables.apps.ReceivablesConfig.ready`, so the list,
its CSV/XLSX export and the saved views get it through :mod:`cartera.clients.filters`.

What a client still owes comes from the stored metrics: the refresh ages the ledger
(payments matched to invoices, oldest first) and keeps, per client, the due date of the
oldest invoice not fully paid. "Overdue more than N days" is then "that date is before
today minus N days": one range on an index, with no matching of payments per request,
and right on any later day as long as no payment or sale came in (those make the
metrics stale, and the list refreshes them).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cartera.clients.filters import ListFilter

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.clients.models import Account
    from cartera.users.models import User

ANY: Final = "any"
OVERDUE_CHOICES: Final = [
    (ANY, _("With overdue debt")),
    ("30", _("Overdue more than 30 days")),
    ("60", _("Overdue more than 60 days")),
    ("90", _("Overdue more than 90 days")),
]


def _overdue_field(user: User | AnonymousUser) -> forms.Field:
    return forms.ChoiceField(
        label=_("Overdue debt"), required=False, choices=[("", _("All")), *OVERDUE_CHOICES]
    )


def clients_overdue(
    queryset: QuerySet[Account], choice: str, *, today: dt.date | None = None
) -> QuerySet[Account]:
    """Return the accounts of ``queryset`` owing money overdue by more than ``choice``
    days (``any``: at least one day) on ``today``."""
    days = 0 if choice == ANY else int(choice)
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=days)
    return queryset.filter(metrics__oldest_open_due__lt=cutoff)


OVERDUE_FILTER = ListFilter("overdue", _overdue_field, clients_overdue, group="analytics")
