"""Custom attributes of accounts: the columns a clients file has beyond cartera's fields.

Each unknown header becomes a key of ``Account.attributes`` (S4.1: free criteria for
the ideal client profile). A column headed ``attributes`` holding JSON objects (what
``cartera export clients`` writes) is read too, so a round trip keeps numbers and
booleans as they were. Attributes are merged: a key the file does not mention, or
leaves empty, keeps its stored value.

Merging JSON objects has no column-wise form, so it runs in Python on the *distinct*
combinations of (stored, JSON column, unknown columns) only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import polars as pl

MERGED = "__merged_attributes"


def canonical(text: str | None) -> str:
    """Return a JSON object as cartera compares it: keys sorted, compact."""
    loaded: Any = json.loads(text) if text else {}
    return json.dumps(
        loaded if isinstance(loaded, dict) else {}, ensure_ascii=False, sort_keys=True
    )


def canonical_column(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Return ``frame`` with the JSON objects of ``column`` in canonical form."""
    distinct = frame.select(pl.col(column).unique()).to_series()
    table = pl.DataFrame(
        {column: distinct, "__canonical": [canonical(v) for v in distinct.to_list()]},
        schema={column: pl.String, "__canonical": pl.String},
    )
    return (
        frame.join(table, on=column, how="left", nulls_equal=True, maintain_order="left")
        .with_columns(pl.col("__canonical").alias(column))
        .drop("__canonical")
    )


def _merge(stored: str | None, given: str | None, columns: str | None) -> str:
    merged: dict[str, Any] = json.loads(stored) if stored else {}
    if given:
        merged.update(json.loads(given))
    if columns:
        merged.update({k: v for k, v in json.loads(columns).items() if v is not None})
    return json.dumps(merged, ensure_ascii=False, sort_keys=True)


def merged(
    frame: pl.DataFrame, *, stored: str, given: str | None, unknown: Sequence[str], prefix: str
) -> pl.DataFrame:
    """Return ``frame`` with :data:`MERGED`: stored attributes updated by the file's.

    Parameters
    ----------
    stored
        Column of the stored attributes (JSON text, null for a new account).
    given
        Column of JSON objects from the file, if it has one.
    unknown
        Columns of unknown headers (named ``prefix + header``), text.
    """
    if unknown:
        encoded = pl.struct(pl.col(c).alias(c.removeprefix(prefix)) for c in unknown)
        columns = encoded.struct.json_encode()
    else:
        columns = pl.lit(None, pl.String)
    parts = frame.select(
        pl.col(stored).alias("__stored"),
        (pl.col(given) if given else pl.lit(None, pl.String)).alias("__given"),
        columns.alias("__columns"),
    )
    keyed = frame.with_columns(parts)
    distinct = parts.unique()
    results = [_merge(*row) for row in distinct.iter_rows()]
    table = distinct.with_columns(pl.Series(MERGED, results, dtype=pl.String))
    joined = keyed.join(
        table,
        on=["__stored", "__given", "__columns"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    return joined.drop("__stored", "__given", "__columns")
