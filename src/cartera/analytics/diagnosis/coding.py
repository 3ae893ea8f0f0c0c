"""Dense integer codes for the keys of the lines: clients, products, text attributes.

The diagnosis groups ten million lines by client once per figure; with every key a
code ``0 … k − 1`` each grouping is an array reduction (see
:mod:`~cartera.analytics.diagnosis.grouped`). How a column becomes codes depends on
how it arrives:

* integer ids (a database key, or a Parquet file with numeric client numbers) and
  ``Categorical`` / ``Enum`` columns already are small integers: they index a slot
  table directly;
* text ids are hashed and the hashes ranked; the codes are then checked against the
  text itself, so that a hash collision can never merge two clients.

Codes of a sorted coding follow the order of the keys (text order for text and
integer ids, the categories' order for an ``Enum``), so that "ties by client id"
becomes "ties by code".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from cartera.analytics.diagnosis.grouped import parts

_SLACK: Final = 1 << 16
"""Integer keys index a slot table directly while their maximum stays below n + this."""


Codes = npt.NDArray[np.int32]
"""One code per line."""


@dataclass(frozen=True, slots=True)
class Coded:
    """A column as dense codes: line *i* holds ``keys[codes[i]]``."""

    codes: Codes
    keys: pl.Series


def _slots(chunks: list[npt.NDArray[np.integer]], n: int) -> bool:
    """Return whether the chunks' values are small non-negative integers (slot numbers)."""
    filled = [c for c in chunks if c.size]
    if not filled:
        return True
    low, high = min(int(c.min()) for c in filled), max(int(c.max()) for c in filled)
    return low >= 0 and high < n + _SLACK


def _ranked(column: pl.Series) -> npt.NDArray[np.intp]:
    """Return exact dense ranks ``0 … k − 1`` of any column (a sort)."""
    return (column.rank("dense").cast(pl.Int64) - 1).to_numpy().astype(np.intp, copy=False)


def _categories(dtype: pl.DataType) -> pl.Series:
    """Return the texts of a Categorical or Enum dtype, indexed by physical code."""
    if isinstance(dtype, pl.Enum):
        return dtype.categories
    return dtype.categories.to_series()  # type: ignore[attr-defined]


def _slot_keys(column: pl.Series, used: npt.NDArray[np.intp]) -> pl.Series:
    """Return the values of the used slots of an integer, Categorical or Enum column."""
    dtype = column.dtype
    if dtype.is_integer():
        return pl.Series(column.name, used).cast(dtype)
    return _categories(dtype).gather(used).cast(dtype).rename(column.name)


def _first_keys(
    column: pl.Series, slots: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], pl.Series]:
    """Return the used slots and the value each holds, read where it first appears."""
    n = slots.size
    first = np.full(int(slots.max()) + 1 if n else 0, n, np.intp)
    np.minimum.at(first, slots, np.arange(n, dtype=np.intp))
    used = np.flatnonzero(first < n)
    return used, column.gather(first[used])


def _used(chunks: list[npt.NDArray[np.integer]]) -> npt.NDArray[np.intp]:
    """Return the slot numbers that occur in the chunks, ascending."""
    high = max((int(c.max()) for c in chunks if c.size), default=-1)
    seen = np.zeros(high + 1, np.bool_)
    for chunk in chunks:
        seen[chunk] = True
    return np.flatnonzero(seen)


def _numbered(
    chunks: list[npt.NDArray[np.integer]],
    used: npt.NDArray[np.intp],
    keys: pl.Series,
    *,
    sort: bool,
) -> Coded:
    """Return the codes of the slots: used slot *j* becomes code *j*, or its rank in key order."""
    numbers = np.arange(used.size, dtype=np.int32)
    if sort:
        order = keys.arg_sort().to_numpy()
        keys = keys.gather(order)
        numbers[order] = np.arange(used.size, dtype=np.int32)
    code_of_slot = np.zeros(int(used[-1]) + 1 if used.size else 0, np.int32)
    code_of_slot[used] = numbers
    codes = np.empty(sum(c.size for c in chunks), np.int32)
    start = 0
    for chunk in chunks:
        codes[start : start + chunk.size] = code_of_slot[chunk]
        start += chunk.size
    return Coded(codes, keys)


