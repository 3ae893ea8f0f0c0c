"""Ownership periods for the owners an import sets (S0.4: who held each client, and when).

A new account with a salesperson gets its first period from the day of the import.
An existing account whose salesperson the file changes is handed over as
:func:`cartera.clients.services.account_hand_over` does: the open period ends the day
before (or on the day, when it started that day) and a new one opens.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from cartera.clients.models import OwnershipPeriod
from cartera.common.bulk import bulk_insert, next_id
from cartera.imports.storage import complete

_IDS_PER_STATEMENT = 5_000


def first_periods(
    accounts: pl.DataFrame, *, day: dt.date, reason: str, first_id: int, now: dt.datetime
) -> pl.DataFrame:
    """Return new periods for new accounts (``id``, ``owner_id``) that have an owner."""
    opened = accounts.filter(pl.col("owner_id").is_not_null()).select(
        pl.col("id").alias("account_id"),
        pl.col("owner_id").alias("salesperson_id"),
        pl.lit(day).alias("started_on"),
        pl.lit(reason).alias("reason"),
    )
    return complete(OwnershipPeriod, opened, first_id=first_id, now=now)


def hand_over(changes: pl.DataFrame, *, day: dt.date, reason: str, now: dt.datetime) -> int:
    """Close the open period of each account in ``changes`` and open one for its new owner.

    ``changes`` has ``account_id`` and ``salesperson_id``. Run inside the import's
    transaction; return the number of accounts handed over.
    """
    if changes.height == 0:
        return 0
    ids = changes["account_id"].to_list()
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        part = ids[start : start + _IDS_PER_STATEMENT]
        open_periods = OwnershipPeriod.objects.filter(account_id__in=part, ended_on__isnull=True)
        # A period closed the day before the hand-over cannot end before it started.
        open_periods.filter(started_on__lt=day).update(ended_on=day - dt.timedelta(days=1))
        open_periods.filter(started_on__gte=day).update(ended_on=day)
    opened = changes.select(
        "account_id",
        "salesperson_id",
        pl.lit(day).alias("started_on"),
        pl.lit(reason).alias("reason"),
    )
    return bulk_insert(
        OwnershipPeriod,
        complete(OwnershipPeriod, opened, first_id=next_id(OwnershipPeriod), now=now),
    )
