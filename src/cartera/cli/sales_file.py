"""Helpers of the commands that read a sales file without a database (analyze, clv).

Nothing here imports Django, so those commands keep starting fast on a laptop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from gettext import gettext as _
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from cartera.analytics.io import ReadError

errors = Console(stderr=True)
T = TypeVar("T")
SHOWN_PROBLEMS = 30
"""Problems listed on the terminal; the rest are counted (the JSON report has them all)."""


def fail(message: str) -> typer.Exit:
    """Print ``message`` as an error and return the exit for bad input (code 2)."""
    errors.print(f"[bold red]{_('error')}:[/] {message}")
    return typer.Exit(code=2)


def column_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """Return ``--col ROLE=HEADER`` options as a mapping; bad ones are a usage error."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        role, sep, header = pair.partition("=")
        if not sep or not role.strip() or not header.strip():
            raise fail(
                _("--col expects ROLE=HEADER (e.g. client='Cod. Tercero'), got {p!r}").format(
                    p=pair
                )
            )
        mapping[role.strip()] = header.strip()
    return mapping


def date_option(text: str | None, option: str) -> dt.date | None:
    """Return the date of a ``YYYY-MM-DD`` option, ``None`` when not given."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(_("{o} expects a date YYYY-MM-DD, got {t!r}").format(o=option, t=text)) from None


def show_problems(error: ReadError, title: str) -> None:
    """Print where the file is wrong: file, row, column, value and what was expected."""
    table = Table(title=title, title_style="bold red")
    for heading in (_("file"), _("row"), _("column"), _("value"), _("expected")):
        table.add_column(heading, overflow="fold")
    for p in error.problems[:SHOWN_PROBLEMS]:
        table.add_row(
            Path(p.file).name if p.file else "",
            "" if p.row is None else str(p.row),
            p.column or "",
            "" if p.value is None else repr(p.value),
            p.expected,
        )
    errors.print(table)
    hidden = error.total - min(len(error.problems), SHOWN_PROBLEMS)
    if hidden > 0:
        errors.print(_("… and {n} more problem(s).").format(n=hidden))


def step(progress: Progress, label: str, work: Callable[[], T]) -> T:
    """Run ``work`` as one spinner line of ``progress``, marked done when it returns."""
    task = progress.add_task(label, total=None)
    try:
        return work()
    finally:
        progress.update(task, completed=1, total=1)
