"""Located problems of an import, kept as a frame: row in the file, column, value, expected.

Checks are Polars expressions over a whole frame of rows; the rows they flag are
listed here and left out of what is written, so that ``--keep-valid`` writes exactly
the rows with no problem and the default (atomic) mode writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from cartera.analytics.io import Problem

SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "expected": pl.String,
}
LOCATED_LIMIT = 10_000
"""How many problems are listed at most; all are counted."""


@dataclass(frozen=True, slots=True)
class Check:
    """A rule over a frame of rows: where ``failed`` is true, the row has a problem.

    Attributes
    ----------
    failed
        Boolean expression; null counts as passed.
    column
        Header of the column to blame, as written in the file.
    value
        Expression of the value shown in the report.
    expected
        What the value should be, in words (translated); an expression when it
        depends on the row (``also at row 12``).
    """

    failed: pl.Expr
    column: str
    value: pl.Expr
    expected: str | pl.Expr


class Problems:
    """The problems found so far, and how many there are in all."""

    def __init__(self, *, limit: int = LOCATED_LIMIT) -> None:
        self.limit = limit
        self.total = 0
        self._parts: list[pl.DataFrame] = []
        self._listed = 0

    def add(self, located: pl.DataFrame, *, total: int | None = None) -> None:
        """Add located problems (columns of :data:`SCHEMA`); ``total`` when more were found."""
        self.total += located.height if total is None else max(total, located.height)
        room = self.limit - self._listed
        if room <= 0 or located.height == 0:
            return
        part = located.head(room).select(pl.col(n).cast(t) for n, t in SCHEMA.items())
        self._parts.append(part)
        self._listed += part.height

    def add_read(self, problems: Sequence[Problem], total: int) -> None:
        """Add the problems :func:`cartera.analytics.io.convert_columns` located."""
        frame = pl.DataFrame(
            {
                "row": [p.row for p in problems],
                "column": [p.column for p in problems],
                "value": [p.value for p in problems],
                "expected": [p.expected for p in problems],
            },
            schema=SCHEMA,
        )
        self.add(frame, total=total)

    def add_file(self, column: str | None, expected: str, value: str | None = None) -> None:
        """Add a problem of the whole file (a missing column, an unreadable file)."""
        self.add(
            pl.DataFrame(
                {"row": [None], "column": [column], "value": [value], "expected": [expected]},
                schema=SCHEMA,
            )
        )

    def room(self) -> int:
        """Return how many more problems may be listed (at least 1, so that counting goes on)."""
        return max(self.limit - self._listed, 1)

    @property
    def frame(self) -> pl.DataFrame:
        """Return the listed problems, file problems first, then by row and column."""
        if not self._parts:
            return pl.DataFrame(schema=SCHEMA)
        return pl.concat(self._parts).sort(["row", "column"], nulls_last=False)

    def __bool__(self) -> bool:
        return self.total > 0


def apply_checks(data: pl.DataFrame, checks: Iterable[Check], problems: Problems) -> pl.DataFrame:
    """Return ``data`` without the rows some check flags; every flag goes to ``problems``.

    All the checks run on the same rows, so a row with two problems has both listed.
    """
    listed = list(checks)
    if not listed or data.height == 0:
        return data
    names = [f"__check{i}" for i in range(len(listed))]
    flagged = data.with_columns(
        c.failed.fill_null(False).alias(n) for c, n in zip(listed, names, strict=True)
    )
    counts = flagged.select(pl.col(names).sum()).row(0)
    if not any(counts):
        return data
    parts = []
    for check, name, count in zip(listed, names, counts, strict=True):
        if not count:
            continue
        expected = (
            pl.lit(check.expected, pl.String)
            if isinstance(check.expected, str)
            else check.expected.cast(pl.String)
        )
        # Value and expectation are computed on every row before the filter, so that a
        # window over the file ("row 2 has it") sees the rows that passed too.
        described = flagged.with_columns(
            check.value.cast(pl.String).alias("__value"), expected.alias("__expected")
        )
        parts.append(
            described.filter(pl.col(name)).select(
                pl.col("row"),
                pl.lit(check.column, pl.String).alias("column"),
                pl.col("__value").alias("value"),
                pl.col("__expected").alias("expected"),
            )
        )
    problems.add(pl.concat(parts).sort("row"))
    return flagged.filter(~pl.any_horizontal(names)).drop(names)
