"""Read a file of contacts with clients (visits, calls, e-mails …) into the ACTIVITIES frame."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from cartera.analytics.io.columns import ColumnSpec, ValueKind, convert_columns
from cartera.analytics.io.errors import ReadError
from cartera.analytics.io.headers import Vocabulary, normalise_header, recognise_headers
from cartera.analytics.io.sales import SALES_VOCABULARY
from cartera.analytics.io.tables import open_table

ACTIVITIES_VOCABULARY = Vocabulary(
    "activities",
    {
        "client": SALES_VOCABULARY.roles["client"],
        "date": (
            "date",
            "fecha",
            "fecha visita",
            "fecha contacto",
            "fecha actividad",
            "data",
            "data visita",
            "data contato",
            "activity date",
            "contact date",
        ),
        "kind": (
            "kind",
            "tipo",
            "tipo actividad",
            "tipo contacto",
            "tipo atividade",
            "actividad",
            "atividade",
            "activity",
            "activity type",
            "type",
            "acción",
            "ação",
        ),
    },
    required=(("client",), ("date",)),
)
"""Roles of an activities file and the headers people write for them (es / pt / en)."""


def _score(headers: list[str] | tuple[str, ...]) -> int:
    known = {
        " ".join(s)
        for role in ACTIVITIES_VOCABULARY.roles
        for s in ACTIVITIES_VOCABULARY.synonyms(role)
    }
    return sum(1 for h in headers if normalise_header(str(h)) in known)


def read_activities(path: str | Path, *, columns: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Return the contacts of a CSV, spreadsheet or Parquet file (``client``, ``date``, ``kind``).

    Without a kind column every row is a ``"contact"``.

    Raises
    ------
    ReadError
        With every located problem, as :func:`~cartera.analytics.io.read_sales`.
    """
    table = open_table(path, header_score=_score)
    file = str(table.path)
    match = recognise_headers(
        table.frame.collect_schema().names(), ACTIVITIES_VOCABULARY, overrides=columns, file=file
    )
    kinds = {"date": ValueKind.DATE}
    specs = [
        ColumnSpec(role, header, kinds.get(role, ValueKind.TEXT), role in ("client", "date"))
        for role, header in match.columns.items()
    ]
    converted = convert_columns(
        table.frame, specs, first_row=table.first_row, file=file, clean_text=table.kind != "parquet"
    )
    if converted.total_problems:
        raise ReadError(converted.problems, total=converted.total_problems)
    frame = converted.frame.drop("row")
    if "kind" not in frame.columns:
        frame = frame.with_columns(pl.lit("contact").alias("kind"))
    return frame.select("client", "date", "kind")
