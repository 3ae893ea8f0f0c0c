"""``cartera audit export``: the audit trail to CSV or XLSX (issue 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cartera.cli.common import acting_user, fail
from cartera.cli.django_setup import setup_django

console = Console()
audit = typer.Typer(help="The audit trail: who changed what, when, old → new.")


@audit.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write: .csv or .xlsx.")],
    account: Annotated[str, typer.Option("--account", help="Only this account (its code).")] = "",
    as_user: Annotated[str, typer.Option("--as", help="Act as this login.")] = "",
) -> None:
    """Write every audited change (one field change per row) to a CSV or XLSX file."""
    suffix = out.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise fail(f"--out must end in .csv or .xlsx, got {out.name!r}")
    if not out.parent.exists():
        raise fail(f"--out: the folder {out.parent} does not exist")
    setup_django()
    import polars as pl

    from cartera.audit.selectors import EXPORT_COLUMNS, audit_entries, export_rows
    from cartera.clients.models import Account
    from cartera.reporting.workbook import write_workbook

    user = acting_user(as_user)
    target = None
    if account:
        target = Account.objects.filter(code=account).first()
        if target is None:
            raise fail(f"--account: there is no account {account!r}")
    with console.status("reading the audit trail"):
        rows = list(export_rows(audit_entries(user=user, account=target)))
    frame = pl.DataFrame(
        rows,
        schema={c: pl.Int64 if c.endswith("id") else pl.String for c in EXPORT_COLUMNS},
    ).select(EXPORT_COLUMNS)
    if suffix == ".csv":
        frame.write_csv(out)
    else:
        write_workbook(out, {"Audit": frame})
    console.print(f"{frame.height:,} rows written to {out}.")


def register(app: typer.Typer) -> None:
    app.add_typer(audit, name="audit")
