"""``cartera import KIND FILE`` and ``cartera export KIND --out FILE``: spreadsheets in and out.

The commands parse their options, call :func:`cartera.imports.services.import_file` or
:func:`cartera.imports.services.export_file` and print what happened. Exit codes:
0 when every row was fine, 1 when some row has a problem (nothing written unless
``--keep-valid``), 2 when the command cannot run at all (bad option, unreadable file,
missing column).
"""

from __future__ import annotations

from collections.abc import Sequence
from gettext import gettext as _
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from cartera.cli.common import acting_user, fail, write_json
from cartera.cli.django_setup import setup_django

console = Console()
errors = Console(stderr=True)
_SHOWN_PROBLEMS = 30


class RowsPerSecond(ProgressColumn):
    """Show the speed of a task in rows per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} rows/s", style="cyan")


def _mapping(pairs: Sequence[str], fields: set[str]) -> dict[str, str]:
    """Return ``--map HEADER=field`` options as field → header; bad ones are a usage error.

    ``field=HEADER`` is read too (the order ``cartera analyze`` and the hints of the
    header recogniser use) when the left side is a field and the right one is not.
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        left, sep, right = (part.strip() for part in pair.rpartition("="))
        if not sep or not left or not right:
            raise fail(
                _("--map expects HEADER=field (e.g. 'Cod. Tercero'=code), got {p!r}").format(p=pair)
            )
        if right not in fields and left in fields:
            left, right = right, left
        mapping[right] = left
    return mapping


def _show_problems(problems: Any, total: int, title: str) -> None:
    table = Table(title=title, title_style="bold red")
    for heading in (_("row"), _("column"), _("value"), _("expected")):
        table.add_column(heading, overflow="fold")
    for p in problems.head(_SHOWN_PROBLEMS).iter_rows(named=True):
        table.add_row(
            "" if p["row"] is None else str(p["row"]),
            p["column"] or "",
            "" if p["value"] is None else repr(p["value"]),
            p["expected"],
        )
    errors.print(table)
    hidden = total - min(problems.height, _SHOWN_PROBLEMS)
    if hidden > 0:
        errors.print(_("… and {n} more problem(s).").format(n=hidden))


def _show_report(report: Any) -> None:
    from cartera.imports.matching import TABLE_NAMES

    mapped = ", ".join(f"{field}←{header!r}" for field, header in report.columns.items())
    console.print(f"[dim]{_('columns')}: {mapped}[/]")
    if report.unknown:
        where = _("custom attributes") if report.unknown_as_attributes else _("ignored")
        listed = ", ".join(repr(h) for h in report.unknown)
        console.print(f"[dim]{_('other columns')} ({where}): {listed}[/]")
    verb = _("would be") if report.dry_run or not report.written else ""
    table = Table(title=f"{report.kind}: {Path(report.file).name}")
    table.add_column(_("table"))
    for heading in (_("created"), _("updated"), _("unchanged")):
        table.add_column(f"{heading} {verb}".strip(), justify="right")
    for name, counts in report.counts.items():
        shown = str(TABLE_NAMES.get(name, name))
        table.add_row(shown, f"{counts.created:,}", f"{counts.updated:,}", f"{counts.unchanged:,}")
    console.print(table)
    rate = report.valid_rows / report.seconds if report.seconds else 0
    console.print(
        _("{valid:,} valid rows of {rows:,} in {s:.1f} s ({rate:,.0f} rows/s)").format(
            valid=report.valid_rows, rows=report.rows, s=report.seconds, rate=rate
        )
    )


