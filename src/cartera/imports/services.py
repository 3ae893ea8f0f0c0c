"""Imports and saved mappings: the one entry point of the CLI, the REST API and the web page.

The web page's steps map onto these functions:

1. *upload* — store the file where the server can read it;
2. *preview mapping* — :func:`import_preview` recognises the headers (optionally with
   a saved mapping or the user's corrections) and shows a sample;
3. *dry run* — :func:`import_file` with ``dry_run=True`` returns what would be created,
   updated or left unchanged, and every problem located;
4. *confirm* — :func:`import_file` again with ``dry_run=False``.

Only users who see every portfolio (managers, administrators, the command line) may
import: an import writes the company's data in bulk.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.audit.services import record_bulk
from cartera.common.bulk import bulk_insert, deferred_indexes, next_id, reset_sequences
from cartera.common.dataversion import Topic, data_changed
from cartera.common.scoping import sees_all
from cartera.common.selectors import company_settings
from cartera.common.services import validated_save
from cartera.imports.kinds import Kind, kind_named
from cartera.imports.loaders import LOADERS, Context, Plan
from cartera.imports.matching import Step
from cartera.imports.models import ColumnMapping
from cartera.imports.problems import Problems
from cartera.imports.reading import Progress, Source, convert, open_source
from cartera.imports.report import ImportReport
from cartera.imports.writing import bulk_update, deferred_foreign_keys

BIG_LOAD = 50_000
"""New rows from which a table's secondary indexes (and, on PostgreSQL, its foreign keys)
are dropped and built again after the load."""
_WRITE_PART = 100_000


# Which cached analytics a write to each table makes stale (see common.dataversion).
_TOPICS = {
    "sales.sale": Topic.SALES,
    "sales.saleline": Topic.SALES,
    "catalog.product": Topic.SALES,
    "receivables.payment": Topic.PAYMENTS,
    "activities.activity": Topic.ACTIVITIES,
    "clients.account": Topic.ACCOUNTS,
    "clients.contact": Topic.ACCOUNTS,
    "clients.ownershipperiod": Topic.ACCOUNTS,
    "team.salesperson": Topic.ACCOUNTS,
    "prospecting.campaign": Topic.ACCOUNTS,
}


class DatabaseChangedError(Exception):
    """Rows were added to a table between the import's check and its write."""


@dataclass(frozen=True, slots=True)
class Preview:
    """How a file would be read, before anything is checked or written.

    Attributes
    ----------
    kind
        What the rows are.
    columns
        Field → header recognised (or given).
    unknown
        Headers with no field (custom attributes of accounts, else ignored).
    unknown_as_attributes
        Whether unknown headers become custom attributes.
    fields
        Every field the kind can take: (name, required, header or None), for a
        mapping editor.
    sample
        The first rows as read (text).
    rows
        Data rows in the file.
    encoding, delimiter, sheet
        What was detected.
    """

    kind: str
    columns: Mapping[str, str]
    unknown: tuple[str, ...]
    unknown_as_attributes: bool
    fields: tuple[tuple[str, bool, str | None], ...]
    sample: pl.DataFrame
    rows: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None


def _allowed(user: Any) -> None:
    if not sees_all(user):
        raise PermissionDenied(_("Only managers and administrators can import."))


def _saved(kind: Kind, mapping: str | None) -> dict[str, str]:
    """Return the saved mapping called ``mapping`` (none when not named)."""
    if not mapping:
        return {}
    saved = ColumnMapping.objects.filter(kind=kind.name, name=mapping).first()
    if saved is None:
        raise ValidationError(
            {
                "mapping": _("There is no saved mapping %(name)s for %(kind)s.")
                % {"name": mapping, "kind": kind.name}
            }
        )
    return dict(saved.columns)


def _open(
    kind: Kind,
    path: str | Path,
    columns: Mapping[str, str] | None,
    mapping: str | None,
    sheet: str | int | None,
) -> Source:
    return open_source(kind, path, overrides=columns, saved=_saved(kind, mapping), sheet=sheet)


