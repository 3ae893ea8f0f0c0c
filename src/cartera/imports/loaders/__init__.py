"""One loader per kind of row: resolve references, check business rules, plan the writes.

Each module exposes ``plan(ctx, rows) -> Plan``; :data:`LOADERS` maps kinds to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from cartera.imports.loaders import (
    accounts,
    activities,
    campaigns,
    catalog,
    contacts,
    goals,
    payments,
    sales,
    team,
)
from cartera.imports.loaders.base import Context, Plan

LOADERS: Mapping[str, Callable[[Context, pl.DataFrame], Plan]] = {
    "clients": accounts.plan,
    "prospects": accounts.plan,
    "contacts": contacts.plan,
    "products": catalog.plan,
    "salespeople": team.plan,
    "sales": sales.plan,
    "payments": payments.plan,
    "activities": activities.plan,
    "campaigns": campaigns.plan,
    "goals": goals.plan,
}

__all__ = ["LOADERS", "Context", "Plan"]
