"""Entry point of the ``cartera`` command: one Typer app, one module per command group.

Each command module parses its options, calls one service or analytics function and
prints the result; the work itself lives in services, selectors or cartera.analytics.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="cartera",
    help="Customer portfolio management: clients, prospects, sales, analytics.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


_registered = False


def _register_commands() -> None:
    # Imported here so that `cartera --help` does not pay for every module at import.
    # Each command module adds its commands: `from cartera.cli import x; x.register(app)`.
    global _registered
    if _registered:
        return
    _registered = True
    from cartera.cli import admin_commands, analyze, ops, privacy
    from cartera.cli import audit as audit_command
    from cartera.cli import clv as clv_command
    from cartera.cli import contacts as contacts_command
    from cartera.cli import forecast as forecast_command
    from cartera.cli import goals as goals_command
    from cartera.cli import handover as handover_command
    from cartera.cli import pipeline as pipeline_command
    from cartera.cli import rating as rating_command
    from cartera.cli import receivables as receivables_command
    from cartera.cli import token as token_command

    admin_commands.register(app)
    analyze.register(app)
    clv_command.register(app)
    forecast_command.register(app)
    goals_command.register(app)
    receivables_command.register(app)
    rating_command.register(app)
    pipeline_command.register(app)
    contacts_command.register(app)
    handover_command.register(app)
    ops.register(app)
    privacy.register(app)
    token_command.register(app)
    audit_command.register(app)


def main() -> None:
    _register_commands()
    app()
