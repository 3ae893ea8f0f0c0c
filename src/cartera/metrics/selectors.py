"""Reads of the stored per-client metrics, scoped like everything else (common.scoping)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from cartera.clients.models import Status
from cartera.common.dataversion import Topic, data_versions
from cartera.common.scoping import visible_to
from cartera.metrics.models import ClientMetrics, MetricsRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.clients.models import Account
    from cartera.users.models import User


def latest_run() -> MetricsRun | None:
    """Return the last refresh of the metrics, if there was one."""
    return MetricsRun.objects.order_by("-id").first()


def run_is_current(run: MetricsRun | None) -> bool:
    """Return whether ``run`` saw the sales and payments as they are now.

    Payments count since the stored metrics hold each client's open receivables.
    """
    if run is None:
        return False
    return (run.sales_version, run.payments_version) == data_versions(Topic.SALES, Topic.PAYMENTS)


def metrics_of(*, account: Account) -> ClientMetrics | None:
    """Return the stored metrics of ``account`` (``None``: never bought, or not refreshed)."""
    return ClientMetrics.objects.filter(account_id=account.pk).first()


def clients_at_risk(*, user: User | AnonymousUser, limit: int = 10) -> QuerySet[ClientMetrics]:
    """Return the valuable clients at risk that ``user`` sees, most value at risk first.

    Accounts already marked lost are left out: they are not at risk any more, and the
    list is for the calls that can still keep a client (S0.4).
    """
    return (
        visible_to(ClientMetrics.objects.all(), user)
        .filter(at_risk=True, account__status=Status.CLIENT)
        .select_related("account")
        .order_by("-value_at_risk", "account_id")[:limit]
    )
