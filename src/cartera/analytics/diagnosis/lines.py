"""The usable sales lines as flat arrays: what every per-client and per-value figure reads.

The lines are decoded once: the client becomes a dense code in client-id order, the
date a day number, the period (window, previous window, before) a small integer, and
every text attribute that figures are broken down by a rank in text order. The
reductions of :mod:`~cartera.analytics.diagnosis.grouped` then read these arrays
without going back to the frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from cartera.analytics.diagnosis.coding import Codes, Ranked, dense_codes, text_ranks
from cartera.analytics.diagnosis.grouped import BLOCK, Int64s, flat
from cartera.analytics.diagnosis.parallel import run_all
from cartera.analytics.diagnosis.window import Window

EPOCH: Final = dt.date(1970, 1, 1)
WINDOW: Final = 0
PREVIOUS: Final = 1
BEFORE: Final = 2
PERIODS: Final = 3
"""Periods a line can fall in: the window, the previous window, or before both."""


def day_number(day: dt.date) -> int:
    """Return ``day`` as days since 1970-01-01 (the physical value of a Polars ``Date``)."""
    return (day - EPOCH).days


def _money(column: pl.Series) -> Int64s:
    # A line without an amount still counts as a line; its amount adds nothing.
    if column.null_count():
        column = column.fill_null(0)
    return flat(column).astype(np.int64, copy=False)


NO_LAUNCH: Final = np.iinfo(np.int32).max
"""Launch day of a line whose product has no launch date given."""


@dataclass(frozen=True, slots=True)
class Lines:
    """The lines of a diagnosis as arrays, one entry per line.

    The frame itself is not kept: every column is read into these arrays once, and
    the memory of the lines is theirs alone.

    Attributes
    ----------
    schema
        The columns the sales had (of those the diagnosis reads) and their dtypes.
    clients
        The client ids, ascending; a line's client is ``clients[client[i]]``.
    client
        Dense client code of each line.
    day
        Date of each line, as days since 1970-01-01.
    period
        :data:`WINDOW`, :data:`PREVIOUS` or :data:`BEFORE`.
    amount, cost
        Cents (``cost`` is ``None`` without costs); a missing amount is 0.
    invoice
        64-bit hash of each line's invoice number (``None`` without invoices).
    launch
        Launch day of each line's product (:data:`NO_LAUNCH` where not given; ``None``
        without launch dates).
    ranked
        Coded text column → its codes and values (see :class:`~.coding.Ranked`).
    """

    schema: pl.Schema
    clients: pl.Series
    client: Codes
    day: npt.NDArray[np.int32]
    period: npt.NDArray[np.int8]
    amount: Int64s
    cost: Int64s | None
    invoice: npt.NDArray[np.uint64] | None
    launch: npt.NDArray[np.int32] | None
    ranked: dict[str, Ranked]

    @property
    def size(self) -> int:
        """Return the number of clients."""
        return self.clients.len()


def period_totals(
    groups: npt.NDArray[np.integer],
    period: npt.NDArray[np.int8],
    size: int,
    values: Sequence[Int64s] = (),
    *,
    count: bool = False,
) -> list[Int64s]:
    """Return per (group, period) the sum of each of ``values`` (and the line count).

    ``groups`` holds each line's group (a client or a value code, ``0 … size − 1``).
    Each result has one row per group and one column per period (:data:`WINDOW`,
    :data:`PREVIOUS`, :data:`BEFORE`); with ``count`` the line counts come first.
    The (group, period) slots are formed one block of lines at a time.
    """
    totals = [np.zeros(size * PERIODS, np.int64) for _ in values]
    lines = np.zeros(size * PERIODS, np.int32) if count else None
    for start in range(0, period.size, BLOCK):
        stop = start + BLOCK
        slot = groups[start:stop].astype(np.int64) * PERIODS
        slot += period[start:stop]
        if lines is not None:
            np.add.at(lines, slot, np.int32(1))
        for total, value in zip(totals, values, strict=True):
            np.add.at(total, slot, value[start:stop])
    if lines is not None:
        totals.insert(0, lines.astype(np.int64))
    return [total.reshape(size, PERIODS) for total in totals]


def line_arrays(
    columns: dict[str, pl.Series], window: Window, previous: Window, coded: Sequence[str]
) -> Lines:
    """Return the usable lines (no null client or date) as :class:`Lines`.

    ``columns`` are the lines' columns by name; they are consumed (removed from the
    mapping as they are read), so that each column's memory is freed once its array
    exists. ``coded`` are the text columns to code (groupings, revenue-source
    dimensions); ``product`` is coded too when present.
    """
    schema = pl.Schema({name: column.dtype for name, column in columns.items()})
    texts = [*coded, *(["product"] if "product" in columns and "product" not in coded else [])]

    # Each task takes its column out of ``columns``, so the column is freed as soon
    # as its task is done.
    def days() -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int8]]:
        day = flat(columns.pop("date").to_physical())
        period = (day < day_number(window.start)).astype(np.int8)
        period += day < day_number(previous.start)
        return day, period

    def invoices() -> npt.NDArray[np.uint64]:
        # Invoices are only ever compared, so their hash stands in for the text.
        chunks = columns.pop("invoice").get_chunks()
        return np.concatenate([chunk.hash().to_numpy() for chunk in chunks])

    def launches() -> npt.NDArray[np.int32]:
        return flat(columns.pop("launch_date").to_physical().fill_null(NO_LAUNCH))

    tasks: dict[str, Callable[[], Any]] = {
        "client": lambda: dense_codes(columns.pop("client"), sort=True, many=True),
        "days": days,
        "amount": lambda: _money(columns.pop("amount_cents")),
    }
    if "invoice" in columns:
        tasks["invoice"] = invoices
    if "cost_cents" in columns:
        tasks["cost"] = lambda: _money(columns.pop("cost_cents"))
    if "launch_date" in columns:
        tasks["launch"] = launches
    for c in texts:
        tasks[f"text:{c}"] = partial(lambda name: text_ranks(columns.pop(name)), c)
    done = run_all(tasks)
    clients, (day, period) = done["client"], done["days"]
    return Lines(
        schema=schema,
        clients=clients.keys.rename("client"),
        client=clients.codes,
        day=day,
        period=period,
        amount=done["amount"],
        cost=done.get("cost"),
        invoice=done.get("invoice"),
        launch=done.get("launch"),
        ranked={c: done[f"text:{c}"] for c in texts},
    )
