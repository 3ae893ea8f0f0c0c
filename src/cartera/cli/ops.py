"""``cartera backup`` and ``cartera restore``: the whole database to a file and back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cartera.cli.common import fail
from cartera.cli.django_setup import setup_django

console = Console()


def backup_command(
    out: Annotated[Path | None, typer.Argument(help="File to write; default var/backups/…")] = None,
) -> None:
    """Write a consistent copy of the whole database (safe while the app runs)."""
    setup_django()
    from django.db import connection

    from cartera.common.backup import BackupError, backup

    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"
    target = out or Path("var/backups") / f"cartera-{datetime.now():%Y%m%d-%H%M%S}{suffix}"
    try:
        result = backup(target)
    except BackupError as exc:
        raise fail(str(exc)) from exc
    console.print(f"Backup written: {result.path} ({result.bytes / 1e6:.1f} MB, {result.backend}).")


def restore_command(
    source: Annotated[Path, typer.Argument(help="A file written by `cartera backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: the current data is replaced.")
    ] = False,
) -> None:
    """Replace the whole database with a backup."""
    setup_django()
    from cartera.common.backup import BackupError, restore

    if not yes:
        raise fail("restoring replaces every row of the current database; add --yes to confirm")
    try:
        restore(source)
    except BackupError as exc:
        raise fail(str(exc)) from exc
    console.print(f"Database restored from {source}.")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
