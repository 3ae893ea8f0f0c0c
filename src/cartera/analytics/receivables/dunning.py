"""The dunning list: overdue items grouped by client, with the action their age calls for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from cartera.analytics.receivables.ageing import Ageing


class DunningAction(StrEnum):
    """Collection steps, from the mildest to the hardest."""

    REMINDER = "reminder"
    CALL = "call"
    FORMAL_NOTICE = "formal_notice"
    SUSPEND_CREDIT = "suspend_credit"
    COLLECTIONS_AGENCY = "collections_agency"
    LEGAL_ACTION = "legal_action"


@dataclass(frozen=True, slots=True)
class DunningStep:
    """From ``min_days`` overdue on, suggest ``action``."""

    min_days: int
    action: DunningAction


DEFAULT_STEPS: tuple[DunningStep, ...] = (
    DunningStep(1, DunningAction.REMINDER),
    DunningStep(16, DunningAction.CALL),
    DunningStep(31, DunningAction.FORMAL_NOTICE),
    DunningStep(61, DunningAction.SUSPEND_CREDIT),
    DunningStep(91, DunningAction.COLLECTIONS_AGENCY),
    DunningStep(181, DunningAction.LEGAL_ACTION),
)
"""Reminder from 1 day overdue, call from 16, formal notice from 31, suspend credit
from 61, collections agency from 91, legal action from 181."""


@dataclass(frozen=True, slots=True)
class DunningList:
    """Overdue items at a date, by client, with a suggested action.

    Attributes
    ----------
    as_of
        The date of the list.
    clients
        One row per client with something overdue: ``client``, ``overdue_cents``,
        ``invoices``, ``oldest_days_overdue``, ``action`` (for the oldest item),
        ``salesperson`` (of the client's most recent overdue invoice) when known, and
        the columns of ``contacts``; most overdue first.
    items
        The overdue invoices: the ageing item columns plus ``action``; by client, oldest
        first.
    """

    as_of: dt.date
    clients: pl.DataFrame
    items: pl.DataFrame


def _action(days: pl.Expr, steps: tuple[DunningStep, ...]) -> pl.Expr:
    ordered = sorted(steps, key=lambda s: s.min_days)
    expr: pl.Expr = pl.lit(None, pl.String)
    for step in ordered:
        # Later (harder) steps overwrite earlier ones: the last threshold passed wins.
        expr = pl.when(days >= step.min_days).then(pl.lit(step.action.value)).otherwise(expr)
    return expr.cast(pl.Enum([a.value for a in DunningAction]))


def dunning_list(
    aged: Ageing,
    *,
    contacts: pl.DataFrame | None = None,
    steps: tuple[DunningStep, ...] = DEFAULT_STEPS,
    min_days: int = 1,
) -> DunningList:
    """Return the overdue items of ``aged`` grouped by client, with a suggested action.

    Parameters
    ----------
    aged
        The ageing at the date of the list.
    contacts
        Optional frame with a ``client`` column and any others (purchasing contact,
        phone, e-mail …); its columns are passed through to ``clients``.
    steps
        The collection steps; :data:`DEFAULT_STEPS` when omitted.
    min_days
        Items less overdue than this are left off (a grace period).
    """
    if contacts is not None and "client" not in contacts.columns:
        raise ValueError("the contacts frame needs a client column")
    items = (
        aged.items.lazy()
        .filter(pl.col("days_overdue") >= max(min_days, 1))
        .with_columns(_action(pl.col("days_overdue"), steps).alias("action"))
        .sort(["client", "days_overdue", "invoice"], descending=[False, True, False])
    )
    has_salesperson = "salesperson" in aged.items.columns
    clients = items.group_by("client").agg(
        pl.col("open_cents").sum().alias("overdue_cents"),
        pl.len().cast(pl.Int64).alias("invoices"),
        pl.col("days_overdue").max().alias("oldest_days_overdue"),
        pl.col("action").max(),
        *([pl.col("salesperson").sort_by("date", "invoice").last()] if has_salesperson else []),
    )
    if contacts is not None:
        clients = clients.join(contacts.lazy(), on="client", how="left")
    clients = clients.sort(
        ["oldest_days_overdue", "overdue_cents", "client"], descending=[True, True, False]
    )
    frames = pl.collect_all([clients, items])
    return DunningList(as_of=aged.as_of, clients=frames[0], items=frames[1])
