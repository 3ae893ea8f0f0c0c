"""How model fields are stored, as Polars columns: reading rows to compare, complete new rows.

Every frame the importer compares or writes holds what the database column holds:
integer cents for money, ``Date`` for dates, ids for foreign keys, JSON text for
JSON fields. Rows already stored are read through the Arrow bridge
(:func:`cartera.common.arrow.read_frame`), never model by model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
from django.db import connection, models

from cartera.analytics.frames import MONEY
from cartera.common.arrow import read_frame
from cartera.common.fields import MoneyField


def dtype_of(field: models.Field) -> pl.DataType | type[pl.DataType]:
    """Return the Polars dtype of what ``field``'s column stores."""
    if isinstance(field, MoneyField):
        return MONEY
    if isinstance(field, models.BooleanField):
        return pl.Boolean
    if isinstance(field, models.DateTimeField):
        return pl.Datetime("us", "UTC")
    if isinstance(field, models.DateField):
        return pl.Date
    if isinstance(field, models.DecimalField | models.FloatField):
        return pl.Float64
    if isinstance(field, models.IntegerField) or field.primary_key or field.is_relation:
        return pl.Int64
    return pl.String


def column_of(model: type[models.Model], name: str) -> models.Field:
    """Return the field of ``model`` called ``name`` or with attname ``name`` (``owner_id``)."""
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    raise KeyError(f"{model._meta.label} has no field {name}")


def _select(field: models.Field, alias: str) -> str:
    column = connection.ops.quote_name(field.column)
    if isinstance(field, models.JSONField):
        return f"CAST({column} AS TEXT) AS {alias}"
    if isinstance(field, models.DecimalField):
        real = "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"
        return f"CAST({column} AS {real}) AS {alias}"
    return f"{column} AS {alias}"


def read_rows(model: type[models.Model], names: Iterable[str], *, where: str = "") -> pl.DataFrame:
    """Return ``id`` and the columns ``names`` (field names or attnames) of every row of ``model``.

    ``where`` is SQL built by the caller from integers only.
    """
    fields = {name: column_of(model, name) for name in dict.fromkeys(["id", *names])}
    table = connection.ops.quote_name(model._meta.db_table)
    selected = ", ".join(_select(f, connection.ops.quote_name(n)) for n, f in fields.items())
    sql = f"SELECT {selected} FROM {table}" + (f" WHERE {where}" if where else "")
    return read_frame(sql, schema={n: dtype_of(f) for n, f in fields.items()})


def stored_default(field: models.Field) -> Any:
    """Return what ``field``'s column stores for a new row that does not give it.

    Django's own rule: the declared default, else ``""`` for text that may not be
    null, else null.
    """
    value = field.get_default()
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(field, MoneyField):
        return field.get_prep_value(value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return field.get_prep_value(value)


def complete(
    model: type[models.Model],
    frame: pl.DataFrame,
    *,
    first_id: int,
    now: Any,
    fixed: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """Return new rows of ``model`` with every column: ids from ``first_id``, defaults, stamps.

    Columns of ``frame`` are named by attname (``owner_id``); a null where the field
    does not allow one takes the field's default. ``fixed`` gives the value of columns
    the frame lacks or leaves empty, instead of the field's default. Helper columns
    (``row`` …) are dropped.
    """
    out: list[pl.Expr] = []
    for field in model._meta.concrete_fields:
        name = field.attname
        dtype = dtype_of(field)
        if field.primary_key:
            out.append(pl.int_range(first_id, first_id + pl.len(), dtype=pl.Int64).alias(name))
        elif isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            out.append(pl.lit(now, dtype).alias(name))
        elif fixed and name in fixed:
            value = pl.lit(fixed[name], dtype)
            given = pl.col(name).cast(dtype) if name in frame.columns else None
            out.append((value if given is None else pl.coalesce(given, value)).alias(name))
        elif name in frame.columns:
            column = pl.col(name).cast(dtype)
            if not field.null:
                column = column.fill_null(pl.lit(stored_default(field), dtype))
            out.append(column.alias(name))
        else:
            out.append(pl.lit(stored_default(field), dtype).alias(name))
    return frame.select(out)
