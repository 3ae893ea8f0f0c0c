"""Commands that set up and run the application: setup, serve, demo."""

from __future__ import annotations

import datetime as dt
import time

import typer
from rich.console import Console
from rich.table import Table

from cartera.cli.django_setup import setup_django

console = Console()


def _print_logins(loaded_logins: list[tuple[str, str, str]], password: str) -> None:
    table = Table(title="Demo logins (password: " + password + ")")
    table.add_column("user")
    table.add_column("role")
    table.add_column("name")
    for username, role, name in loaded_logins:
        table.add_row(username, role, name)
    console.print(table)


def demo(
    clients: int = typer.Option(2000, help="Number of clients (prospects come on top)."),
    years: int = typer.Option(3, help="Years of sales history."),
    seed: int = typer.Option(7, help="Random seed: the same seed gives the same portfolio."),
    as_of: str = typer.Option("", help="Last day of the history (YYYY-MM-DD); default today."),
    replace: bool = typer.Option(False, help="Delete the current portfolio first."),
) -> None:
    """Load a realistic demo portfolio (deterministic for a seed and a date)."""
    setup_django()
    from django.utils import timezone

    from cartera.demo.generate import DemoSpec, generate
    from cartera.demo.load import DemoError, load_demo

    if clients < 10 or years < 1:
        console.print("[red]--clients must be at least 10 and --years at least 1.[/red]")
        raise typer.Exit(2)
    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    started = time.perf_counter()
    with console.status(f"Generating {clients:,} clients over {years} years…"):
        data = generate(DemoSpec(clients=clients, years=years, seed=seed, today=today))
    generated = time.perf_counter() - started
    from rich.progress import Progress

    with Progress(console=console) as progress:
        task = progress.add_task("Writing tables", total=len(data.tables))

        def advance(name: str, rows: int) -> None:
            progress.console.print(f"  {name:<12} {rows:>10,} rows")
            progress.advance(task)

        try:
            loaded = load_demo(data, replace=replace, on_table=advance)
        except DemoError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
    total = time.perf_counter() - started
    console.print(
        f"Demo portfolio loaded in {total:.1f} s (generation {generated:.1f} s): "
        f"{sum(loaded.rows.values()):,} rows."
    )
    _print_logins([(lg.username, lg.role, lg.name) for lg in loaded.logins], loaded.password)


def setup(
    demo_clients: int = typer.Option(2000, help="Clients in the demo portfolio."),
    skip_demo: bool = typer.Option(False, help="Do not load the demo portfolio."),
) -> None:
    """Migrate the database and, when it is empty, load the demo portfolio."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from cartera.demo.generate import DEFAULT_PASSWORD
    from cartera.demo.load import portfolio_is_empty
    from cartera.users.models import User

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    console.print(f"Database ready ({db['ENGINE'].rsplit('.', 1)[-1]}: {db['NAME']}).")
    if portfolio_is_empty() and not skip_demo:
        demo(clients=demo_clients, years=3, seed=7, as_of="", replace=False)
    else:
        users = User.objects.order_by("role", "username").values_list(
            "username", "role", "first_name"
        )
        _print_logins(list(users), DEFAULT_PASSWORD)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port."),
) -> None:
    """Serve the web application."""
    setup_django()
    from django.core.management import call_command

    console.print(f"cartera on http://{host}:{port}/  (Ctrl+C to stop)")
    call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)


def register(app: typer.Typer) -> None:
    app.command()(setup)
    app.command()(serve)
    app.command()(demo)
