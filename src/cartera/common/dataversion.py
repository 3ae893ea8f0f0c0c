"""Data-version counters: the cheap way to know whether cached analytics are still valid.

Every service that writes sales, payments, activities or changes who owns an account
calls :func:`data_changed` with its topic. The counter is bumped only once the
transaction commits, so a reader can never cache figures computed from the old rows
under the new version. Caches put :func:`data_versions` in their keys.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import transaction
from django.db.models import F


class Topic(StrEnum):
    SALES = "sales"
    PAYMENTS = "payments"
    ACTIVITIES = "activities"
    ACCOUNTS = "accounts"


def _bump(topics: tuple[Topic, ...]) -> None:
    from cartera.common.models import DataVersion

    updated = DataVersion.objects.filter(topic__in=topics).update(version=F("version") + 1)
    if updated < len(topics):
        # Rows come from the migration; a database flushed by a test may lack them.
        for topic in topics:
            DataVersion.objects.get_or_create(topic=topic, defaults={"version": 1})


def data_changed(*topics: Topic | str) -> None:
    """Bump the counters of ``topics`` when the current transaction commits."""
    checked = tuple(Topic(t) for t in topics)
    transaction.on_commit(lambda: _bump(checked))


def data_versions(*topics: Topic | str) -> tuple[int, ...]:
    """Return the counters of ``topics`` in the order asked (0 for one never bumped)."""
    from cartera.common.models import DataVersion

    checked = [Topic(t) for t in topics]
    found = dict(DataVersion.objects.filter(topic__in=checked).values_list("topic", "version"))
    return tuple(int(found.get(t, 0)) for t in checked)
