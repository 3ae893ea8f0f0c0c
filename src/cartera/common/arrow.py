"""The one bridge from the database to Polars frames for analytics.

Bulk reads go through Arrow with connectorx: one query, columnar, no model instances.
connectorx opens its own connection, so it cannot see rows written by a transaction
that is still open on Django's connection; inside such a transaction the same query
runs on Django's cursor instead, so a service that writes and then analyses within one
transaction sees its own writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import connectorx as cx
import polars as pl
from django.db import connections


def connection_url(using: str = "default") -> str:
    """Return a connectorx URL for Django's database ``using``."""
    connection = connections[using]
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite://{Path(settings['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        user = quote(settings.get("USER") or "", safe="")
        password = quote(settings.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings.get("HOST") or "localhost"
        port = settings.get("PORT") or 5432
        return f"postgresql://{auth}{host}:{port}/{settings['NAME']}"
    raise NotImplementedError(f"No Arrow bridge for the {connection.vendor} backend.")


def read_frame(
    sql: str, *, schema: Mapping[str, pl.DataType | type[pl.DataType]], using: str = "default"
) -> pl.DataFrame:
    """Run ``sql`` and return its rows as a frame cast to ``schema`` (column order kept).

    ``sql`` must not take parameters: callers inline only integers and ISO dates they
    produced themselves.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    else:
        connection.ensure_connection()
        frame = cx.read_sql(connection_url(using), sql, return_type="polars")
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
