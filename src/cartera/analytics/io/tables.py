"""Open a CSV, XLSX/XLS/ODS or Parquet file as a table of text columns.

CSV files have their encoding (UTF-8 with or without BOM, else CP1252/Latin-1) and
their delimiter sniffed; spreadsheets are read with fastexcel (calamine). Spreadsheet
and CSV cells come back as text so that the number and date recognisers see what the
user typed and decide each column's format from all of its values; Parquet keeps its
types. The header may sit below a title: the row with the most recognised headers
among the first ones is taken.
"""

from __future__ import annotations

import codecs
import csv
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cartera.analytics.io.errors import Problem, ReadError

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
DELIMITERS = (";", ",", "\t", "|")
_SNIFF_BYTES = 64 * 1024
_CHUNK = 1 << 20
_HEADER_SEARCH_ROWS = 30

HeaderScorer = Callable[[Sequence[str]], int]
"""Return how many cells of a candidate header row name a known role."""


@dataclass(frozen=True, slots=True)
class RawTable:
    """A file's cells, before any column is recognised or converted.

    Attributes
    ----------
    frame
        The data rows; text (``String``) columns for CSV and spreadsheets, the stored
        types for Parquet.
    path
        The file read.
    kind
        ``"csv"``, ``"spreadsheet"`` or ``"parquet"``.
    first_row
        Spreadsheet row number of ``frame``'s first row (the header is the row
        above). For Parquet, rows count from 1.
    encoding, delimiter, sheet
        What was detected or chosen, for messages and for the importer's report.
    """

    frame: pl.LazyFrame
    path: Path
    kind: str
    first_row: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def sniff_encoding(path: Path) -> str:
    """Return the encoding of a text file: ``utf-8-sig``, ``utf-8``, ``cp1252`` or ``latin-1``.

    The whole file is checked as UTF-8 in chunks (a single accented byte at the end
    of a Latin-1 file would otherwise be missed); CP1252 is preferred over Latin-1
    because Windows exports use it, unless the file holds a byte CP1252 leaves undefined.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def sniff_delimiter(lines: Sequence[str]) -> str:
    """Return the delimiter that splits ``lines`` into the most, most regular fields.

    Each candidate (``; , tab |``) splits the lines with a CSV parser (quotes
    respected); the winner gives the same field count on the most lines, then the
    most fields. A one-column file gets ``,``.
    """
    rows = [line for line in lines if line.strip()]
    best, best_key = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(rows, delimiter=delimiter)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        key = (counts.count(mode), mode)
        if key > best_key:
            best, best_key = delimiter, key
    return best


@contextmanager
def _utf8_copy(path: Path, encoding: str) -> Iterator[Path]:
    """Yield a UTF-8 copy of ``path`` (Polars reads UTF-8 only), transcoded in chunks."""
    if encoding in ("utf-8", "utf-8-sig"):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="cartera-") as tmp:
        target = Path(tmp) / "utf8.csv"
        with (
            path.open("r", encoding=encoding, newline="") as src,
            target.open("w", encoding="utf-8", newline="") as dst,
        ):
            shutil.copyfileobj(src, dst, _CHUNK)
        yield target


def _header_index(rows: Sequence[Sequence[str]], score: HeaderScorer | None) -> int:
    """Return the index of the header among ``rows``: the first row that scores best."""
    if score is None or not rows:
        return 0
    scores = [score([c for c in row if c]) for row in rows]
    best = max(scores)
    return scores.index(best) if best >= 2 else 0


def _open_csv(path: Path, score: HeaderScorer | None) -> RawTable:
    encoding = sniff_encoding(path)
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES).decode(encoding, errors="replace")
    lines = sample.splitlines()
    if len(sample) >= _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    delimiter = sniff_delimiter(lines[:200])
    head = list(csv.reader(lines[:_HEADER_SEARCH_ROWS], delimiter=delimiter))
    skip = _header_index([[c.strip() for c in row] for row in head], score)
    try:
        with _utf8_copy(path, encoding) as utf8:
            frame = pl.read_csv(
                utf8,
                separator=delimiter,
                infer_schema=False,
                skip_lines=skip,
                truncate_ragged_lines=True,
                raise_if_empty=False,
            )
    except pl.exceptions.PolarsError as exc:
        raise ReadError(
            [Problem(str(path), None, None, None, f"a readable CSV file ({exc})")]
        ) from exc
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip()})
    return RawTable(frame.lazy(), path, "csv", skip + 2, encoding=encoding, delimiter=delimiter)


def _open_spreadsheet(path: Path, score: HeaderScorer | None, sheet: str | int | None) -> RawTable:
    import fastexcel

    try:
        reader = fastexcel.read_excel(path)
        chosen = sheet if sheet is not None else 0
        # Every cell as text: the header is found among the rows and each column's
        # numbers and dates are recognised from what the user typed.
        loaded = reader.load_sheet(chosen, header_row=None, dtypes="string")
        cells = loaded.to_polars()
    except Exception as exc:  # fastexcel raises its own hierarchy, not importable by name
        raise ReadError(
            [Problem(str(path), None, None, None, f"a readable spreadsheet ({exc})")]
        ) from exc
    rows = cells.head(_HEADER_SEARCH_ROWS).rows()
    index = _header_index([[("" if c is None else str(c).strip()) for c in r] for r in rows], score)
    if cells.height == 0:
        return RawTable(pl.LazyFrame(), path, "spreadsheet", 2, sheet=str(loaded.name))
    header = [("" if c is None else str(c).strip()) for c in cells.row(index)]
    names = _unique_names(header)
    data = cells.slice(index + 1).rename(dict(zip(cells.columns, names, strict=True)))
    data = data.drop([n for n, h in zip(names, header, strict=True) if not h])
    offset = _sheet_start_row(path, chosen)
    return RawTable(data.lazy(), path, "spreadsheet", offset + index + 2, sheet=str(loaded.name))


def _sheet_start_row(path: Path, sheet: str | int) -> int:
    """Return how many empty rows precede the first used row (calamine skips them)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        found = (
            book.get_sheet_by_name(sheet)
            if isinstance(sheet, str)
            else book.get_sheet_by_index(sheet)
        )
        return int(found.start[0]) if found.start else 0
    except Exception:  # the row offset only improves messages; never fail on it
        return 0


def _unique_names(header: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for position, name in enumerate(header):
        name = name or f"column {position + 1}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name} ({count + 1})")
    return names


def open_table(
    path: str | Path, *, header_score: HeaderScorer | None = None, sheet: str | int | None = None
) -> RawTable:
    """Return the cells of a CSV, spreadsheet or Parquet file.

    Parameters
    ----------
    path
        The file; its suffix decides how it is read.
    header_score
        Scores candidate header rows (see :data:`HeaderScorer`); without it the first
        row is the header.
    sheet
        Sheet name or index of a spreadsheet; the first sheet by default.

    Raises
    ------
    ReadError
        When the file does not exist, has an unknown suffix or cannot be parsed.
    """
    file = Path(path)
    if not file.is_file():
        raise ReadError([Problem(str(file), None, None, None, "an existing file")])
    suffix = file.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _open_csv(file, header_score)
    if suffix in SPREADSHEET_SUFFIXES:
        return _open_spreadsheet(file, header_score, sheet)
    if suffix in PARQUET_SUFFIXES:
        return RawTable(pl.scan_parquet(file), file, "parquet", 1)
    known = sorted(CSV_SUFFIXES | SPREADSHEET_SUFFIXES | PARQUET_SUFFIXES)
    raise ReadError(
        [Problem(str(file), None, None, suffix or None, f"a file ending in {', '.join(known)}")]
    )
