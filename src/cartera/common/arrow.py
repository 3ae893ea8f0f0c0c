"""The one bridge from the database to Polars frames for analytics.

Bulk reads go through Arrow with connectorx: one query, columnar, no model instances.
connectorx opens its own connection, so it cannot see rows written by a transaction
that is still open on Django's connection; inside such a transaction the same query
runs on Django's cursor instead, so a service that writes and then analyses within one
transaction sees its own writes.

SQLite is always read on Django's cursor (see :func:`read_frame`): a second SQLite
library in the process would corrupt the file. It is read a column at a time: SQLite
folds each column of the result into one text (numbers and dates one per line, strings
as a JSON array; in C, with the GIL released) and Polars parses the texts in Rust, so
no Python object is made per value: about 1.2 s of CPU for 1.4 million invoices of six
columns, instead of 5.5 s fetching rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import connectorx as cx
import polars as pl
from django.db import OperationalError, connections


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
    # SQLite is read through Django's own sqlite3 module, never connectorx: connectorx
    # links a second copy of the SQLite library into the process, and when one copy
    # closes its file it drops the other's POSIX locks, which corrupts a database that
    # another thread (the web server's) has open (sqlite.org/howtocorrupt.html §2.2.1;
    # reproduced here as "disk I/O error" and "database disk image is malformed").
    if connection.vendor == "sqlite":
        try:
            return _sqlite_columns(connection, sql, schema)
        except OperationalError:
            # An SQLite without JSON functions, or a column over SQLite's 1 GB limit on
            # a value ("string or blob too big"): fetch rows instead.
            pass
    if connection.in_atomic_block or connection.vendor == "sqlite":
        return _through_django(connection, sql, schema)
    connection.ensure_connection()
    frame = cx.read_sql(connection_url(using), sql, return_type="polars")
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def index_hint(name: str, using: str = "default") -> str:
    """Return what to write after a table's name so that SQLite reads it by index ``name``.

    For a grouping that an index holds in order with every column asked for (each
    client's first and last invoice), reading the index alone beats reading the table
    and sorting it; SQLite's planner does not see that by itself. PostgreSQL does.
    """
    if connections[using].vendor != "sqlite":
        return ""
    return f" INDEXED BY {connections[using].ops.quote_name(name)}"


_BATCH = 200_000


def _through_django(
    connection: Any, sql: str, schema: Mapping[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """Return the rows of ``sql`` fetched on Django's connection, a batch at a time.

    Batches keep the Python row tuples of a 10-million-line read from all living at once.
    SQLite gives a date or a time as text unless the column is declared one (an
    aggregate, a subquery): such text is read as :func:`_sqlite_columns` reads it.
    """
    parts: list[pl.DataFrame] = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_BATCH):
            batch = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
            parts.append(pl.DataFrame([_as(batch[n], dtype) for n, dtype in schema.items()]))
    if not parts:
        return pl.DataFrame(schema=dict(schema))
    return pl.concat(parts, rechunk=True)


def _sqlite_columns(
    connection: Any, sql: str, schema: Mapping[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """Return the rows of ``sql`` read on SQLite as one text per column.

    The texts come from one aggregate over the query, so they hold the rows in the
    same order, the query's own ``ORDER BY`` included (SQLite does not flatten an
    ordered subquery into an aggregate). Numbers, dates and times, which never hold a
    line break, come one per line (a null as an empty line) and are parsed by Polars'
    CSV reader: cheaper for SQLite to write and for Polars to read than JSON, and a date
    stays the text SQLite already holds. Text comes as a JSON array, which quotes what
    it must.
    """
    quote = connection.ops.quote_name
    aggregates = ", ".join(
        f"group_concat(coalesce({quote(name)}, ''), '\n')"
        if _is_plain(dtype)
        else f"json_group_array({quote(name)})"
        for name, dtype in schema.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), {aggregates} FROM ({sql}) AS _rows")
        rows, *texts = cursor.fetchone()
    try:
        columns = [
            _decoded(text, name, dtype)
            for text, (name, dtype) in zip(texts, schema.items(), strict=True)
        ]
    except pl.exceptions.PolarsError as error:
        # A value SQLite's dynamic typing let in that is not what the column says (text
        # in a number column): let the row path read it, and report it if need be.
        raise OperationalError(f"not readable as columns: {error}") from error
    if any(column.len() != rows for column in columns):
        raise OperationalError("not readable as columns: a value holds a line break")
    return pl.DataFrame(columns)


def _is_plain(dtype: pl.DataType | type[pl.DataType]) -> bool:
    return dtype.is_numeric() or dtype in (pl.Boolean, pl.Date) or _is_datetime(dtype)


def _is_datetime(dtype: pl.DataType | type[pl.DataType]) -> bool:
    return isinstance(dtype, pl.Datetime) or dtype == pl.Datetime


_DATETIME_FORMATS: Final = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%d")


def _decoded(text: str | None, name: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    """Return one column's aggregate ``text`` (see :func:`_sqlite_columns`) as ``dtype``."""
    if not _is_plain(dtype):
        return _json_list(pl.Series(name, [text]), pl.String).cast(dtype)
    if text is None:  # no rows at all
        return pl.Series(name, [], dtype=dtype)

    def lines(as_type: pl.DataType | type[pl.DataType]) -> pl.Series:
        # The last line break makes a last empty value (a null) a line of its own.
        data = (text + "\n").encode()
        return pl.read_csv(data, has_header=False, schema={name: as_type}).to_series()

    if dtype == pl.Date:
        try:
            return lines(pl.Date)
        except pl.exceptions.ComputeError:
            return _as(lines(pl.String), dtype)
    if _is_datetime(dtype):
        return _as(lines(pl.String), dtype)
    # SQLite types values, not columns: an integer column may hold a real (an average,
    # a decimal); read those as numbers with a fraction, then cast, as the row path does.
    whole = dtype.is_integer() or dtype == pl.Boolean
    fractional = any(mark in text for mark in ".eE") if whole else True
    return lines(pl.Float64 if fractional else pl.Int64).cast(dtype)


def _as(values: pl.Series, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    """Return ``values`` as ``dtype``; text as dates or times however it was written."""
    if values.dtype != pl.String or not (dtype == pl.Date or _is_datetime(dtype)):
        return values.cast(dtype)
    if dtype == pl.Date:
        days = values.str.to_date("%Y-%m-%d", strict=False)
        if days.null_count() == values.null_count():
            return days
        # A time of day too (written by another program): its day, in UTC.
        return _datetimes(values, values.name, "UTC").dt.date()
    return _datetimes(values, values.name, getattr(dtype, "time_zone", None) or "UTC").cast(dtype)


def _datetimes(values: pl.Series, name: str, zone: str) -> pl.Series:
    """Return the texts ``values`` as datetimes in ``zone``, whichever way they were written.

    Django writes "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; other writers may add the "T"
    and an offset.
    """
    parsed = [
        values.str.to_datetime(form, time_unit="us", time_zone=zone, strict=False)
        for form in _DATETIME_FORMATS
    ]
    result = pl.select(pl.coalesce(parsed)).to_series().alias(name)
    unread = values.is_not_null() & result.is_null()
    if unread.any():
        raise ValueError(f"column {name}: unreadable date and time {values.filter(unread)[0]!r}")
    return result


def _json_list(raw: pl.Series, inner: pl.DataType | type[pl.DataType]) -> pl.Series:
    if raw[0] == "[]":
        # Exploding an empty list gives one null, not nothing.
        return pl.Series(raw.name, [], dtype=inner)
    return raw.str.json_decode(pl.List(inner)).explode().rename(raw.name)
