"""Attention against value of the portfolio a user sees, and of each salesperson's book (S2.3).

The figures are the diagnosis engine's (:func:`cartera.analytics.diagnosis.attention`
on its ABC classes); this module only feeds it the contacts and splits the company
into books. A book is judged as its salesperson sees it: the ABC classes and the
12-month window are those of the book's own diagnosis. Cached per scope and data
version like :mod:`cartera.metrics.portfolio`; logging a contact recomputes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import polars as pl

from cartera.analytics.diagnosis import Attention, abc_classes, attention, client_table
from cartera.common.dataversion import Topic, data_versions
from cartera.common.scoping import sees_all
from cartera.metrics.portfolio import KEPT_CLIENTS, cache_key, cached, scope_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

_TOPICS: Final = (Topic.SALES, Topic.ACCOUNTS, Topic.ACTIVITIES)


@dataclass(frozen=True, slots=True)
class BookAttention:
    """Attention against value of one book (the user's scope, or one salesperson's).

    ``attention.over_served_c`` and ``attention.under_served_a`` keep the first
    :data:`~cartera.metrics.portfolio.KEPT_CLIENTS` clients; the counts say how many
    there are in all.
    """

    salesperson: str | None
    salesperson_id: int | None
    as_of: dt.date
    window_start: dt.date
    attention: Attention
    over_served: int
    under_served: int


@dataclass(frozen=True, slots=True)
class AttentionReport:
    """The user's whole scope, then (for a manager) each salesperson's book by name."""

    scope: BookAttention
    books: tuple[BookAttention, ...]


def _book(
    sales: pl.DataFrame,
    contacts: pl.DataFrame,
    *,
    salesperson: str | None = None,
    salesperson_id: int | None = None,
) -> BookAttention | None:
    if sales.is_empty():
        return None
    table, period = client_table(sales)
    result = attention(abc_classes(table), contacts, period)
    return BookAttention(
        salesperson=salesperson,
        salesperson_id=salesperson_id,
        as_of=period.as_of,
        window_start=period.window.start,
        attention=dataclasses.replace(
            result,
            over_served_c=result.over_served_c.head(KEPT_CLIENTS),
            under_served_a=result.under_served_a.head(KEPT_CLIENTS),
        ),
        over_served=result.over_served_c.height,
        under_served=result.under_served_a.height,
    )


def _report(user: User | AnonymousUser) -> AttentionReport | None:
    from cartera.goals.history import owners_frame
    from cartera.ratings.inputs import activities_frame
    from cartera.sales.selectors import sales_frame

    sales = sales_frame(user=user)
    if sales.is_empty():
        return None
    owners = owners_frame(user=user)
    last = sales["date"].max()
    assert isinstance(last, dt.date)
    # The activities bridge keys accounts by id; the sales frame by code.
    codes = owners.select(pl.col("account_id").cast(pl.String).alias("key"), "client")
    contacts = (
        activities_frame(user=user, until=last)
        .rename({"client": "key"})
        .join(codes, on="key", how="inner")
        .select("client", "date", "kind")
    )
    scope = _book(sales, contacts)
    assert scope is not None
    books: list[BookAttention] = []
    if sees_all(user):
        people = owners.filter(pl.col("owner_id").is_not_null())
        for (owner_id, name), mine in sorted(
            people.group_by("owner_id", "owner"), key=lambda item: str(item[0][1])
        ):
            clients = mine.select("client")
            book = _book(
                sales.join(clients, on="client", how="semi"),
                contacts.join(clients, on="client", how="semi"),
                salesperson=str(name),
                salesperson_id=int(owner_id),
            )
            if book is not None:
                books.append(book)
    return AttentionReport(scope=scope, books=tuple(books))


def attention_report(*, user: User | AnonymousUser) -> AttentionReport | None:
    """Return attention against value for what ``user`` sees (``None``: no sales yet)."""
    versions = data_versions(*_TOPICS)
    return cached(cache_key("attention", scope_of(user), versions), lambda: _report(user))