def import_preview(
    *,
    kind: str,
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    mapping: str | None = None,
    sheet: str | int | None = None,
    sample_rows: int = 10,
) -> Preview:
    """Return how ``path`` would be read as a file of ``kind`` (headers, sample).

    Raises
    ------
    cartera.analytics.io.ReadError
        When the file cannot be read or a required column is missing.
    """
    spec = kind_named(kind)
    source = _open(spec, path, columns, mapping, sheet)
    fields = tuple((r.name, r.required, source.columns.get(r.name)) for r in spec.roles)
    return Preview(
        kind=spec.name,
        columns=dict(source.columns),
        unknown=source.unknown,
        unknown_as_attributes=spec.attributes,
        fields=fields,
        sample=source.table.frame.head(sample_rows).collect(),
        rows=source.rows,
        encoding=source.table.encoding,
        delimiter=source.table.delimiter,
        sheet=source.table.sheet,
    )


def _locked(models: list[type]) -> None:
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        # Other writers wait until the import commits; readers are not blocked.
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _insert(step: Step, on_progress: Progress | None, done: list[int], total: int) -> None:
    for offset in range(0, step.creates.height, _WRITE_PART):
        written = bulk_insert(step.model, step.creates.slice(offset, _WRITE_PART))
        done[0] += written
        if on_progress:
            on_progress("write", done[0], total)


def _write(plan: Plan, on_progress: Progress | None, *, file: str) -> None:
    """Write ``plan`` in one transaction; raise :class:`DatabaseChangedError` on a race.

    Bulk writes skip the per-row history, so each table written gets one audit event
    naming the file, inside the same transaction.
    """
    models = list(dict.fromkeys(s.model for s in plan.steps))
    total = sum(s.creates.height + s.updates.height for s in plan.steps)
    done = [0]
    with transaction.atomic():
        _locked(models)
        for step in plan.steps:
            if step.creates.height and next_id(step.model) != step.first_id:
                raise DatabaseChangedError(
                    _("Rows were added to %(table)s while the file was checked; import it again.")
                    % {"table": step.model._meta.verbose_name_plural}
                )
        big = [
            s.model
            for s in plan.steps
            if s.creates.height >= BIG_LOAD and s.creates.height >= s.first_id - 1
        ]
        deferred = list(dict.fromkeys(big))
        with (
            deferred_foreign_keys(*deferred),
            deferred_indexes(*deferred) if deferred else nullcontext(),
        ):
            for step in plan.steps:
                _insert(step, on_progress, done, total)
                done[0] += bulk_update(step.model, step.updates)
                if on_progress and step.updates.height:
                    on_progress("write", done[0], total)
            if on_progress:
                on_progress("finish", 0, 0)
        for after in plan.after:
            after()
        reset_sequences(*models)
        for step in plan.steps:
            if step.creates.height or step.updates.height:
                record_bulk(
                    action="import",
                    model=step.model,
                    count=step.creates.height + step.updates.height,
                    detail=f"{file}: {step.creates.height} created, {step.updates.height} updated",
                )
        written = [s.model for s in plan.steps if s.creates.height or s.updates.height]
        topics = {_TOPICS[m._meta.label_lower] for m in written if m._meta.label_lower in _TOPICS}
        if topics:
            data_changed(*sorted(topics))


