"""Match incoming rows to stored rows by natural key and sort them: new, changed, unchanged.

An empty cell never erases a stored value: it keeps what the database has (and a new
row takes the field's default). So a row is *changed* only where the file gives a
value that differs from the stored one, and re-importing a file, or importing a file
exported by cartera, changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cartera.imports.problems import Check
from cartera.imports.storage import complete

OLD = "__old"

TABLE_NAMES = {
    "clients": gettext_lazy("clients"),
    "prospects": gettext_lazy("prospects"),
    "contacts": gettext_lazy("contacts"),
    "products": gettext_lazy("products"),
    "salespeople": gettext_lazy("salespeople"),
    "sales": gettext_lazy("sales"),
    "sale_lines": gettext_lazy("sale lines"),
    "payments": gettext_lazy("payments"),
    "activities": gettext_lazy("activities"),
    "campaigns": gettext_lazy("campaigns"),
    "goals": gettext_lazy("goals"),
    "ownership_periods": gettext_lazy("ownership periods"),
}
"""Report keys → what they are called on screen (translated)."""


def name_key(expr: pl.Expr) -> pl.Expr:
    """Return names reduced for matching: trimmed, spaces collapsed, no case (accents kept)."""
    return (
        expr.str.normalize("NFC").str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()
    )


def duplicates(key: Sequence[str], column: str, value: pl.Expr) -> Check:
    """Return the check that a key is used once in the file (the first use is kept)."""
    first = pl.col("row").first().over(key)
    repeated = ~pl.struct(key).is_first_distinct() & pl.all_horizontal(
        pl.col(k).is_not_null() for k in key[:1]
    )
    template = _("a value not already used in the file (row {} has it)")
    return Check(repeated, column, value, pl.format(template, first))


@dataclass(frozen=True, slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True, slots=True)
class Step:
    """What one import writes into one table.

    Attributes
    ----------
    model
        The table.
    label
        What the rows are, for the report: a stable key (``clients``, ``sale_lines`` …),
        translated where shown (see :data:`TABLE_NAMES`).
    creates
        New rows, complete, ids from ``first_id``.
    updates
        ``id`` and the new value of every compared column of the changed rows.
    unchanged
        Rows of the file equal to what is stored.
    first_id
        The first id given to new rows (checked again when writing).
    """

    model: type[models.Model]
    label: str
    creates: pl.DataFrame
    updates: pl.DataFrame = field(default_factory=pl.DataFrame)
    unchanged: int = 0
    first_id: int = 1

    @property
    def counts(self) -> Counts:
        return Counts(self.creates.height, self.updates.height, self.unchanged)


def matched(
    incoming: pl.DataFrame, stored: pl.DataFrame, *, key: Sequence[str], fields: Sequence[str]
) -> pl.DataFrame:
    """Return ``incoming`` with the stored ``id`` and ``field__old`` columns of the same key."""
    renamed = stored.select(
        pl.col("id"), *[pl.col(k) for k in key], *[pl.col(f).alias(f + OLD) for f in fields]
    )
    # One stored row per key: the oldest wins when the database itself holds doubles.
    renamed = renamed.sort("id").unique(subset=list(key), keep="first", maintain_order=True)
    return incoming.join(renamed, on=list(key), how="left", nulls_equal=True, maintain_order="left")


def changed(fields: Sequence[str]) -> pl.Expr:
    """Return whether a matched row gives a value that differs from a stored one."""
    if not fields:
        return pl.lit(False)
    return pl.any_horizontal(
        pl.col(f).is_not_null() & ~pl.col(f).eq_missing(pl.col(f + OLD)) for f in fields
    )


def plan_upsert(
    model: type[models.Model],
    label: str,
    incoming: pl.DataFrame,
    stored: pl.DataFrame,
    *,
    key: Sequence[str],
    fields: Sequence[str],
    first_id: int,
    now: Any,
    fixed: Mapping[str, Any] | None = None,
) -> Step:
    """Return the rows of ``incoming`` to create and to update in ``model``.

    Parameters
    ----------
    incoming
        The file's rows: the ``key`` columns and the ``fields`` (attnames, stored form);
        a null is a cell left empty.
    stored
        ``id``, the ``key`` columns and the ``fields`` of the rows in the database.
    key
        Columns matching a file row to a stored row.
    fields
        Columns the file gives: compared, and written where they differ.
    first_id
        Id of the first new row.
    fixed
        Values of columns the file does not give, for new rows.
    """
    if stored.height == 0:
        # A first import: every row is new, and a join would only copy them.
        creates = complete(model, incoming, first_id=first_id, now=now, fixed=fixed)
        return Step(model, label, creates, pl.DataFrame(), 0, first_id)
    both = matched(incoming, stored, key=key, fields=fields)
    with_flag = both.with_columns(changed(fields).alias("__changed"))
    new = with_flag.filter(pl.col("id").is_null())
    old = with_flag.filter(pl.col("id").is_not_null())
    stamps = [
        pl.lit(now, pl.Datetime("us", "UTC")).alias(f.attname)
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and f.auto_now
    ]
    updates = old.filter(pl.col("__changed")).select(
        pl.col("id"), *[pl.coalesce(pl.col(f), pl.col(f + OLD)).alias(f) for f in fields], *stamps
    )
    creates = complete(model, new.drop("id"), first_id=first_id, now=now, fixed=fixed)
    return Step(model, label, creates, updates, old.height - updates.height, first_id)
