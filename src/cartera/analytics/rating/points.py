"""Whole points that add up exactly: largest-remainder rounding, row by row.

An explanation is only believable if its lines add up to the total shown. Rounding each
criterion on its own does not guarantee that (33.3 + 33.3 + 33.3 rounds to 99), so the
rounding of each row is shared out: every cell gets the floor of its raw value, and the
units still missing to reach the rounded row total go to the cells with the largest
remainders. Each cell ends within one point of its raw value.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def round_half_up(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return ``values`` rounded to whole numbers, halves away from zero."""
    array = np.asarray(values, dtype=np.float64)
    return (np.sign(array) * np.floor(np.abs(array) + 0.5)).astype(np.int64)


def whole_points(raw: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return whole points per cell of ``raw`` whose row sums equal the rounded raw sums.

    Parameters
    ----------
    raw
        A 2-D array: one row per client, one column per criterion (signed points).

    Returns
    -------
    numpy.ndarray
        Int64 array of the same shape; each cell is the floor or the ceiling of its raw
        value, and each row adds up to its raw sum rounded half away from zero.
    """
    # Nine decimals absorb float noise such as 28.499999999999996 from 0.285 * 100.
    values = np.round(np.asarray(raw, dtype=np.float64), 9)
    if values.ndim != 2:
        raise ValueError(f"expected a 2-D array, got {values.ndim} dimension(s)")
    rows, columns = values.shape
    floors = np.floor(values)
    target = round_half_up(values.sum(axis=1))
    missing = target - floors.sum(axis=1).astype(np.int64)
    # Position of each cell when its row is sorted by remainder, largest first; ties go
    # to the earlier criterion so that equal inputs give equal outputs.
    order = np.argsort(-(values - floors), axis=1, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.broadcast_to(np.arange(columns), (rows, columns)), 1)
    result: npt.NDArray[np.int64] = floors.astype(np.int64) + (position < missing[:, None])
    return result
