"""Open an import file and convert its cells to typed columns, chunk by chunk.

Headers are recognised by :func:`cartera.analytics.io.recognise_headers` with the
kind's vocabulary; number and date formats are decided once from whole columns by
:func:`cartera.analytics.io.detect_formats`; then the rows are converted in chunks
(:data:`CHUNK_ROWS` at a time) so that the memory held for conversion stays bounded
whatever the size of the file. Rows with a problem are listed and left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from cartera.analytics.io import (
    ColumnFormat,
    ColumnSpec,
    RawTable,
    ReadError,
    ValueKind,
    convert_columns,
    detect_formats,
    normalise_header,
    open_table,
    recognise_headers,
)
from cartera.imports import cells
from cartera.imports import validators as libs
from cartera.imports.kinds import Kind
from cartera.imports.problems import Check, Problems, apply_checks
from cartera.imports.roles import READ_AS, Role, Value

CHUNK_ROWS = 250_000
"""Rows converted at a time."""
ATTRIBUTE_PREFIX = "attr:"
"""Prefix of the converted columns that hold unknown headers (custom attributes)."""

Progress = Callable[[str, int, int], None]
"""Called with (stage, rows done, rows in all) as the work advances."""


@dataclass(frozen=True, slots=True)
class Source:
    """An import file opened and its headers recognised.

    Attributes
    ----------
    kind
        What the rows are.
    table
        The cells as read (see :class:`cartera.analytics.io.RawTable`).
    columns
        Role → header of the file.
    unknown
        Headers that took no role: custom attributes of accounts, otherwise ignored.
    rows
        Data rows in the file (empty ones included).
    """

    kind: Kind
    table: RawTable
    columns: Mapping[str, str]
    unknown: tuple[str, ...]
    rows: int

    @property
    def file(self) -> str:
        return str(self.table.path)

    def roles(self) -> list[Role]:
        """Return the roles the file has a column for, in vocabulary order."""
        return [r for r in self.kind.roles if r.name in self.columns]

    def header(self, role: str) -> str:
        """Return the header of the file's column for ``role`` (its name if absent)."""
        return self.columns.get(role, role)

    def without_cells(self) -> Source:
        """Return this source without its cells, to free them once converted."""
        return replace(self, table=replace(self.table, frame=pl.LazyFrame()))


@dataclass(frozen=True, slots=True)
class Typed:
    """The rows of a file with no problem so far, one typed column per role.

    Attributes
    ----------
    frame
        One column per role of the file, ``row`` (the row in the file) and, for
        accounts, one ``attr:HEADER`` text column per unknown header.
    formats
        Header → number or date format decided.
    rejected
        For the role asked to track: its (trimmed) value on every row left out, so
        that the rows sharing it can be left out too (the other lines of an invoice).
    """

    frame: pl.DataFrame
    formats: Mapping[str, ColumnFormat]
    rejected: pl.Series | None = None


def _header_scorer(kind: Kind) -> Callable[[list[str] | tuple[str, ...]], int]:
    known = {" ".join(s) for r in kind.roles for s in kind.vocabulary.synonyms(r.name)}

    def score(headers: list[str] | tuple[str, ...]) -> int:
        return sum(1 for h in headers if normalise_header(str(h)) in known)

    return score  # type: ignore[return-value]


def open_source(
    kind: Kind,
    path: str | Path,
    *,
    overrides: Mapping[str, str] | None = None,
    saved: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
) -> Source:
    """Open ``path`` and recognise its headers as a file of ``kind``.

    ``overrides`` (field → header) must name headers of the file; a ``saved`` mapping
    may name headers this file lacks (a later export of the same system): those are
    skipped. ``overrides`` win over ``saved``.

    Raises
    ------
    ReadError
        When the file cannot be read, an override names an unknown field or header,
        or a required column is missing.
    """
    table = open_table(path, header_score=_header_scorer(kind), sheet=sheet)  # type: ignore[arg-type]
    headers = table.frame.collect_schema().names()
    present = {normalise_header(h) for h in headers}
    chosen = {
        role: header
        for role, header in (saved or {}).items()
        if header in headers or normalise_header(header) in present
    }
    chosen.update(overrides or {})
    match = recognise_headers(headers, kind.vocabulary, overrides=chosen, file=str(table.path))
    rows = int(table.frame.select(pl.len()).collect().item())
    return Source(kind, table, dict(match.columns), tuple(match.unmatched), rows)


