"""``cartera analyze FILE``: the full portfolio diagnosis of any sales file, without a database.

Parses the options, reads the file with :func:`cartera.analytics.io.read_sales`, calls
:func:`cartera.analytics.diagnosis.diagnose` and writes the reports asked for. Django
is never imported, so the command starts fast and works on a laptop with only a
spreadsheet.
"""

from __future__ import annotations

from gettext import gettext as _
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cartera.analytics.diagnosis import Diagnosis, diagnose
from cartera.analytics.io import ReadError, SalesFile, read_activities, read_sales
from cartera.cli.sales_file import column_mapping, date_option, fail, show_problems, step

console = Console()
errors = Console(stderr=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _money(value: object) -> str:
    return "—" if value is None else f"{float(value):,.2f}"  # type: ignore[arg-type]


def _summary(sales: SalesFile, d: Diagnosis) -> None:
    mapped = ", ".join(f"{role}←{header!r}" for role, header in sales.columns.items())
    console.print(f"[dim]{_('columns')}: {mapped}[/]")
    head = Table(
        title=_("Portfolio diagnosis · as of {d} · window {w}").format(d=d.as_of, w=d.window)
    )
    head.add_column(_("figure"))
    head.add_column(_("value"), justify="right")
    rows = [
        (_("revenue in the window"), _money(d.revenue.window)),
        (_("previous window"), _money(d.revenue.previous_window)),
        (_("growth"), _pct(d.revenue.growth)),
        (_("clients (active / total)"), f"{d.clients.active:,} / {d.clients.total:,}"),
        (_("new / lost"), f"{d.clients.new:,} / {d.clients.lost:,}"),
        (
            _("retention / attrition"),
            f"{_pct(d.retention.rate)} / {_pct(d.retention.attrition_rate)}",
        ),
        (_("repeat clients"), _pct(d.recurrence.repeat_clients_share)),
        (_("average ticket"), _money(d.average_ticket.average)),
        (
            _("top-1 / top-10 share"),
            f"{_pct(d.concentration.top1_share)} / {_pct(d.concentration.top10_share)}",
        ),
        (
            "HHI / Gini",
            "—"
            if d.concentration.hhi is None or d.concentration.gini is None
            else f"{d.concentration.hhi:.3f} / {d.concentration.gini:.2f}",
        ),
    ]
    for label, value in rows:
        head.add_row(label, value)
    console.print(head)

    abc = Table(title=_("ABC classes (S3.7)"))
    for heading in (_("class"), _("clients"), _("revenue"), _("share")):
        abc.add_column(heading, justify="right")
    for c in d.abc.classes:
        abc.add_row(c.label, f"{c.clients:,}", _money(c.revenue), _pct(c.revenue_share))
    console.print(abc)
    if d.concentration.alert:
        names = ", ".join(f"{c} ({s * 100:.1f} %)" for c, s in d.concentration.over_threshold)
        console.print(
            f"[bold red]{_('Concentration alert')}:[/] {names} "
            + _("holds 25 % or more of the revenue (S4.4).")
        )
    sellers = d.breakdowns.get("salesperson")
    if sellers is not None and sellers.height:
        table = Table(title=_("By salesperson (largest 10)"))
        for heading in (_("salesperson"), _("active"), _("revenue"), _("retention"), "A"):
            table.add_column(heading, justify="right")
        for row in sellers.head(10).iter_rows(named=True):
            table.add_row(
                str(row["salesperson"]),
                f"{row['active']:,}",
                _money(row["revenue_cents"] / 100),
                _pct(row["retention_rate"]),
                f"{row['a_clients']:,}",
            )
        console.print(table)
    for note in d.notes:
        console.print(f"[yellow]{_('note')}:[/] {note}")


def analyze(
    file: Annotated[Path, typer.Argument(help="Sales file: CSV, XLSX, XLS, ODS or Parquet.")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="End of the 12-month window (YYYY-MM-DD); default the latest sale."
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML report here.")
    ] = None,
    xlsx_out: Annotated[
        Path | None, typer.Option("--xlsx", help="Write the XLSX workbook here.")
    ] = None,
    col: Annotated[
        list[str] | None,
        typer.Option(
            "--col", help="Name a column: ROLE=HEADER (repeatable), e.g. client='Cod. Tercero'."
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Sheet of a spreadsheet (default the first).")
    ] = None,
    activities: Annotated[
        Path | None,
        typer.Option(help="File of contacts (client, date, kind) for attention vs value (S2.3)."),
    ] = None,
    decimal_point: Annotated[
        bool,
        typer.Option(
            "--decimal-point", help="Write amounts 1,234.56 in the HTML report (default 1 234,56)."
        ),
    ] = False,
) -> None:
    """Diagnose the portfolio in a sales file: ABC, RFM, concentration, attrition, cohorts …"""
    columns = column_mapping(col or [])
    end = date_option(as_of, "--as-of")
    for out in (json_out, html_out, xlsx_out):
        if out is not None and not out.parent.exists():
            raise fail(_("the folder of {o} does not exist").format(o=out))
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as progress:
        try:
            chosen: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet
            sales = step(
                progress,
                _("reading {f}").format(f=file.name),
                lambda: read_sales(file, columns=columns or None, sheet=chosen, categorical=True),
            )
            contacts = (
                step(
                    progress,
                    _("reading {f}").format(f=activities.name),
                    lambda: read_activities(activities),
                )
                if activities is not None
                else None
            )
        except ReadError as error:
            progress.stop()
            show_problems(error, _("The file cannot be analysed"))
            raise typer.Exit(code=2) from None
        if sales.frame.height == 0:
            progress.stop()
            raise fail(_("{f} has no sales lines").format(f=file))
        try:
            result = step(
                progress,
                _("diagnosing {n:,} lines").format(n=sales.frame.height),
                lambda: diagnose(sales.frame, as_of=end, activities=contacts),
            )
        except ValueError as error:
            progress.stop()
            raise fail(str(error)) from None
        from cartera.reporting import write_html, write_json, write_xlsx

        written: list[Path] = []
        try:
            if json_out is not None:
                written.append(
                    step(
                        progress,
                        _("writing JSON"),
                        lambda: write_json(result, json_out, source=file.name),
                    )
                )
            if html_out is not None:
                written.append(
                    step(
                        progress,
                        _("writing HTML"),
                        lambda: write_html(
                            result, html_out, source=file.name, decimal_comma=not decimal_point
                        ),
                    )
                )
            if xlsx_out is not None:
                written.append(
                    step(progress, _("writing XLSX"), lambda: write_xlsx(result, xlsx_out))
                )
        except OSError as error:
            progress.stop()
            raise fail(
                _("cannot write {f}: {e}").format(f=error.filename, e=error.strerror)
            ) from None
    _summary(sales, result)
    for path in written:
        console.print(f"[green]{_('written')}:[/] {path}")


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the ``cartera`` command."""
    app.command("analyze")(analyze)
