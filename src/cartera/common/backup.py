"""Backups of the whole database and their restore, on SQLite and PostgreSQL.

SQLite uses its online backup API, which copies a consistent snapshot while the
application keeps running (a plain file copy of a WAL database can be torn).
PostgreSQL uses ``pg_dump`` in its custom format and ``pg_restore --clean``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    backend: str
    bytes: int


def _pg_env_and_args(using: str) -> tuple[dict[str, str], list[str]]:
    settings = connections[using].settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    args = [
        "--host",
        settings.get("HOST") or "localhost",
        "--port",
        str(settings.get("PORT") or 5432),
    ]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    return env, [*args, "--dbname", settings["NAME"]]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed; install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client)."
        )
    return path


def backup(target: Path, *, using: str = "default") -> BackupResult:
    """Write a consistent copy of the whole database to ``target``."""
    connection = connections[using]
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        env, args = _pg_env_and_args(using)
        result = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"No backup for the {connection.vendor} backend.")
    return BackupResult(path=target, backend=connection.vendor, bytes=target.stat().st_size)


def _kind_of(source: Path) -> str:
    with source.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{source} is not a cartera backup (neither SQLite nor pg_dump custom format)."
    )


def _check_sqlite_backup(source: Path) -> None:
    probe = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if probe.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{source} is damaged (integrity check failed).")
        tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        probe.close()
    if not {"django_migrations", "clients_account"} <= tables:
        raise BackupError(f"{source} is a SQLite file but not a cartera database.")


def restore(source: Path, *, using: str = "default") -> None:
    """Replace the whole database with the backup ``source``.

    The backup must come from the same kind of database (a SQLite file into SQLite,
    a ``pg_dump`` archive into PostgreSQL). Every open connection is closed first.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    connection = connections[using]
    kind = _kind_of(source)
    if kind != connection.vendor:
        raise BackupError(
            f"{source} is a {kind} backup but this database is {connection.vendor}; "
            f"restore it into a {kind} database."
        )
    if connection.in_atomic_block:
        raise BackupError("Restore outside any transaction.")
    if kind == "sqlite":
        _check_sqlite_backup(source)
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    connections.close_all()
    env, args = _pg_env_and_args(using)
    result = subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         *args, str(source)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
