"""Located reading errors: every problem names the file, the row, the column and the value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_LISTED = 20
"""How many problems the message of :class:`ReadError` spells out; the rest are counted."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an input file, located as the user sees it in a spreadsheet.

    Attributes
    ----------
    file
        Path of the file, or ``None`` for an in-memory frame.
    row
        Row number in the spreadsheet (the header is row 1), or ``None`` when the
        problem concerns a whole column (a missing or unknown column).
    column
        Header of the column as written in the file, or the role when the column is
        missing.
    value
        The offending cell as text, or ``None``.
    expected
        What the value should look like, in words.
    """

    file: str | None
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(Path(self.file).name)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        location = ", ".join(where) or "input"
        value = "" if self.value is None else f": {self.value!r}"
        return f"{location}{value}: expected {self.expected}"


class ReadError(ValueError):
    """A file cannot be read as asked; ``problems`` lists every located problem found.

    Parameters
    ----------
    problems
        The problems, in file order (column problems first).
    total
        How many problems there are in all, when ``problems`` is a truncated list.
    """

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.total: int = max(total or 0, len(self.problems))
        super().__init__(self._message())

    def _message(self) -> str:
        if not self.problems:
            return "the file cannot be read"
        lines = [str(p) for p in self.problems[:MAX_LISTED]]
        hidden = self.total - len(lines)
        if hidden > 0:
            lines.append(f"… and {hidden} more problem(s)")
        head = "1 problem" if self.total == 1 else f"{self.total} problems"
        return f"{head}:\n  " + "\n  ".join(lines)


def raise_if_any(problems: Iterable[Problem], *, total: int | None = None) -> None:
    """Raise :class:`ReadError` when ``problems`` is not empty."""
    listed = list(problems)
    if listed:
        raise ReadError(listed, total=total)
