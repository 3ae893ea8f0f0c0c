"""Convert a table's columns to typed values and locate every value that does not convert.

The steps are shared by every reader (sales here, clients, contacts, payments … in
the importer): describe the wanted columns with :class:`ColumnSpec`, let
:func:`detect_formats` decide each text column's number or date format from all of
its values in one pass, then :func:`convert_columns` converts them and lists the
problems with their spreadsheet row.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from cartera.analytics.frames import MONEY, to_cents
from cartera.analytics.io.dates import (
    DateFormat,
    as_date,
    date_votes,
    decide_date_format,
    parse_dates,
)
from cartera.analytics.io.errors import Problem
from cartera.analytics.io.numbers import (
    NumberFormat,
    cleaned_numbers,
    decide_format,
    format_votes,
    is_ambiguous,
    parse_cents,
    parse_number,
)

DEFAULT_PROBLEM_LIMIT = 1000
"""How many located problems are collected at most; the total is always counted."""


class ValueKind(enum.Enum):
    """What a column holds."""

    TEXT = "text"
    MONEY = "money"
    """Amounts in currency units, converted to integer cents."""
    CENTS = "cents"
    """Amounts already in integer cents."""
    NUMBER = "number"
    DATE = "date"
    CATEGORY = "category"
    """Text with few distinct values, stored as ``Categorical`` (compact, fast to group)."""


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A wanted column: where it comes from and what it holds.

    Attributes
    ----------
    name
        Name of the converted column.
    header
        Header of the source column in the file.
    kind
        What it holds.
    required
        Whether an empty cell is a problem.
    """

    name: str
    header: str
    kind: ValueKind
    required: bool = False


@dataclass(frozen=True, slots=True)
class ColumnFormat:
    """The format decided for one source column (``None`` where it does not apply)."""

    header: str
    kind: ValueKind
    number_format: NumberFormat | None = None
    date_format: DateFormat | None = None

    def expected(self) -> str:
        """Return what a value of this column should look like, in words."""
        if self.kind in (ValueKind.MONEY, ValueKind.NUMBER):
            sample = (self.number_format or NumberFormat.DECIMAL_POINT).value
            noun = "an amount" if self.kind is ValueKind.MONEY else "a number"
            return f"{noun} written like {sample}"
        if self.kind is ValueKind.CENTS:
            return "a whole number of cents"
        if self.kind is ValueKind.DATE:
            shape = self.date_format.value if self.date_format else "a date"
            return f"a date written {shape}"
        return "a value"


@dataclass(frozen=True, slots=True)
class Converted:
    """Typed columns and the problems found converting them.

    Attributes
    ----------
    frame
        One column per spec (named ``spec.name``) and ``row`` (the spreadsheet row,
        unless ``with_rows=False`` was asked);
        rows with a problem are dropped when ``keep_valid`` was asked, kept (with
        nulls) otherwise. Fully empty rows are always dropped.
    formats
        Header → the format decided.
    problems
        Located problems, at most the limit asked.
    total_problems
        How many problems there are in all.
    """

    frame: pl.DataFrame
    formats: Mapping[str, ColumnFormat]
    problems: tuple[Problem, ...]
    total_problems: int


def _is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)