def import_file(
    *,
    kind: str,
    path: str | Path,
    user: Any,
    columns: Mapping[str, str] | None = None,
    mapping: str | None = None,
    dry_run: bool = False,
    keep_valid: bool = False,
    create_missing: bool = False,
    sheet: str | int | None = None,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Import the rows of ``path`` as ``kind``; return what was (or would be) written.

    Parameters
    ----------
    kind
        ``clients``, ``prospects``, ``contacts``, ``products``, ``salespeople``,
        ``sales``, ``payments``, ``activities``, ``campaigns`` or ``goals``.
    path
        CSV (encoding and delimiter detected), XLSX, XLS, ODS or Parquet.
    user
        Who imports; must see every portfolio.
    columns
        Field → header, for headers not recognised (``{"code": "Cod. Tercero"}``).
    mapping
        Name of a saved mapping (see :func:`mapping_save`); ``columns`` win over it.
    dry_run
        Check everything and count, write nothing.
    keep_valid
        Write the rows with no problem; by default one problem writes nothing.
    create_missing
        Create the products and salespeople the file names and cartera lacks.
    sheet
        Sheet of a spreadsheet (the first by default).
    on_progress
        Called with (stage, done, total) as reading and writing advance.

    Raises
    ------
    PermissionDenied
        When ``user`` does not see every portfolio.
    cartera.analytics.io.ReadError
        When the file cannot be read, or lacks a required column (nothing is checked
        row by row then).
    DatabaseChangedError
        When another writer added rows to the same tables meanwhile (nothing written).
    """
    _allowed(user)
    started = time.perf_counter()
    spec = kind_named(kind)
    source = _open(spec, path, columns, mapping, sheet)
    problems = Problems()
    typed = convert(
        source,
        problems,
        track="invoice" if spec.name == "sales" else None,
        on_progress=on_progress,
    )
    # The raw cells (the largest thing held) are not needed once converted.
    source = source.without_cells()
    company = company_settings()
    now = timezone.now()
    ctx = Context(
        source=source,
        problems=problems,
        create_missing=create_missing,
        region=(company.default_region or "ES").upper(),
        today=timezone.localdate(),
        now=now,
        reason=_("Imported from %(file)s") % {"file": Path(path).name},
        rejected=typed.rejected,
    )
    if on_progress:
        on_progress("check", 0, 0)
    plan = LOADERS[spec.name](ctx, typed.frame)
    formats = typed.formats
    del typed, ctx
    writes = not dry_run and (keep_valid or not problems)
    if writes and (plan.after or any(s.creates.height or s.updates.height for s in plan.steps)):
        _write(plan, on_progress, file=Path(path).name)
    return ImportReport(
        kind=spec.name,
        file=str(path),
        dry_run=dry_run,
        keep_valid=keep_valid,
        written=writes,
        rows=source.rows,
        valid_rows=plan.rows,
        counts=plan.counts,
        primary=plan.primary,
        problems=problems.frame,
        problem_count=problems.total,
        columns=dict(source.columns),
        unknown=source.unknown,
        unknown_as_attributes=spec.attributes,
        formats={h: _format_text(f) for h, f in formats.items() if _format_text(f)},
        encoding=source.table.encoding,
        delimiter=source.table.delimiter,
        sheet=source.table.sheet,
        seconds=time.perf_counter() - started,
    )


def _format_text(fmt: Any) -> str:
    if fmt.number_format is not None:
        return str(fmt.number_format.value)
    if fmt.date_format is not None:
        return str(fmt.date_format.value)
    return ""


@transaction.atomic
def mapping_save(
    *, name: str, kind: str, columns: Mapping[str, str], user: Any = None
) -> ColumnMapping:
    """Save (or replace) the mapping ``name`` of ``kind``: field → header."""
    spec = kind_named(kind)
    unknown = sorted(set(columns) - {r.name for r in spec.roles})
    if unknown:
        raise ValidationError(
            {
                "columns": _("Unknown fields for %(kind)s: %(fields)s.")
                % {"kind": kind, "fields": ", ".join(unknown)}
            }
        )
    saved = ColumnMapping.objects.filter(kind=spec.name, name=name.strip()).first()
    if saved is None:
        saved = ColumnMapping(kind=spec.name, name=name.strip())
    saved.columns = dict(columns)
    saved.created_by = user if getattr(user, "pk", None) else saved.created_by
    return validated_save(saved)


__all__ = [
    "DatabaseChangedError",
    "ImportReport",
    "Preview",
    "import_file",
    "import_preview",
    "mapping_save",
]