def dense_codes(column: pl.Series, *, sort: bool = False, many: bool = False) -> Coded:
    """Return a column without nulls as dense codes and its distinct values.

    Parameters
    ----------
    column
        Client ids, product codes …; no nulls.
    sort
        Number the keys in ascending order of the keys.
    many
        The column has many distinct values (client ids): text is coded by hashing.

    Returns
    -------
    Coded
        ``keys`` keep the column's dtype, except integer ids, which become ``String``
        (the contract's dtype for ids, :data:`~cartera.analytics.frames.SALES`) and
        sort as text.
    """
    dtype = column.dtype
    chunks: list[npt.NDArray[np.integer]]
    if dtype.is_integer() or isinstance(dtype, pl.Categorical | pl.Enum):
        physical = column if dtype.is_integer() else column.to_physical()
        chunks = parts(physical)
        if _slots(chunks, column.len()):
            used = _used(chunks)
            keys = _slot_keys(column, used)
        else:
            slots = _ranked(physical)
            used, keys = _first_keys(column, slots)
            chunks = [slots]
    elif dtype == pl.String and many:
        # Ranking the 64-bit hashes costs a fraction of a hash set of the texts; the
        # texts are then compared with the key of their code, so that two ids sharing
        # a hash (about once in 10^8 portfolios) cannot merge.
        slots = _ranked(column.hash())
        used, keys = _first_keys(column, slots)
        if not (column == keys.gather(slots)).all():
            slots = _ranked(column)
            used, keys = _first_keys(column, slots)
        chunks = [slots]
    else:
        # Text with few distinct values: a Categorical numbers them in one hash pass.
        coded = dense_codes(column.cast(pl.String).cast(pl.Categorical))
        chunks = [coded.codes]
        used = np.arange(coded.keys.len(), dtype=np.intp)
        keys = coded.keys.cast(pl.String)
    if dtype.is_integer():
        keys = keys.cast(pl.String)
    return _numbered(chunks, used, keys, sort=sort)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A text column as a code per line, and the rank of each code in text order.

    Attributes
    ----------
    codes
        The column's own integer code of each line (a ``Categorical``'s physical
        value); lines without a value hold ``null_code``.
    rank_of
        Code → the position of its text in ``values``; ``-1`` for ``null_code`` and
        for codes no line uses. The greatest rank is the greatest text.
    values
        The distinct values found, in text order.
    """

    codes: npt.NDArray[np.unsignedinteger]
    rank_of: npt.NDArray[np.int32]
    values: pl.Series

    @property
    def null_code(self) -> int:
        """Return the code of the lines without a value (the last slot)."""
        return self.rank_of.size - 1

    def ranks(self, lines: npt.NDArray[np.integer] | slice = slice(None)) -> npt.NDArray[np.int32]:
        """Return the rank of each of ``lines`` (all by default); ``-1`` without a value."""
        return self.rank_of[self.codes[lines]]


def text_ranks(column: pl.Series) -> Ranked:
    """Return a text column (String, Categorical or Enum) as :class:`Ranked` codes."""
    if not isinstance(column.dtype, pl.Categorical | pl.Enum):
        column = column.cast(pl.String).cast(pl.Categorical)
    categories = _categories(column.dtype)
    physical = column.to_physical()
    null_code = len(categories)
    if physical.null_count():
        physical = physical.fill_null(null_code)
    chunks = parts(physical)
    # Most text columns have fewer than 65536 values: half the memory per line.
    narrow = np.uint16 if null_code <= np.iinfo(np.uint16).max else np.uint32
    codes = np.empty(physical.len(), narrow)
    seen = np.zeros(null_code + 1, np.bool_)
    start = 0
    for chunk in chunks:
        codes[start : start + chunk.size] = chunk
        seen[chunk] = True
        start += chunk.size
    used = np.flatnonzero(seen[:null_code])
    texts = categories.gather(used).cast(pl.String)
    order = texts.arg_sort().to_numpy()
    rank_of = np.full(null_code + 1, -1, np.int32)
    rank_of[used[order]] = np.arange(used.size, dtype=np.int32)
    return Ranked(codes, rank_of, texts.gather(order).rename(column.name))
