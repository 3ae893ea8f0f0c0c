"""Bulk updates of existing rows (the twin of :func:`cartera.common.bulk.bulk_insert`),
and foreign keys put aside during a bulk load on PostgreSQL.

Changed rows are written in bulk too: on PostgreSQL they are copied into a temporary
table with ``COPY`` and applied with one ``UPDATE … FROM``; on SQLite one prepared
``UPDATE … WHERE id = ?`` runs through ``executemany``. Both go through Django's
connection, inside the import's transaction.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from django.db import connection, models

from cartera.imports.storage import column_of

BATCH = 50_000
_counter = itertools.count()


def _for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with what sqlite3 stores without a Python adapter per value."""
    casts = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            casts.append(column.dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            casts.append(column.dt.strftime("%Y-%m-%d %H:%M:%S%.f"))
        elif dtype == pl.Boolean:
            casts.append(column.cast(pl.Int8))
    return frame.with_columns(casts) if casts else frame


def bulk_update(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Set the columns of ``frame`` on the rows of ``model`` whose ``id`` it gives.

    Columns are named by attname and hold what the column stores (as for
    :func:`cartera.common.bulk.bulk_insert`). Return the number of rows written.
    """
    if frame.height == 0:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = [c for c in frame.columns if c != "id"]
    columns = [quote(column_of(model, n).column) for n in names]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = quote(f"cartera_import_{next(_counter)}")
            listed = ", ".join(["id", *columns])
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temp} AS SELECT {listed} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(
                f"COPY {temp} ({listed}) FROM STDIN WITH (FORMAT csv, NULL '')"
            ) as copy:
                ordered = frame.select(["id", *names])
                for offset in range(0, ordered.height, BATCH):
                    buffer = io.BytesIO()
                    part = ordered.slice(offset, BATCH)
                    part.write_csv(buffer, include_header=False, quote_style="non_numeric")
                    copy.write(buffer.getvalue())
            assignments = ", ".join(f"{c} = {temp}.{c}" for c in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {temp} WHERE {table}.id = {temp}.id"
            )
            cursor.execute(f"DROP TABLE {temp}")
            return frame.height
        assignments = ", ".join(f"{c} = %s" for c in columns)
        sql = f"UPDATE {table} SET {assignments} WHERE id = %s"
        ordered = _for_sqlite(frame.select([*names, "id"]))
        for offset in range(0, ordered.height, BATCH):
            cursor.executemany(sql, ordered.slice(offset, BATCH).rows())
    return frame.height


@contextmanager
def deferred_foreign_keys(*models_: type[models.Model]) -> Iterator[None]:
    """Drop the foreign keys of ``models_`` for a bulk load and add them back after (PostgreSQL).

    PostgreSQL checks a foreign key with a trigger per inserted row, which took half
    the time of a million-line load; adding the constraint back checks every row in
    one join instead. Use it inside the load's transaction: on failure the drop is
    rolled back, and a row that breaks a key fails the whole load when it is added.
    Other backends check as they load.
    """
    if connection.vendor != "postgresql" or not models_:
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        keys = cursor.fetchall()
        # Tables with pending deferred checks cannot be altered: run the checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
