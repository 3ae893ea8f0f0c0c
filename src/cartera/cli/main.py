"""Entry point of the ``cartera`` command: one Typer app, one module per command group.

Each command module parses its options, calls one service or analytics function and
prints the result; the work itself lives in services, selectors or cartera.analytics.
"""

from __future__ import annotations

from importlib import import_module

import typer

app = typer.Typer(
    name="cartera",
    help="Customer portfolio management: clients, prospects, sales, analytics.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


# One line per command module; each exposes ``register(app)``. Kept as names so that
# `cartera --help` imports them only when the command line is built.
COMMAND_MODULES: tuple[str, ...] = (
    "admin_commands",
    "analyze",
    "clv",
    "forecast",
    "goals",
    "receivables",
    "rating",
    "pipeline",
    "contacts",
    "handover",
    "ops",
    "privacy",
    "imports",
    "token",
    "audit",
)
_registered = False


def _register_commands() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    for name in COMMAND_MODULES:
        import_module(f"cartera.cli.{name}").register(app)


def main() -> None:
    _register_commands()
    app()