def import_command(
    kind: Annotated[
        str,
        typer.Argument(
            help="clients, prospects, contacts, products, "
            "salespeople, sales, payments, activities, campaigns, "
            "goals"
        ),
    ],
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, XLS, ODS or Parquet file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count; write nothing.")
    ] = False,
    keep_valid: Annotated[
        bool, typer.Option("--keep-valid", help="Write the valid rows, report the others.")
    ] = False,
    errors_out: Annotated[
        Path | None, typer.Option("--errors", help="Write the problems to this .xlsx or .csv.")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="HEADER=field for a header not recognised (repeatable)."),
    ] = None,
    save_map: Annotated[
        str | None, typer.Option("--save-map", help="Save the columns used under this name.")
    ] = None,
    use_map: Annotated[
        str | None, typer.Option("--use-map", help="Read the columns as a saved mapping says.")
    ] = None,
    create_missing: Annotated[
        bool,
        typer.Option("--create-missing", help="Create products and salespeople cartera lacks."),
    ] = False,
    sheet: Annotated[
        str | None, typer.Option(help="Sheet of a spreadsheet: name, or number from 0.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the report as JSON.")
    ] = None,
    as_user: Annotated[str, typer.Option("--as", help="Act as this login.")] = "",
) -> None:
    """Import rows from a spreadsheet: atomic by default, idempotent, a million rows."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cartera.analytics.io import ReadError
    from cartera.imports.kinds import KIND_NAMES, UnknownKindError, kind_named
    from cartera.imports.report import write_problems
    from cartera.imports.services import DatabaseChangedError, import_file, mapping_save

    if kind not in KIND_NAMES:
        raise fail(
            _("KIND must be one of {kinds}, got {k!r}").format(kinds=", ".join(KIND_NAMES), k=kind)
        )
    if errors_out and errors_out.suffix.lower() not in (".xlsx", ".csv"):
        raise fail(_("--errors expects a file ending in .xlsx or .csv"))
    columns = _mapping(map_ or [], {r.name for r in kind_named(kind).roles})
    user = acting_user(as_user)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RowsPerSecond(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )
    tasks: dict[str, Any] = {}
    labels = {
        "read": _("reading and checking"),
        "check": _("matching with the database"),
        "write": _("writing"),
        "finish": _("rebuilding indexes and committing"),
    }

    def advance(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            # A new stage means the others are over (the spinners of open-ended ones stop).
            for other in tasks.values():
                task = progress.tasks[other]
                progress.update(other, total=task.total or 1, completed=task.total or 1)
            tasks[stage] = progress.add_task(labels.get(stage, stage), total=total or None)
        progress.update(tasks[stage], completed=done, total=total or None)

    try:
        with progress:
            report = import_file(
                kind=kind,
                path=file,
                user=user,
                columns=columns,
                mapping=use_map,
                dry_run=dry_run,
                keep_valid=keep_valid,
                create_missing=create_missing,
                sheet=int(sheet) if sheet and sheet.isdigit() else sheet,
                on_progress=advance,
            )
    except ReadError as exc:
        from cartera.imports.problems import Problems

        problems = Problems()
        for p in exc.problems:
            problems.add_file(p.column, p.expected, p.value)
        _show_problems(problems.frame, exc.total, _("The file cannot be imported"))
        raise typer.Exit(code=2) from None
    except (UnknownKindError, PermissionDenied, DatabaseChangedError) as exc:
        raise fail(str(exc)) from None
    except ValidationError as exc:
        raise fail("; ".join(exc.messages)) from None

    _show_report(report)
    if save_map:
        mapping_save(name=save_map, kind=kind, columns=report.columns, user=user)
        console.print(_("Columns saved as mapping {name!r}.").format(name=save_map))
    if json_out:
        write_json(report.as_dict(), json_out)
    if report.problem_count:
        title = _("{n} problem(s)").format(n=report.problem_count)
        _show_problems(report.problems, report.problem_count, title)
        if errors_out:
            write_problems(report.problems, errors_out)
            errors.print(_("Problems written to {path}.").format(path=errors_out))
        if report.written:
            errors.print(_("The valid rows were written; the rows listed were not."))
        elif not report.dry_run:
            errors.print(_("Nothing was written. Fix the rows, or use --keep-valid."))
        raise typer.Exit(code=1)
    if report.dry_run:
        console.print(_("Dry run: nothing was written."))


def export_command(
    kind: Annotated[str, typer.Argument(help="A kind of rows (as for import) or 'diagnosis'.")],
    out: Annotated[Path, typer.Option("--out", help="The file: .xlsx, .csv or .parquet.")],
    filter_: Annotated[
        list[str] | None,
        typer.Option("--filter", help="field=value (or != >= <= > <), repeatable."),
    ] = None,
    as_of: Annotated[str, typer.Option(help="Diagnosis: date of the analysis (YYYY-MM-DD).")] = "",
    as_user: Annotated[str, typer.Option("--as", help="Act as this login.")] = "",
) -> None:
    """Export any list, or the per-client diagnosis (ABC, RFM, last purchase), to a file."""
    setup_django()
    from cartera.cli.common import parse_date
    from cartera.imports.exports import EXPORT_KINDS, ExportError, export_file

    if kind not in EXPORT_KINDS:
        raise fail(
            _("KIND must be one of {kinds}, got {k!r}").format(
                kinds=", ".join(EXPORT_KINDS), k=kind
            )
        )
    if out.suffix.lower() not in (".xlsx", ".csv", ".parquet"):
        raise fail(_("--out expects a file ending in .xlsx, .csv or .parquet"))
    day = parse_date(as_of, "--as-of")
    try:
        with console.status(_("exporting {kind} …").format(kind=kind)):
            exported = export_file(
                kind=kind, path=out, user=acting_user(as_user), filters=filter_ or [], as_of=day
            )
    except ExportError as exc:
        raise fail(str(exc)) from None
    console.print(
        _("{n:,} rows written to {path}").format(n=exported.rows, path=exported.path)
        + (
            _(" (the sheet holds {max:,} rows: the rest were left out)").format(max=exported.rows)
            if exported.truncated
            else ""
        )
    )


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