def detect_formats(frame: pl.LazyFrame, specs: Sequence[ColumnSpec]) -> dict[str, ColumnFormat]:
    """Return the number or date format of every text column of ``specs``, in one pass.

    A number column that both formats read (only integers, or only values like
    ``1.234``) takes the format of the file's other number columns, so that a file is
    read one way throughout.
    """
    schema = frame.collect_schema()
    votes: list[pl.Expr] = []
    prepared: list[pl.Expr] = []
    for index, spec in enumerate(specs):
        if not _is_text(schema[spec.header]):
            continue
        key, source = f"c{index}", pl.col(spec.header)
        if spec.kind in (ValueKind.MONEY, ValueKind.NUMBER):
            prepared.append(cleaned_numbers(source).alias(f"__{key}"))
            votes += format_votes(pl.col(f"__{key}"), key, cleaned=True)
        elif spec.kind is ValueKind.DATE:
            prepared.append(source.cast(pl.String).str.strip_chars().alias(f"__{key}"))
            votes += date_votes(pl.col(f"__{key}"), key)
    # The text is cleaned once in its own step: inside the aggregations every vote
    # would clean it again.
    staged = frame.select(prepared)
    counts = staged.select(votes).collect().row(0, named=True) if votes else {}

    decided: dict[str, NumberFormat] = {}
    ambiguous: list[str] = []
    dates: dict[str, DateFormat] = {}
    for index, spec in enumerate(specs):
        key = f"c{index}"
        if f"{key}__n" not in counts:
            continue
        if spec.kind is ValueKind.DATE:
            dates[spec.header] = decide_date_format(counts, key)
        elif is_ambiguous(counts, key):
            ambiguous.append(key)
        else:
            decided[key] = decide_format(counts, key)
    majority = Counter(decided.values()).most_common(1)
    prefer = majority[0][0] if majority else None
    for key in ambiguous:
        decided[key] = decide_format(counts, key, prefer=prefer)

    formats: dict[str, ColumnFormat] = {}
    for index, spec in enumerate(specs):
        formats[spec.header] = ColumnFormat(
            spec.header, spec.kind, decided.get(f"c{index}"), dates.get(spec.header)
        )
    return formats


def _conversion(
    spec: ColumnSpec, dtype: pl.DataType, fmt: ColumnFormat, *, clean_text: bool
) -> tuple[pl.Expr, bool]:
    """Return the expression converting one column, and whether it can fail on a value."""
    source = pl.col(spec.header)
    text = _is_text(dtype)
    if spec.kind is ValueKind.CATEGORY:
        if isinstance(dtype, pl.Categorical | pl.Enum):
            return source.cast(pl.Categorical), False
        plain = ColumnSpec(spec.name, spec.header, ValueKind.TEXT, spec.required)
        as_text, _ = _conversion(plain, dtype, fmt, clean_text=clean_text)
        return as_text.cast(pl.Categorical), False
    if spec.kind is ValueKind.TEXT:
        if isinstance(dtype, pl.Categorical | pl.Enum):
            return source.cast(pl.String), False
        if not text:
            if dtype.is_float():
                # Spreadsheet codes stored as numbers (12345.0) are meant as 12345.
                whole = source.cast(pl.Int64, strict=False)
                source = (
                    pl.when(whole == source)
                    .then(whole.cast(pl.String))
                    .otherwise(source.cast(pl.String))
                )
            return source.cast(pl.String), False
        if not clean_text:
            return source.cast(pl.String), False
        cleaned = source.cast(pl.String).str.strip_chars().str.normalize("NFC")
        # One pass: a when/then on ``cleaned`` would clean every value twice.
        return cleaned.replace("", None), False
    if spec.kind is ValueKind.MONEY:
        if text:
            return parse_cents(source, fmt.number_format or NumberFormat.DECIMAL_POINT), True
        if isinstance(dtype, pl.Decimal):
            return parse_cents(source.cast(pl.String), NumberFormat.DECIMAL_POINT), True
        return to_cents(source), False
    if spec.kind is ValueKind.CENTS:
        return source.cast(MONEY, strict=False), not dtype.is_integer()
    if spec.kind is ValueKind.NUMBER:
        if text:
            return parse_number(source, fmt.number_format or NumberFormat.DECIMAL_POINT), True
        return source.cast(pl.Float64, strict=False), False
    if text:
        return parse_dates(source, fmt.date_format or DateFormat.ISO), True
    return as_date(source, dtype), not (dtype == pl.Date or isinstance(dtype, pl.Datetime))


