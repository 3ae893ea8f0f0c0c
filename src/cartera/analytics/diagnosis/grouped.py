"""Reductions of the lines per dense integer code: sums, counts, extremes, bit unions.

Once every client (or product, or month) is a code ``0 … size − 1`` (see
:mod:`~cartera.analytics.diagnosis.coding`), grouping ten million lines is an indexed
reduction into an array of ``size`` slots: a few hundredths of a second per figure,
where a hash group-by spends about a CPU-second finding the groups again for every
query. Every function here is one vectorised numpy call over all the lines.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

Index = npt.NDArray[np.integer]
"""One slot per line (``0 … size − 1``)."""
Int64s = npt.NDArray[np.int64]
UInt64s = npt.NDArray[np.uint64]
Integers = TypeVar("Integers", bound=npt.NDArray[np.signedinteger])

_ONE: Final = np.uint64(1)


def flat(series: pl.Series) -> npt.NDArray[Any]:
    """Return the values of a Series without nulls as one numpy array.

    A column read from Parquet comes in one chunk per row group. Joining the chunks
    in numpy puts the copy in numpy's memory, which the kernel backs with huge pages;
    Polars' own rechunk touches every 4 KiB page of a fresh buffer, and page faults
    cost as much as the copy itself.
    """
    chunks = series.get_chunks()
    if len(chunks) == 1:
        return series.to_numpy()
    return np.concatenate([chunk.to_numpy() for chunk in chunks])


def parts(series: pl.Series) -> list[npt.NDArray[Any]]:
    """Return a Series without nulls as numpy views of its chunks (no copy for numbers)."""
    return [chunk.to_numpy() for chunk in series.get_chunks()]


BLOCK: Final = 1 << 20
"""Lines per block where a per-line temporary is needed: 8 MB at most, reused by malloc.

Every fresh megabyte costs the kernel a page fault and a page of zeros; on this VM
that costs about a second per gigabyte, more than the arithmetic. A temporary over
all ten million lines (40–80 MB) is a fresh mapping each time; one block at a time
stays in memory the allocator reuses.
"""

# ``ufunc.at`` runs its fast loop only when the values have the dtype of the result
# (mixing Int32 values into Int64 slots is twenty times slower), and it needs no
# temporary, where ``bincount`` first copies its input to 64-bit indices.


def counts(index: Index, size: int) -> Int64s:
    """Return how many lines fall in each slot."""
    out = np.zeros(size, np.int32)
    np.add.at(out, index, np.int32(1))
    return out.astype(np.int64)


def sums(index: Index, values: npt.NDArray[np.integer], size: int) -> Int64s:
    """Return the exact integer sum of ``values`` per slot (0 where none)."""
    out = np.zeros(size, np.int64)
    np.add.at(out, index, values.astype(np.int64, copy=False))
    return out


def minima(index: Index, values: Integers, size: int) -> Integers:
    """Return the smallest value per slot (the dtype's maximum where none)."""
    out = np.full(size, np.iinfo(values.dtype).max, values.dtype)
    np.minimum.at(out, index, values)
    return out


def maxima(index: Index, values: Integers, size: int, *, empty: int = -1) -> Integers:
    """Return the largest value per slot (``empty`` where none)."""
    out = np.full(size, empty, values.dtype)
    np.maximum.at(out, index, values)
    return out


def bit_sets(index: Index, positions: npt.NDArray[np.integer], size: int) -> UInt64s:
    """Return per slot a word with bit ``positions[i]`` set for each line *i* of the slot.

    Each (slot, position) must come once: the bits are added, which is the union of
    distinct bits and runs on the fast path that a bitwise-or reduction lacks.
    """
    out = np.zeros(size, np.uint64)
    np.add.at(out, index, np.left_shift(_ONE, positions.astype(np.uint64)))
    return out


def distinct(keys: Integers) -> Integers:
    """Return the distinct values of ``keys``, ascending (a sort, not a hash set)."""
    return distinct_sorted(np.sort(keys))


def distinct_sorted(ordered: Integers) -> Integers:
    """Return the distinct values of an ascending array."""
    if ordered.size == 0:
        return ordered
    keep = np.empty(ordered.size, np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
