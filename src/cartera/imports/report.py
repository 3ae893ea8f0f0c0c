"""What an import did, or would do: counts per table and every located problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from cartera.imports.matching import Counts


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The outcome of :func:`cartera.imports.services.import_file`.

    Attributes
    ----------
    kind
        What the rows are (``clients``, ``sales`` …).
    file
        The file read.
    dry_run, keep_valid
        How the import ran.
    written
        Whether anything was written (false on a dry run, and in the default atomic
        mode when some row has a problem).
    rows
        Data rows in the file (empty ones included).
    valid_rows
        Rows that passed every check.
    counts
        Table → rows created, updated and unchanged (what would be, on a dry run).
    primary
        The table of the kind itself (the headline of ``counts``).
    problems
        The located problems (``row``, ``column``, ``value``, ``expected``), row order.
    problem_count
        How many problems there are in all (more than listed on a very bad file).
    columns
        Field → header of the file that filled it.
    unknown
        Headers that took no field: custom attributes for accounts, else ignored.
    unknown_as_attributes
        Whether ``unknown`` became custom attributes.
    formats
        Header → the number or date format decided for it.
    encoding, delimiter, sheet
        What was detected when reading the file.
    seconds
        Wall time of the import.
    """

    kind: str
    file: str
    dry_run: bool
    keep_valid: bool
    written: bool
    rows: int
    valid_rows: int
    counts: Mapping[str, Counts]
    primary: str
    problems: pl.DataFrame
    problem_count: int
    columns: Mapping[str, str]
    unknown: tuple[str, ...] = ()
    unknown_as_attributes: bool = False
    formats: Mapping[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Return whether the file had no problem at all."""
        return self.problem_count == 0

    @property
    def headline(self) -> Counts:
        return self.counts.get(self.primary, Counts())

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (for the API and ``--json``)."""
        return {
            "kind": self.kind,
            "file": self.file,
            "dry_run": self.dry_run,
            "keep_valid": self.keep_valid,
            "written": self.written,
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "primary": self.primary,
            "counts": {table: c.as_dict() for table, c in self.counts.items()},
            "problem_count": self.problem_count,
            "problems": self.problems.to_dicts(),
            "columns": dict(self.columns),
            "unknown": list(self.unknown),
            "unknown_as_attributes": self.unknown_as_attributes,
            "formats": dict(self.formats),
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "seconds": round(self.seconds, 3),
        }


def write_problems(problems: pl.DataFrame, path: str | Path) -> Path:
    """Write the problems to ``path``: CSV, or XLSX with the header frozen and a filter."""
    target = Path(path)
    table = problems.select(
        pl.col("row").alias(_("row")),
        pl.col("column").alias(_("column")),
        pl.col("value").alias(_("value")),
        pl.col("expected").alias(_("expected")),
    )
    if target.suffix.lower() == ".xlsx":
        from cartera.reporting.workbook import write_workbook

        write_workbook(target, {_("Problems"): table})
    else:
        table.write_csv(target)
    return target
