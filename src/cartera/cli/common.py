"""Helpers shared by the commands that work on the database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

errors = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print ``message`` as an error and return the exit for bad input (code 2)."""
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


def parse_date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} expects a date YYYY-MM-DD, got {text!r}") from None


def acting_user(username: str | None) -> Any:
    """Return the login named by ``--as``, or the system principal that sees everything."""
    from cartera.audit.context import act_as
    from cartera.common.scoping import SYSTEM
    from cartera.users.models import User

    if not username:
        act_as(SYSTEM)
        return SYSTEM
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise fail(f"--as: there is no active user {username!r}")
    # The audit trail records this login as the author of the command's changes.
    act_as(user)
    return user


def write_json(payload: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