def _specs(source: Source) -> list[ColumnSpec]:
    specs = [
        ColumnSpec(
            role.name,
            source.columns[role.name],
            READ_AS.get(role.value, ValueKind.TEXT),
            role.required,
        )
        for role in source.roles()
    ]
    if source.kind.attributes:
        specs += [
            ColumnSpec(f"{ATTRIBUTE_PREFIX}{h}", h, ValueKind.TEXT)
            for h in source.unknown
            if h.strip()
        ]
    return specs


def _cell_conversions(source: Source) -> tuple[list[pl.Expr], list[Check]]:
    """Return the conversions the analytics reader leaves to the importer, and their checks."""
    converted: list[pl.Expr] = []
    checks: list[Check] = []
    typed = source.table.kind == "parquet"
    for role in source.roles():
        raw, new = pl.col(role.name), pl.col(f"__new:{role.name}")
        header = source.columns[role.name]
        expr: pl.Expr | None = None
        if typed and READ_AS.get(role.value) is None:
            # Parquet text is not cleaned by the reader: trim it, and empty is no value.
            trimmed = raw.cast(pl.String).str.strip_chars()
            raw = pl.when(trimmed != "").then(trimmed)
        if role.value is Value.NAME:
            expr = raw.str.replace_all(r"\s+", " ")
        elif role.value is Value.INTEGER:
            expr = raw.round(0).cast(pl.Int64, strict=False)
            wrong = raw.is_not_null() & (new.is_null() | (raw != new))
            checks.append(Check(wrong, header, raw, _("a whole number")))
        elif role.value is Value.NUMBER and role.decimals is not None:
            expr = raw.round(role.decimals)
        elif role.value is Value.BOOL:
            expr = cells.lookup(raw, cells.booleans())
            checks.append(
                Check(
                    raw.is_not_null() & new.is_null(),
                    header,
                    raw,
                    _("yes or no (sí/no, sim/não, yes/no, 1/0)"),
                )
            )
        elif role.value is Value.CHOICE:
            expr = cells.lookup(raw, role.choices)
            codes = ", ".join(dict.fromkeys(role.choices.values()))
            checks.append(
                Check(
                    raw.is_not_null() & new.is_null(),
                    header,
                    raw,
                    _("one of: %(codes)s") % {"codes": codes},
                )
            )
        elif role.value is Value.COUNTRY:
            expr = cells.lookup(raw, cells.countries())
            checks.append(
                Check(
                    raw.is_not_null() & new.is_null(),
                    header,
                    raw,
                    _("a country: its ISO code (ES, PT, BR …) or its name"),
                )
            )
        converted.append((raw if expr is None else expr).alias(f"__new:{role.name}"))
        checks += _bounds(role, header, pl.col(role.name), new)
    return converted, checks


def _bounds(role: Role, header: str, raw: pl.Expr, new: pl.Expr) -> list[Check]:
    checks: list[Check] = []
    scale = 100 if role.value is Value.MONEY else 1
    shown = raw / 100 if role.value is Value.MONEY else raw
    if role.max_length and role.value in (
        Value.TEXT,
        Value.NAME,
        Value.CODE,
        Value.REFERENCE,
        Value.EMAIL,
        Value.URL,
        Value.TAX_ID,
        Value.PHONE,
    ):
        checks.append(
            Check(
                new.str.len_chars() > role.max_length,
                header,
                raw,
                _("at most %(n)s characters") % {"n": role.max_length},
            )
        )
    if role.above_zero:
        checks.append(Check(new <= 0, header, shown, _("a number greater than zero")))
    if role.minimum is not None:
        checks.append(
            Check(
                new < role.minimum * scale,
                header,
                shown,
                _("a number not below %(n)s") % {"n": role.minimum},
            )
        )
    if role.maximum is not None:
        checks.append(
            Check(
                new > role.maximum * scale,
                header,
                shown,
                _("a number not above %(n)s") % {"n": role.maximum},
            )
        )
    return checks


