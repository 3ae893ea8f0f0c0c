"""Validation of the (frequency, recency, T) summaries and their compression to unique rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from cartera.analytics.clv.errors import ClvInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ArrayInput = Any
"""A NumPy array, a Polars or pandas series, a list or a scalar."""


def as_float_array(values: ArrayInput, name: str) -> FloatArray:
    """Return ``values`` as a float64 array, raising a located error on NaN or infinity."""
    if isinstance(values, pl.Series):
        if values.null_count():
            row = int(values.is_null().arg_true()[0])
            raise ClvInputError(f"{name}[{row}] is missing", column=name, row=row)
        values = values.to_numpy()
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ClvInputError(f"{name} must be numeric: {error}", column=name) from None
    finite = np.isfinite(array)
    if not finite.all():
        row = int(np.flatnonzero(~finite.ravel())[0])
        raise ClvInputError(
            f"{name}[{row}] = {array.ravel()[row]} is not a finite number", column=name, row=row
        )
    return array


def _first(mask: npt.NDArray[np.bool_]) -> int | None:
    rows = np.flatnonzero(mask)
    return int(rows[0]) if rows.size else None


def check_rfm(
    frequency: ArrayInput, recency: ArrayInput, T: ArrayInput
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the three summary columns as equal-length 1-D arrays, or raise a located error.

    Scalars are broadcast against the arrays, so a single client can be scored with
    plain numbers.
    """
    x, t_x, age = np.broadcast_arrays(
        as_float_array(frequency, "frequency"),
        as_float_array(recency, "recency"),
        as_float_array(T, "T"),
    )
    x, t_x, age = (np.ravel(a) for a in (x, t_x, age))
    checks = (
        (x < 0, "frequency", "counts repeat purchases and cannot be negative"),
        (x != np.round(x), "frequency", "counts repeat purchases and must be a whole number"),
        (age <= 0, "T", "is the time since the first purchase and must be positive"),
        (t_x < 0, "recency", "cannot be negative"),
        (
            t_x > age,
            "recency",
            "is later than T: the last purchase cannot come after the end of the period",
        ),
        (
            (x == 0) & (t_x != 0),
            "recency",
            "must be 0 for a client with no repeat purchase (frequency 0)",
        ),
    )
    columns = {"frequency": x, "recency": t_x, "T": age}
    for mask, column, why in checks:
        row = _first(mask)
        if row is not None:
            value = columns[column][row]
            raise ClvInputError(f"{column}[{row}] = {value:g} {why}", column=column, row=row)
    return x, t_x, age


@dataclass(frozen=True, slots=True)
class UniqueRows:
    """Clients collapsed to their distinct (x, t_x, T) rows, with the weight of each."""

    x: FloatArray
    t_x: FloatArray
    T: FloatArray
    weight: FloatArray

    @property
    def clients(self) -> float:
        return float(self.weight.sum())


_DENSE_FACTOR = 4
"""Key spaces up to this many times the rows are counted with a dense table."""


def _codes(column: FloatArray) -> tuple[FloatArray, IntArray]:
    """Return the sorted distinct values of ``column`` and each row's position among them."""
    # A hash table is linear in the rows where a sort is not (pandas is already a
    # dependency; it is imported here so that importing the models stays light).
    import pandas as pd

    codes, values = pd.factorize(np.ravel(column), sort=True)
    return np.asarray(values, dtype=np.float64), codes.astype(np.int64, copy=False)


def factorize(
    *columns: FloatArray, weight: FloatArray | None = None
) -> tuple[tuple[FloatArray, ...], FloatArray, IntArray]:
    """Return the distinct rows of ``columns``, their summed weights and each row's position.

    Rows come out sorted lexicographically, so results do not depend on the input order.
    Each column is coded on its own (few distinct days or weeks, few frequencies), and
    the combined code is counted with a dense table when it fits: that is one linear pass
    instead of a sort of the whole client list.
    """
    uniques, codes = zip(*(_codes(c) for c in columns), strict=True)
    key = np.zeros(codes[0].shape, dtype=np.int64)
    space = 1
    for values, code in zip(uniques, codes, strict=True):
        key = key * len(values) + code
        space *= len(values)
    weights = np.ones(key.shape) if weight is None else np.ravel(weight).astype(np.float64)
    if space <= _DENSE_FACTOR * key.size + 1024:
        totals = np.bincount(key, weights=weights, minlength=space)
        present = np.bincount(key, minlength=space) > 0
        keys = np.flatnonzero(present)
        position = np.cumsum(present) - 1
        inverse = position[key]
        summed = totals[keys]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.ravel()
        summed = np.bincount(inverse, weights=weights, minlength=keys.size)
    rows: list[FloatArray] = []
    for values in reversed(uniques):
        rows.append(values[keys % len(values)])
        keys = keys // len(values)
    return tuple(reversed(rows)), summed, inverse.astype(np.int64)


def compress(x: FloatArray, t_x: FloatArray, T: FloatArray, weight: FloatArray) -> UniqueRows:
    """Return the distinct (x, t_x, T) rows with their summed weights."""
    (ux, ut, uT), summed, _ = factorize(x, t_x, T, weight=weight)
    keep = summed > 0
    return UniqueRows(x=ux[keep], t_x=ut[keep], T=uT[keep], weight=summed[keep])
