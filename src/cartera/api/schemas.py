"""Schemas shared by the routers: problem details and pages of results."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field, create_model

from cartera.api.types import MAX_ID


class Problem(Schema):
    """An error, as RFC 9457 problem details."""

    type: str = Field(description="URI naming the kind of problem; about:blank if generic.")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The path that was asked for.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Field → messages, when the input was refused."
    )
    credit: dict[str, Any] | None = Field(
        None, description="The figures of a credit-limit refusal (amounts as strings)."
    )


PAGE_DEFAULT = 50
PAGE_MAX = 200


class PageQuery(Schema):
    """Where a page starts and how long it is."""

    cursor: str | None = Field(None, max_length=400, description="`next_cursor` of a page.")
    limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """Return the schema of a page of ``item``: ``items`` and the cursors around them."""
    return create_model(  # type: ignore[no-any-return, call-overload]
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, Field(None, description="Pass as `cursor` for the next page.")),
        previous_cursor=(str | None, None),
    )


class CursorError(ValueError):
    """A cursor that this API did not hand out."""


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = text.partition(":")
        pk = int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise CursorError(cursor) from exc
    if kind != "id" or not 0 < pk <= MAX_ID:
        raise CursorError(cursor)
    return pk


def keyset(queryset: QuerySet[Any], *, cursor: str | None, limit: int) -> dict[str, Any]:
    """Return a page of ``queryset`` newest first: the ``limit`` rows after ``cursor``.

    Keyset, not offset: each page is an index seek on the primary key, so the 10,000th
    page costs what the first does, and rows added meanwhile never shift a page.
    """
    rows = queryset.order_by("-pk")
    if cursor:
        rows = rows.filter(pk__lt=decode_cursor(cursor))
    found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return {
        "items": found,
        "next_cursor": encode_cursor(found[-1].pk) if more and found else None,
        "previous_cursor": None,
    }