def _library_checks(source: Source, frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    """Validate e-mails and URLs (one distinct value at a time) and keep the valid rows."""
    for role in source.roles():
        check = {Value.EMAIL: libs.email, Value.URL: libs.url, Value.JSON: libs.json_object}.get(
            role.value
        )
        if check is None or frame.height == 0:
            continue
        frame = checked_by_library(frame, role.name, source.header(role.name), check, problems)
    return frame


def checked_by_library(
    frame: pl.DataFrame,
    column: str,
    header: str,
    check: Callable[..., str | None],
    problems: Problems,
    *,
    extra: list[str] | None = None,
) -> pl.DataFrame:
    """Return ``frame`` with ``column`` normalised by ``check``; rows it refuses are left out.

    ``check`` runs once per distinct value (with the ``extra`` columns as further
    arguments, e.g. the country of a phone number).
    """
    joined = libs.distinct_results(frame, [column, *(extra or [])], check)
    # The message is the library's own, different for each value: listed directly
    # rather than through a Check, whose expectation is one text for the column.
    bad = joined.filter(pl.col(libs.ERROR).is_not_null())
    if bad.height:
        problems.add(
            bad.select(
                pl.col("row"),
                pl.lit(header).alias("column"),
                pl.col(column).alias("value"),
                pl.col(libs.ERROR).alias("expected"),
            )
        )
    return (
        joined.filter(pl.col(libs.ERROR).is_null())
        .with_columns(pl.col(libs.RESULT).alias(column))
        .drop(libs.RESULT, libs.ERROR)
    )


def _post_convert(source: Source, frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    converted, checks = _cell_conversions(source)
    staged = frame.with_columns(converted)
    kept = apply_checks(staged, checks, problems)
    names = [r.name for r in source.roles()]
    kept = kept.drop(names).rename({f"__new:{n}": n for n in names})
    return _library_checks(source, kept, problems)


def convert(
    source: Source,
    problems: Problems,
    *,
    track: str | None = None,
    on_progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Typed:
    """Return the rows of ``source`` converted to typed columns, without the rows in error.

    Parameters
    ----------
    source
        The opened file.
    problems
        Where every problem found is listed.
    track
        A role whose value on the rows left out is returned (see :attr:`Typed.rejected`).
    on_progress
        Called after each chunk.
    chunk_rows
        Rows converted at a time.
    """
    specs = _specs(source)
    table = source.table
    formats = detect_formats(table.frame, specs)
    parts: list[pl.DataFrame] = []
    rejected: list[pl.Series] = []
    for offset in range(0, max(source.rows, 1), chunk_rows):
        chunk = table.frame.slice(offset, chunk_rows)
        done = convert_columns(
            chunk,
            specs,
            first_row=table.first_row + offset,
            file=source.file,
            formats=formats,
            keep_valid=True,
            clean_text=table.kind != "parquet",
            limit=problems.room(),
        )
        if done.total_problems:
            problems.add_read(done.problems, done.total_problems)
        part = _post_convert(source, done.frame, problems)
        if track is not None and track in source.columns:
            rejected.append(_rejected(source, chunk, offset, part, track))
        parts.append(part)
        if on_progress:
            on_progress("read", min(offset + chunk_rows, source.rows), source.rows)
    frame = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame()
    lost = pl.concat(rejected).unique() if rejected else None
    return Typed(frame, formats, lost)


def _rejected(
    source: Source, chunk: pl.LazyFrame, offset: int, kept: pl.DataFrame, track: str
) -> pl.Series:
    """Return the trimmed value of ``track`` on the non-empty rows of ``chunk`` left out."""
    header = source.columns[track]
    first = source.table.first_row + offset
    raw = (
        chunk.with_row_index("__index")
        .select(
            (pl.col("__index") + first).cast(pl.Int64).alias("row"),
            pl.col(header).cast(pl.String).str.strip_chars().alias(track),
        )
        .filter(pl.col(track).is_not_null() & (pl.col(track) != ""))
        .collect()
    )
    return raw.join(kept.select("row"), on="row", how="anti")[track]


__all__ = [
    "ATTRIBUTE_PREFIX",
    "CHUNK_ROWS",
    "ReadError",
    "Source",
    "Typed",
    "checked_by_library",
    "convert",
    "open_source",
]
