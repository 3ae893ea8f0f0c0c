"""``cartera receivables``: ageing, provisions, dunning, cash flow (S1.11, S3.6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cartera.cli.common import acting_user, fail, parse_date, write_json
from cartera.cli.django_setup import setup_django

console = Console()
receivables = typer.Typer(help="What clients owe: ageing, provisions, dunning, cash flow.")

AsOption = Annotated[str, typer.Option("--as", help="Act as this login (its role applies).")]


def _money(value: Any) -> float:
    return round(float(value), 2)


def ageing_payload(aged: Any, provision: Any) -> dict[str, Any]:
    """Return the ageing JSON: buckets, totals and the provision (issue 6 keys)."""
    return {
        "as_of": aged.as_of.isoformat(),
        "buckets": [
            {"key": b.key, "label": b.label, "amount": _money(b.amount), "invoices": b.invoices}
            for b in aged.totals
        ],
        "total_open": _money(aged.total_open),
        "total_overdue": _money(aged.total_overdue),
        "unapplied_credit": _money(aged.unapplied_credit),
        "provision": {
            "total": _money(provision.total),
            "by_bucket": [
                {
                    "key": b.key,
                    "label": b.label,
                    "percent": float(b.percent),
                    "open": _money(b.open),
                    "amount": _money(b.amount),
                }
                for b in provision.by_bucket
            ],
            "overridden_clients": _money(provision.overridden),
        },
    }


@receivables.command("aging")
def aging(
    as_of: Annotated[
        str, typer.Option(help="Date of the ageing (YYYY-MM-DD); default today.")
    ] = "",
    by: Annotated[str, typer.Option(help="client, salesperson, segment or abc")] = "client",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the report as JSON.")
    ] = None,
    xlsx_out: Annotated[
        Path | None, typer.Option("--xlsx", help="Write the tables as XLSX.")
    ] = None,
    as_user: AsOption = "",
) -> None:
    """Show what is owed at a date, by overdue bucket, with the provision (S1.11)."""
    setup_django()
    from django.utils import timezone

    from cartera.receivables.selectors import provisioned_ageing
    from cartera.reporting.json_report import records
    from cartera.reporting.workbook import write_workbook

    if by not in {"client", "salesperson", "segment", "abc"}:
        raise fail(f"--by expects client, salesperson, segment or abc, got {by!r}")
    day = parse_date(as_of, "--as-of") or timezone.localdate()
    user = acting_user(as_user)
    aged, provision = provisioned_ageing(user=user, as_of=day, with_abc=by == "abc")
    table = aged.table(by=by)
    payload = ageing_payload(aged, provision)
    payload["by"] = by
    payload["rows"] = records(table)

    shown = Table(title=f"Receivables at {day.isoformat()}")
    for column in ("bucket", "open", "invoices", "provision"):
        shown.add_column(column, justify="left" if column == "bucket" else "right")
    for bucket, prov in zip(aged.totals, provision.by_bucket, strict=True):
        shown.add_row(
            bucket.label, f"{bucket.amount:,.2f}", str(bucket.invoices), f"{prov.amount:,.2f}"
        )
    shown.add_row("total", f"{aged.total_open:,.2f}", "", f"{provision.total:,.2f}", style="bold")
    console.print(shown)
    console.print(f"overdue {aged.total_overdue:,.2f} · credit held {aged.unapplied_credit:,.2f}")
    if json_out:
        write_json(payload, json_out)
    if xlsx_out:
        write_workbook(
            xlsx_out, {"Ageing": table, "Open items": aged.items, "Provision": provision.items}
        )


@receivables.command("provisions")
def provisions(
    from_: Annotated[str, typer.Option("--from", help="Opening date (YYYY-MM-DD).")],
    to: Annotated[str, typer.Option("--to", help="Closing date (YYYY-MM-DD).")],
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    xlsx_out: Annotated[
        Path | None, typer.Option("--xlsx", help="Entries and clients for the accountant.")
    ] = None,
    as_user: AsOption = "",
) -> None:
    """Show the provision at two dates and what to charge and release between them."""
    setup_django()
    from cartera.receivables.selectors import provision_movement_report
    from cartera.reporting.json_report import records
    from cartera.reporting.workbook import write_workbook

    start, end = parse_date(from_, "--from"), parse_date(to, "--to")
    if start is None or end is None:
        raise fail("--from and --to are both needed")
    if start > end:
        raise fail("--from must not be after --to")
    movement = provision_movement_report(user=acting_user(as_user), start=start, end=end)
    console.print(
        f"provision {start}: {movement.opening:,.2f} → {end}: {movement.closing:,.2f}  "
        f"charge {movement.charge:,.2f} · release {movement.release:,.2f} · net {movement.net:,.2f}"
    )
    payload = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "opening": _money(movement.opening),
        "closing": _money(movement.closing),
        "charge": _money(movement.charge),
        "release": _money(movement.release),
        "net": _money(movement.net),
        "by_client": records(movement.by_client),
    }
    if json_out:
        write_json(payload, json_out)
    if xlsx_out:
        write_workbook(xlsx_out, {"Entries": movement.entries(), "By client": movement.by_client})


@receivables.command("dunning")
def dunning(
    as_of: Annotated[str, typer.Option(help="Date (YYYY-MM-DD); default today.")] = "",
    xlsx_out: Annotated[Path | None, typer.Option("--xlsx")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown on screen.")] = 25,
    as_user: AsOption = "",
) -> None:
    """List overdue clients with their purchasing contact and the suggested action."""
    setup_django()
    from django.utils import timezone

    from cartera.receivables.selectors import dunning_report
    from cartera.reporting.workbook import write_workbook

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    report = dunning_report(user=acting_user(as_user), as_of=day)
    shown = Table(title=f"Overdue at {day.isoformat()}: {report.clients.height} clients")
    for column in ("client", "overdue", "days", "action", "contact", "phone", "salesperson"):
        shown.add_column(column)
    for row in report.clients.head(limit).iter_rows(named=True):
        shown.add_row(
            row["client"], f"{row['overdue_cents'] / 100:,.2f}", str(row["oldest_days_overdue"]),
            str(row["action"]), row.get("contact") or "", row.get("phone") or "",
            row.get("salesperson") or "",
        )  # fmt: skip
    console.print(shown)
    if xlsx_out:
        write_workbook(xlsx_out, {"Clients": report.clients, "Invoices": report.items})
    if csv_out:
        report.clients.with_columns((report.clients["overdue_cents"] / 100).alias("overdue")).drop(
            "overdue_cents"
        ).write_csv(csv_out)


@receivables.command("cashflow")
def cashflow(
    as_of: Annotated[str, typer.Option(help="Date (YYYY-MM-DD); default today.")] = "",
    months: Annotated[int, typer.Option(help="Months of expected collections ahead.")] = 3,
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    as_user: AsOption = "",
) -> None:
    """Show monthly sales against collections and the collections expected ahead (S3.6)."""
    setup_django()
    from django.utils import timezone

    from cartera.receivables.selectors import cashflow_report
    from cartera.reporting.json_report import records

    if months < 1:
        raise fail("--months must be at least 1")
    day = parse_date(as_of, "--as-of") or timezone.localdate()
    monthly, forecast = cashflow_report(user=acting_user(as_user), as_of=day, months_ahead=months)
    shown = Table(title="Sales and collections")
    for column in ("month", "net sales", "collected", "owed at month end"):
        shown.add_column(column, justify="right")
    for row in monthly.iter_rows(named=True):
        shown.add_row(
            row["month"].strftime("%Y-%m"), f"{row['net_sales_cents'] / 100:,.2f}",
            f"{row['collected_cents'] / 100:,.2f}", f"{row['receivables_cents'] / 100:,.2f}",
        )  # fmt: skip
    for row in forecast.months.iter_rows(named=True):
        shown.add_row(
            row["month"].strftime("%Y-%m") + " (expected)", "",
            f"{row['expected_cents'] / 100:,.2f}", "", style="italic",
        )  # fmt: skip
    console.print(shown)
    if json_out:
        write_json(
            {
                "as_of": day.isoformat(),
                "monthly": records(monthly),
                "expected": records(forecast.months),
                "expected_later": _money(forecast.later),
                "doubtful": _money(forecast.doubtful),
            },
            json_out,
        )


def register(app: typer.Typer) -> None:
    app.add_typer(receivables, name="receivables")


@receivables.command("credit")
def credit_command(
    as_of: Annotated[str, typer.Option(help="Date (YYYY-MM-DD); default today.")] = "",
    xlsx_out: Annotated[Path | None, typer.Option("--xlsx", help="Every table as a sheet.")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown on screen.")] = 15,
    as_user: AsOption = "",
) -> None:
    """Show exposure against limits, solvency, proposed limits and risk by salesperson (S1.8)."""
    setup_django()
    from django.utils import timezone

    from cartera.receivables.selectors import credit_report
    from cartera.reporting.workbook import write_workbook

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    report = credit_report(user=acting_user(as_user), as_of=day)
    over = report.exposure.filter(report.exposure["headroom_cents"] < 0)
    shown = Table(title=f"Clients over their credit limit at {day.isoformat()}: {over.height}")
    for column in ("client", "exposure", "limit", "over by"):
        shown.add_column(column, justify="right")
    for row in over.sort("headroom_cents").head(limit).iter_rows(named=True):
        shown.add_row(
            row["client"], f"{row['exposure_cents'] / 100:,.2f}",
            f"{row['limit_cents'] / 100:,.2f}", f"{-row['headroom_cents'] / 100:,.2f}",
        )  # fmt: skip
    console.print(shown)
    people = Table(title="Credit carried by each salesperson's portfolio (S3.9.3)")
    for column in ("salesperson", "clients", "open", "overdue", "share", "top client"):
        people.add_column(column, justify="right")
    for row in report.concentration.iter_rows(named=True):
        people.add_row(
            str(row["salesperson"]), str(row["clients"]), f"{row['open_cents'] / 100:,.2f}",
            f"{row['overdue_cents'] / 100:,.2f}", f"{row['share_of_open']:.1%}",
            f"{row['top_client_share']:.1%}",
        )  # fmt: skip
    console.print(people)
    if xlsx_out:
        write_workbook(
            xlsx_out,
            {
                "Exposure": report.exposure,
                "Solvency": report.solvency,
                "Proposed limits": report.proposals,
                "Behaviour": report.behaviour,
                "DSO by salesperson": report.dso_by_salesperson,
                "By salesperson": report.concentration,
                "Risk x value": report.risk_matrix,
            },
        )
