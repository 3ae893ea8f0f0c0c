"""``cartera token``: issue, revoke and list API tokens (``/api/v1/``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cartera.cli.common import acting_user, fail
from cartera.cli.django_setup import setup_django

console = Console()
token = typer.Typer(help="API tokens: one per user and purpose, shown once, stored hashed.")

AsOption = Annotated[str, typer.Option("--as", help="Act as this login (its role applies).")]


@token.command("create")
def create(
    username: Annotated[str, typer.Argument(help="The login the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
    days: Annotated[
        int | None, typer.Option("--days", help="Expire after this many days; default never.")
    ] = None,
    as_user: AsOption = "",
) -> None:
    """Issue a token for USERNAME and print it once: it cannot be shown again."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone

    from cartera.api.services import token_create
    from cartera.users.models import User

    if days is not None and days < 1:
        raise fail("--days must be 1 or more")
    if not name.strip():
        raise fail("--name must not be empty")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise fail(f"USERNAME: there is no user {username!r}")
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    try:
        issued = token_create(
            user=user, name=name, created_by=acting_user(as_user), expires_at=expires
        )
    except (ValidationError, PermissionDenied) as exc:
        raise fail(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    console.print(
        f"Token [bold]{issued.token.prefix}[/] for {user.username} ({issued.token.name}):"
    )
    # Plain print: Rich would wrap a long token and break copy and paste.
    print(issued.secret)
    console.print("[yellow]Keep it now: it is stored hashed and cannot be shown again.[/]")


@token.command("revoke")
def revoke(
    prefix: Annotated[str, typer.Argument(help="The token's prefix (see `cartera token list`).")],
    as_user: AsOption = "",
) -> None:
    """Revoke a token at once; requests with it get 401 from now on."""
    setup_django()
    from django.core.exceptions import PermissionDenied

    from cartera.api.models import ApiToken
    from cartera.api.services import token_revoke

    found = ApiToken.objects.select_related("user").filter(prefix=prefix.strip()).first()
    if found is None:
        raise fail(f"PREFIX: there is no token {prefix!r}")
    try:
        token_revoke(token=found, revoked_by=acting_user(as_user))
    except PermissionDenied as exc:
        raise fail(str(exc)) from exc
    console.print(f"Token {found.prefix} of {found.user.username} revoked.")


@token.command("list")
def list_tokens(
    username: Annotated[str, typer.Option("--user", help="Only this login's tokens.")] = "",
    as_user: AsOption = "",
) -> None:
    """List tokens: prefix, user, name, created, last used, expiry, state."""
    setup_django()
    from django.utils import timezone

    from cartera.api.selectors import tokens_visible_to

    tokens = tokens_visible_to(acting_user(as_user))
    if username:
        tokens = tokens.filter(user__username=username)
    now = timezone.now()
    table = Table(title="API tokens")
    for column in ("prefix", "user", "name", "created", "last used", "expires", "state"):
        table.add_column(column)
    for row in tokens:
        state = (
            "revoked"
            if row.revoked_at
            else "expired"
            if row.expires_at and row.expires_at <= now
            else "active"
        )
        table.add_row(
            row.prefix,
            row.user.username,
            row.name,
            f"{row.created_at:%Y-%m-%d}",
            f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "",
            f"{row.expires_at:%Y-%m-%d}" if row.expires_at else "",
            state,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(token, name="token")
