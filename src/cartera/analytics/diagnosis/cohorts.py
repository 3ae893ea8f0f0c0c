"""Cohort retention: of the clients first buying in a month, how many buy k months on (S0.4)."""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from cartera.analytics.diagnosis.clients import MASK_MONTHS, Period
from cartera.analytics.diagnosis.window import month_index_expr

DEFAULT_COHORTS: Final = 24


def month_bits(masks: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint8]:
    """Return activity masks as a matrix: row per client, column *k* = bit *k* (0 or 1)."""
    as_bytes = np.ascontiguousarray(masks, dtype=np.uint64).view(np.uint8)
    return np.unpackbits(as_bytes.reshape(-1, 8), axis=1, bitorder="little")


def cohort_retention(
    clients: pl.DataFrame, period: Period, months: int = DEFAULT_COHORTS
) -> pl.DataFrame:
    """Return the retention matrix of the last ``months`` monthly cohorts, in long form.

    A cohort is the calendar month of a client's first purchase ever; cell (cohort,
    k) counts the cohort's clients with a line in the k-th month after it (k = 0 is
    the first month, so its retention is 1). Cells after ``as_of``'s month are absent.

    Returns
    -------
    polars.DataFrame
        ``cohort`` (first day of the month), ``offset`` (k), ``size`` (clients in the
        cohort), ``active`` and ``retention`` (active / size), sorted by cohort, offset.
    """
    months = max(1, min(months, MASK_MONTHS))
    last = MASK_MONTHS - 1  # bit of as_of's month
    oldest = last - (months - 1)
    first_bit = clients.select(
        month_index_expr(pl.col("first_purchase")) - period.mask_base
    ).to_series()
    recent = (first_bit >= oldest).to_numpy()
    cohort = first_bit.to_numpy()[recent] - oldest
    masks = clients.get_column("month_mask").to_numpy()[recent]
    # Shifted right by its first month, bit k of a mask is the k-th month after it.
    activity = month_bits(masks >> (cohort + oldest).astype(np.uint64))[:, :months]
    size = np.bincount(cohort, minlength=months)
    cells = np.bincount(
        (cohort[:, None] * months + np.arange(months)).ravel(),
        weights=activity.ravel(),
        minlength=months * months,
    ).reshape(months, months)
    index, offset = np.divmod(np.arange(months * months), months)
    # A cohort's cells stop at as_of's month; only cohorts with clients are shown.
    shown = (size[index] > 0) & (oldest + index + offset <= last)
    base = period.mask_base + oldest
    starts = [dt.date((base + c) // 12, (base + c) % 12 + 1, 1) for c in range(months)]
    return pl.DataFrame(
        {
            "cohort": pl.Series(starts, dtype=pl.Date).gather(index[shown]),
            "offset": offset[shown].astype(np.int64),
            "size": size[index[shown]].astype(np.int64),
            "active": cells.ravel()[shown].astype(np.int64),
        }
    ).with_columns((pl.col("active") / pl.col("size")).alias("retention"))
