"""``cartera contacts``: who to contact today, by value at stake, and attention by level.

The contact plan gives each rating level a rhythm (A every 14 days … D every 180,
editable); the list ranks each salesperson's due and overdue clients by revenue, so
the big clients are not the ones left waiting (S2.2, S2.3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from cartera.cli.common import acting_user, parse_date, write_json
from cartera.cli.django_setup import setup_django

console = Console()
contacts_app = typer.Typer(help="The contact plan: who is due, attention against value.")

AsOption = Annotated[str, typer.Option("--as", help="Act as this login (its role applies).")]


@contacts_app.command("due")
def due(
    salesperson: Annotated[str, typer.Option(help="Only this salesperson's list.")] = "",
    as_of: Annotated[str, typer.Option(help="Date (YYYY-MM-DD); default today.")] = "",
    horizon: Annotated[int, typer.Option(help="Also list the next N days (upcoming).")] = 0,
    limit: Annotated[int, typer.Option(help="Rows shown per salesperson.")] = 20,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the list as JSON.")] = None,
    as_user: AsOption = "",
) -> None:
    """List the clients due or overdue for a contact, per salesperson, by value at stake."""
    setup_django()
    import polars as pl
    from django.utils import timezone

    from cartera.cli.common import fail
    from cartera.cli.handover import find_salesperson
    from cartera.ratings.selectors import contacts_due_for
    from cartera.reporting.json_report import records

    if horizon < 0 or limit < 1:
        raise fail(_("--horizon must be ≥ 0 and --limit ≥ 1"))
    day = parse_date(as_of, "--as-of") or timezone.localdate()
    name = find_salesperson(salesperson, "--salesperson").name if salesperson else None
    listing = contacts_due_for(acting_user(as_user), day, salesperson=name, horizon_days=horizon)
    if listing.is_empty():
        console.print(_("Nobody is due for a contact on {day}.").format(day=day.isoformat()))
    for person in listing["salesperson"].unique().sort().to_list():
        rows = listing.filter(pl.col("salesperson") == person)
        table = Table(
            title=_("{person}: {n:,} clients due on {day}").format(
                person=person, n=rows.height, day=day.isoformat()
            )
        )
        headers = ("#", _("client"), _("name"), _("level"), _("revenue"), _("last contact"),
                   _("due"), _("why"))  # fmt: skip
        for position, column in enumerate(headers):
            table.add_column(column, justify="right" if position in (0, 4) else "left")
        for row in rows.head(limit).iter_rows(named=True):
            table.add_row(
                str(row["rank"]), row["code"], row["name"], row["level"],
                f"{row['revenue_cents'] / 100:,.0f}", str(row["last_contact"] or _("never")),
                f"{row['due_date']} ({row['status']}, {row['days_overdue']} d)", row["reason"],
            )  # fmt: skip
        console.print(table)
    if json_out:
        write_json({"as_of": day.isoformat(), "due": records(listing)}, json_out)


@contacts_app.command("attention")
def attention(
    as_of: Annotated[str, typer.Option(help="Date (YYYY-MM-DD); default today.")] = "",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the tables as JSON.")
    ] = None,
    as_user: AsOption = "",
) -> None:
    """Show, per salesperson, contact effort by rating level against revenue share (S2.3)."""
    setup_django()
    from django.utils import timezone

    from cartera.ratings.selectors import attention_by_salesperson
    from cartera.reporting.json_report import records

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    result = attention_by_salesperson(acting_user(as_user), day)
    payload: dict[str, Any] = {"as_of": day.isoformat(), "salespeople": {}}
    for person, seen in result.items():
        table = Table(title=_("{person}: attention against value by level").format(person=person))
        headers = (_("level"), _("clients"), _("contacts"), _("contact share"),
                   _("revenue share"), _("index"))  # fmt: skip
        for position, column in enumerate(headers):
            table.add_column(column, justify="left" if position == 0 else "right")
        for row in seen.by_class.sort("abc_class").iter_rows(named=True):
            index = row.get("attention_index")
            table.add_row(
                row["abc_class"], f"{row['clients']:,}", f"{row['contacts']:,}",
                f"{row['contact_share'] or 0:.0%}", f"{row['revenue_share'] or 0:.0%}",
                "" if index is None else f"{index:.2f}",
            )  # fmt: skip
        console.print(table)
        console.print(
            _("  over-served C clients: {over:,} · neglected A clients: {neglected:,}").format(
                over=seen.over_served_c.height, neglected=seen.under_served_a.height
            )
        )
        payload["salespeople"][person] = {
            "by_level": records(seen.by_class),
            "over_served": records(seen.over_served_c),
            "neglected": records(seen.under_served_a),
        }
    if json_out:
        write_json(payload, json_out)


def register(app: typer.Typer) -> None:
    app.add_typer(contacts_app, name="contacts")
