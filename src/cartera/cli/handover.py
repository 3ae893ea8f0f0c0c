"""``cartera handover``: give clients to another salesperson, or the whole book of one who
leaves (S0.4), or accept the "best clients to the best salespeople" proposal (S3.12)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from cartera.cli.common import acting_user, fail, parse_date, write_json
from cartera.cli.django_setup import setup_django
from cartera.cli.rating import refusal

console = Console()

AsOption = Annotated[str, typer.Option("--as", help="Act as this login (its role applies).")]


def find_salesperson(text: str, option: str) -> Any:
    """Return the salesperson named ``text`` (name or login), or exit with a message."""
    from django.db.models import Q

    from cartera.team.models import Salesperson

    found = list(
        Salesperson.objects.filter(Q(name__iexact=text.strip()) | Q(user__username=text.strip()))[
            :2
        ]
    )
    if len(found) != 1:
        known = ", ".join(Salesperson.objects.filter(is_active=True).values_list("name", flat=True))
        raise fail(
            _("{option}: no single salesperson {text!r}; active ones: {known}").format(
                option=option, text=text, known=known
            )
        )
    return found[0]


def parse_filters(values: list[str]) -> dict[str, str]:
    """Return ``["city=Madrid", "level=A"]`` as a mapping, or exit naming the bad one."""
    filters: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise fail(
                _("--filter expects name=value (city=Madrid), got {item!r}").format(item=item)
            )
        filters[name.strip()] = value.strip()
    return filters


def _suggest(
    *, user: Any, level: str, accept: bool, reason: str, on: Any, out: Path | None
) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from cartera.clients.services import handover_accept
    from cartera.ratings.selectors import handover_suggestions
    from cartera.reporting.json_report import records
    from cartera.team.models import Salesperson

    with console.status("Matching the best clients with the best salespeople…"):
        proposal = handover_suggestions(user, level=level or None, as_of=on)
    if proposal.is_empty():
        raise fail(_("no proposal: there are no rated clients you may hand over"))
    moves = proposal.filter(pl.col("moved"))
    table = Table(
        title=_("Proposal: {moved} of {total} clients change hands").format(
            moved=moves.height, total=proposal.height
        )
    )
    for position, column in enumerate(
        (_("client"), _("name"), _("revenue"), _("from"), _("to"), _("why"))
    ):
        table.add_column(column, justify="right" if position == 2 else "left")
    for row in moves.head(50).iter_rows(named=True):
        table.add_row(
            row["code"], row["name"], f"{row['revenue_cents'] / 100:,.0f}",
            str(row["current"] or "—"), row["proposed"], row["reason"],
        )  # fmt: skip
    console.print(table)
    if out:
        write_json({"level": level, "proposal": records(proposal)}, out)
    if not accept:
        console.print(_("Nothing changed: add [bold]--accept --reason …[/] to apply it."))
        return
    if not reason.strip():
        raise fail(_("--accept needs --reason"))
    ids = dict(Salesperson.objects.values_list("name", "pk"))
    pairs = [(row[0], ids[row[1]]) for row in moves.select("account_id", "proposed").iter_rows()]
    try:
        moved = handover_accept(moves=pairs, reason=reason, by=user, on=on)
    except (ValidationError, PermissionDenied) as error:
        raise refusal(error) from None
    console.print(_("{n:,} clients handed over.").format(n=moved))


def handover(
    from_: Annotated[str, typer.Option("--from", help="Salesperson giving the clients.")] = "",
    to: Annotated[
        list[str] | None, typer.Option("--to", help="Who takes them (repeat to deal out).")
    ] = None,
    filter_: Annotated[
        list[str] | None,
        typer.Option("--filter", help="Only accounts matching name=value (city, level …)."),
    ] = None,
    account: Annotated[
        list[str] | None, typer.Option("--account", help="One account by code (repeatable).")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why the clients change hands.")] = "",
    leave: Annotated[
        bool, typer.Option("--leave", help="The --from salesperson leaves: hand over the book.")
    ] = False,
    on: Annotated[str, typer.Option(help="Date of the hand-over (YYYY-MM-DD); today.")] = "",
    suggest: Annotated[
        bool, typer.Option("--suggest", help="Propose best clients to the best salespeople.")
    ] = False,
    level: Annotated[str, typer.Option(help="With --suggest: the level to place.")] = "",
    accept: Annotated[bool, typer.Option(help="With --suggest: apply the proposal.")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the result.")] = None,
    as_user: AsOption = "",
) -> None:
    """Hand clients over with a reason, keeping the ownership history (S0.4, S3.12)."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cartera.clients.models import Account
    from cartera.clients.services import (
        account_hand_over,
        account_hand_over_filtered,
        salesperson_leave,
    )

    user = acting_user(as_user)
    day = parse_date(on, "--on")
    if suggest:
        _suggest(user=user, level=level, accept=accept, reason=reason, on=day, out=json_out)
        return
    receivers = [find_salesperson(name, "--to") for name in (to or [])]
    if not receivers:
        raise fail(_("--to is needed: who takes the clients?"))
    if not reason.strip():
        raise fail(_("--reason is needed: say why the clients change hands"))
    giver = find_salesperson(from_, "--from") if from_ else None
    payload: dict[str, Any] = {"reason": reason, "to": [r.name for r in receivers]}
    try:
        if leave:
            if giver is None:
                raise fail(_("--leave needs --from: who leaves?"))
            if filter_ or account:
                raise fail(_("--leave hands over the whole book; drop --filter and --account"))
            departure = salesperson_leave(
                salesperson=giver, to=receivers, reason=reason, by=user, on=day
            )
            payload.update(left=giver.name, handed=departure.handed)
            for name, count in departure.handed.items():
                console.print(
                    _("{n:,} accounts of {giver} → {to}").format(n=count, giver=giver.name, to=name)
                )
            console.print(
                _("{name} left on {day}; their login is disabled.").format(
                    name=giver.name, day=departure.left_on
                )
            )
        else:
            if len(receivers) > 1:
                raise fail(_("several --to only with --leave; hand over a set to one person"))
            if account:
                codes = [c.strip() for c in account]
                found = Account.objects.filter(code__in=codes)
                missing = sorted(set(codes) - set(found.values_list("code", flat=True)))
                if missing:
                    raise fail(_("--account: no account {codes}").format(codes=", ".join(missing)))
                if giver is not None:
                    found = found.filter(owner=giver)
                moved = account_hand_over(
                    accounts=found, to=receivers[0], reason=reason, on=day, by=user
                )
            else:
                if giver is None:
                    raise fail(_("--from is needed (or --account CODE)"))
                moved = account_hand_over_filtered(
                    from_=giver, to=receivers[0], filters=parse_filters(filter_ or []),
                    reason=reason, by=user, on=day,
                )  # fmt: skip
            payload["handed"] = moved
            console.print(
                _("{n:,} accounts handed over to {name}.").format(n=moved, name=receivers[0].name)
            )
    except (ValidationError, PermissionDenied) as error:
        raise refusal(error) from None
    if json_out:
        write_json(payload, json_out)


def register(app: typer.Typer) -> None:
    app.command("handover")(handover)