def _present(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if _is_text(dtype):
        return expr.is_not_null() & (expr.cast(pl.String).str.strip_chars() != "")
    return expr.is_not_null()


def convert_columns(
    frame: pl.LazyFrame,
    specs: Sequence[ColumnSpec],
    *,
    first_row: int,
    file: str | None = None,
    formats: Mapping[str, ColumnFormat] | None = None,
    keep_valid: bool = False,
    clean_text: bool = True,
    drop_empty_rows: bool = True,
    with_rows: bool = True,
    limit: int = DEFAULT_PROBLEM_LIMIT,
) -> Converted:
    """Return the columns of ``specs`` converted, with every unconvertible value located.

    Parameters
    ----------
    frame
        The source table (see :class:`~cartera.analytics.io.tables.RawTable`).
    specs
        The wanted columns.
    first_row
        Spreadsheet row number of the frame's first row.
    file
        File name for the problems.
    formats
        Formats already decided; detected with :func:`detect_formats` when omitted.
    keep_valid
        Drop the rows with a problem instead of keeping them with nulls.
    clean_text
        Trim text and normalise it to Unicode NFC (skipped for typed sources).
    drop_empty_rows
        Leave out rows whose wanted cells are all empty (spreadsheet tails); Parquet
        has none, and skipping the check spares copying every column.
    with_rows
        Add the ``row`` column (the spreadsheet row of each converted row).
    limit
        How many problems to locate at most.
    """
    schema = frame.collect_schema()
    decided = dict(formats) if formats is not None else detect_formats(frame, specs)
    converted: list[pl.Expr] = []
    flags: list[tuple[str, pl.Expr, str]] = []
    presents: list[pl.Expr] = []
    for index, spec in enumerate(specs):
        dtype = schema[spec.header]
        fmt = decided.get(spec.header) or ColumnFormat(spec.header, spec.kind)
        expr, can_fail = _conversion(spec, dtype, fmt, clean_text=clean_text)
        converted.append(expr.alias(f"__value{index}"))
        present = _present(pl.col(spec.header), dtype)
        presents.append(present)
        if can_fail:
            failed = present & pl.col(f"__value{index}").is_null()
            flags.append((spec.header, failed, fmt.expected()))
        if spec.required:
            flags.append((spec.header, ~present, "a value (this column is required)"))

    names = [f"__flag{i}" for i in range(len(flags))]
    flagged = [flag.alias(name) for (_, flag, _), name in zip(flags, names, strict=True)]
    any_flag = pl.any_horizontal(pl.col(names)) if names else pl.lit(False)
    indexed = frame.with_row_index("__index") if with_rows or drop_empty_rows else frame
    if drop_empty_rows and presents:
        indexed = indexed.filter(pl.any_horizontal(presents))
    # Each conversion is computed once, in its own step, and the checks read its
    # result: one expression used for both the value and its check made Polars either
    # evaluate it twice or cache it at a cost several times the conversion itself.
    staged = indexed.with_columns(converted).with_columns(flagged).collect()
    total = int(sum(staged.select(pl.col(n).sum() for n in names).row(0))) if names else 0
    row = [(pl.col("__index") + first_row).cast(pl.Int64).alias("row")] if with_rows else []
    values = [pl.col(f"__value{i}").alias(spec.name) for i, spec in enumerate(specs)]
    kept = [*values, *row, *(names if keep_valid else [])]
    result = staged.select(kept)

    problems: list[Problem] = []
    if total:
        located = (
            staged.filter(any_flag)
            .head(limit)
            .select(
                (pl.col("__index") + first_row).cast(pl.Int64).alias("row"),
                *[
                    pl.col(spec.header).cast(pl.String).alias(f"__raw{i}")
                    for i, spec in enumerate(specs)
                ],
                *names,
            )
        )
        raw_of = {spec.header: f"__raw{i}" for i, spec in enumerate(specs)}
        position = {name: i for i, name in enumerate(names)}
        long = (
            located.unpivot(index=["row", *raw_of.values()], on=names, variable_name="flag")
            .filter(pl.col("value"))
            .with_columns(pl.col("flag").replace_strict(position, return_dtype=pl.Int64))
            .sort("row", "flag")
            .head(limit)
        )
        for record in long.iter_rows(named=True):
            header, _, expected = flags[record["flag"]]
            problems.append(Problem(file, record["row"], header, record[raw_of[header]], expected))
    del staged
    if keep_valid and names:
        result = result.filter(~any_flag).drop(names)
    return Converted(result, decided, tuple(problems), total)
