"""Fast bulk writes of a Polars frame on the Django connection.

The ORM's ``bulk_create`` builds a model instance per row (about 60k rows/s on SQLite
here), and even ``executemany`` crawls when sqlite3 must call a Python adapter for every
date, datetime and decimal. So the frame is first converted column-wise, in Polars, to
exactly what each backend stores, then handed over in bulk: ``executemany`` on plain
Python tuples for SQLite, ``COPY … FROM STDIN (FORMAT csv)`` for PostgreSQL. Rows go
through Django's connection, so they join the caller's transaction: an import stays
atomic.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import polars as pl
from django.db import connections, models

BATCH = 50_000
# How Django's SQLite backend writes an aware datetime: UTC, naive, space-separated.
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.f"


def _columns(model: type[models.Model], fields: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def _for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    casts = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            casts.append(column.dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            casts.append(column.dt.strftime(_SQLITE_DATETIME))
        elif isinstance(dtype, pl.Decimal):
            casts.append(column.cast(pl.String))
        elif dtype == pl.Boolean:
            casts.append(column.cast(pl.Int8))
    return frame.with_columns(casts) if casts else frame


def _slices(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, size):
        yield frame.slice(offset, size)


def _with_defaults(model: type[models.Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with the model's defaults for the NOT NULL columns it lacks.

    Django's ``default=`` lives in Python, not in the table, so a raw insert that omits
    a column added later would fail; filling it here keeps bulk loaders working when
    the model grows.
    """
    from django.utils import timezone

    missing: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if field.attname in frame.columns or field.primary_key or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            missing[field.attname] = timezone.now()
        elif field.has_default() or field.empty_strings_allowed:
            # Text fields without a default get "" from Django, as the ORM would store.
            value = field.get_prep_value(field.get_default())
            missing[field.attname] = json.dumps(value) if isinstance(value, dict | list) else value
    return frame.with_columns(pl.lit(v).alias(k) for k, v in missing.items()) if missing else frame


def bulk_insert(model: type[models.Model], frame: pl.DataFrame, *, using: str = "default") -> int:
    """Insert every row of ``frame`` into ``model``'s table; return the number written.

    Columns are named after model fields (``owner_id`` style for foreign keys) and hold
    what the column stores: integer cents for money, ``Date``/``Datetime`` for dates,
    JSON text for JSON fields. NOT NULL columns left out get the model field's default.
    """
    if frame.height == 0:
        return 0
    frame = _with_defaults(model, frame)
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in _columns(model, frame.columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '')"
            ) as copy:
                for part in _slices(frame, BATCH):
                    buffer = io.BytesIO()
                    # Quoting every string keeps "" (empty text) apart from NULL.
                    part.write_csv(buffer, include_header=False, quote_style="non_numeric")
                    copy.write(buffer.getvalue())
            return frame.height
        placeholders = ", ".join(["%s"] * frame.width)
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"
        for part in _slices(_for_sqlite(frame), BATCH):
            cursor.executemany(sql, part.rows())
    return frame.height


def next_id(model: type[models.Model], *, using: str = "default") -> int:
    """Return one more than the largest primary key of ``model`` (1 on an empty table)."""
    top = model._default_manager.using(using).aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def reset_sequences(*models_: type[models.Model], using: str = "default") -> None:
    """Move PostgreSQL's id sequences past ids written explicitly by :func:`bulk_insert`."""
    connection = connections[using]
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _secondary_indexes(
    cursor: object, connection: object, tables: list[str]
) -> list[tuple[str, str]]:
    """Return (name, CREATE statement) of the plain indexes of ``tables``.

    Unique and primary-key indexes stay: they are constraints, checked row by row.
    """
    marks = ", ".join(["%s"] * len(tables))
    if connection.vendor == "postgresql":  # type: ignore[attr-defined]
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            f"WHERE i.schemaname = current_schema() AND i.tablename IN ({marks}) "
            "AND NOT x.indisunique AND NOT x.indisprimary",
            tables,
        )
    else:
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
            tables,
        )
    return list(cursor.fetchall())  # type: ignore[attr-defined]


@contextmanager
def deferred_indexes(*models_: type[models.Model], using: str = "default") -> Iterator[None]:
    """Drop the plain indexes of ``models_`` for a bulk load and build them again after.

    Building an index once over sorted data is several times faster than updating it
    on every insert. Use it inside the load's transaction: on failure the drop is
    rolled back with everything else.
    """
    connection = connections[using]
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A big page cache keeps unique-index pages in memory during the load.
            cursor.execute("PRAGMA cache_size = -524288")
        indexes = _secondary_indexes(cursor, connection, tables)
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; PostgreSQL will not index a table with
            # pending checks, so run them now (they would run at commit anyway).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, sql in indexes:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -65536")


def replace_indexes(
    *models_: type[models.Model], using: str = "default"
) -> AbstractContextManager[None]:
    """Return the context for replacing every row of ``models_`` within a transaction.

    On SQLite it is :func:`deferred_indexes`: building the indexes once afterwards beats
    updating them row by row. On PostgreSQL nothing: before building an index it would
    check every deferred foreign key of the new rows at once, which costs more than the
    index updates it saves for a table of about 100,000 rows.
    """
    if connections[using].vendor == "sqlite":
        return deferred_indexes(*models_, using=using)
    return nullcontext()


@contextmanager
def bulk_load_session(using: str = "default") -> Iterator[None]:
    """Prepare the connection for a large load; enter it *outside* any transaction.

    On SQLite the rollback journal is kept in memory for the load instead of writing
    every page twice through the WAL (commit of a 13M-row load: 4.3 s → 1 s). A crash
    in the middle of the load can then leave the file damaged, so use it only to fill
    an empty database (the demo, a first import).
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("bulk_load_session() must be entered outside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = WAL")
