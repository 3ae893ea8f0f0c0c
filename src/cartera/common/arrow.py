"""The one bridge from the database to Polars frames for analytics.

Bulk reads go through Arrow with connectorx: one query, columnar, no model instances.
connectorx opens its own connection, so it cannot see rows written by a transaction
that is still open on Django's connection; inside such a transaction the same query
runs on Django's cursor instead, so a service that writes and then analyses within one
transaction sees its own writes. SQLite is always read on Django's cursor (see
:func:`read_frame`): a second SQLite library in the process would corrupt the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
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
    casts = [pl.col(name).cast(dtype) for name, dtype in schema.items()]
    # SQLite is read through Django's own sqlite3 module, never connectorx: connectorx
    # links a second copy of the SQLite library into the process, and when one copy
    # closes its file it drops the other's POSIX locks, which corrupts a database that
    # another thread (the web server's) has open (sqlite.org/howtocorrupt.html §2.2.1;
    # reproduced here as "disk I/O error" and "database disk image is malformed").
    if connection.in_atomic_block or connection.vendor == "sqlite":
        return _through_django(connection, sql, schema, casts)
    connection.ensure_connection()
    frame = cx.read_sql(connection_url(using), sql, return_type="polars")
    return frame.select(casts)


_BATCH = 200_000


def _through_django(
    connection: Any,
    sql: str,
    schema: Mapping[str, pl.DataType | type[pl.DataType]],
    casts: list[pl.Expr],
) -> pl.DataFrame:
    """Return the rows of ``sql`` fetched on Django's connection, a batch at a time.

    Batches keep the Python row tuples of a 10-million-line read from all living at once.
    """
    parts: list[pl.DataFrame] = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_BATCH):
            batch = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
            parts.append(batch.select(casts))
    if not parts:
        return pl.DataFrame(schema=dict(schema))
    return pl.concat(parts, rechunk=True)
