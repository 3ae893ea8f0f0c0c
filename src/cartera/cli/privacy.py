"""``cartera privacy``: answer a person's data-rights request (GDPR, LGPD)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cartera.cli.common import acting_user, fail
from cartera.cli.django_setup import setup_django

console = Console()
privacy = typer.Typer(help="Export or erase the personal data of one person.")


def _target(account_code: str, contact_id: int | None) -> dict[str, object]:
    from cartera.clients.models import Account, Contact

    if bool(account_code) == (contact_id is not None):
        raise fail("name exactly one of --account CODE or --contact ID")
    if contact_id is not None:
        contact = Contact.objects.filter(pk=contact_id).first()
        if contact is None:
            raise fail(f"--contact: there is no contact {contact_id}")
        return {"contact": contact}
    account = Account.objects.filter(code=account_code).first()
    if account is None:
        raise fail(f"--account: there is no account {account_code!r}")
    return {"account": account}


@privacy.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="JSON file to write.")],
    account: Annotated[str, typer.Option("--account", help="Code of an individual client.")] = "",
    contact: Annotated[
        int | None, typer.Option("--contact", help="Id of a contact person.")
    ] = None,
    as_user: Annotated[str, typer.Option("--as", help="Act as this login.")] = "",
) -> None:
    """Write everything held about one person to a JSON file."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cartera.privacy.services import personal_data_export

    try:
        data = personal_data_export(user=acting_user(as_user), **_target(account, contact))
    except (ValidationError, PermissionDenied) as exc:
        raise fail(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"Personal data written to {out}.")


@privacy.command("erase")
def erase(
    reason: Annotated[str, typer.Option("--reason", help="The request this answers.")],
    account: Annotated[str, typer.Option("--account", help="Code of an individual client.")] = "",
    contact: Annotated[
        int | None, typer.Option("--contact", help="Id of a contact person.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
    as_user: Annotated[str, typer.Option("--as", help="Act as this login.")] = "",
) -> None:
    """Anonymise one person; their sales stay in the figures."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cartera.privacy.services import personal_data_erase

    if not yes:
        raise fail("erasure cannot be undone; add --yes to confirm")
    try:
        done = personal_data_erase(
            user=acting_user(as_user), reason=reason, **_target(account, contact)
        )
    except (ValidationError, PermissionDenied) as exc:
        raise fail(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    console.print(
        f"Anonymised: {done.contacts} contact(s), {done.activities} activity note(s)"
        + (", the client record" if done.account_anonymised else "")
        + "."
    )


def register(app: typer.Typer) -> None:
    app.add_typer(privacy, name="privacy")
