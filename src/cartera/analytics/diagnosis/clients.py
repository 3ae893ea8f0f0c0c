"""The per-client table: every per-client figure from one decoding of the sales lines.

Everything else in the diagnosis (ABC, RFM, concentration, attrition, cohorts,
breakdowns) is computed from this table of one row per client, so the costly part,
going over millions of lines, happens once. The lines are decoded into arrays
(:mod:`~cartera.analytics.diagnosis.lines`: a dense code per client, a day number,
a period) and each figure is one indexed reduction over them
(:mod:`~cartera.analytics.diagnosis.grouped`). Distinct purchase days come from one
sort of (client, day) keys; text attributes (salesperson, segment …) travel as ranks
in text order, so that the value on a client's latest day is a maximum of integers,
the same whatever the row order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from cartera.analytics.diagnosis.grouped import (
    Int64s,
    UInt64s,
    bit_sets,
    counts,
    distinct_sorted,
    maxima,
    minima,
)
from cartera.analytics.diagnosis.lines import (
    PERIODS,
    PREVIOUS,
    WINDOW,
    Lines,
    day_number,
    line_arrays,
    period_totals,
)
from cartera.analytics.diagnosis.parallel import run_all
from cartera.analytics.diagnosis.window import (
    Window,
    month_index,
    previous_window,
    window_ending,
)
from cartera.analytics.frames import GROUPINGS, SALES, prepare_sales, to_cents

MASK_MONTHS: Final = 64
"""Months of activity kept per client as bits of a UInt64 (the last 64 up to ``as_of``)."""

CLIENT_COLUMNS: Final[tuple[str, ...]] = (
    "client",
    "window_revenue_cents",
    "previous_revenue_cents",
    "first_purchase",
    "last_purchase",
    "purchase_days",
    "previous_purchase_days",
    "window_lines",
    "previous_lines",
    "tickets",
    "month_mask",
    "status",
    "active",
    "previously_active",
    "new",
    "lost",
)
"""Columns every client table has (more follow when the sales have the inputs)."""
LABELS: Final[tuple[str, ...]] = ("client_name",)
"""Per-client text columns carried into the client table when the sales have them."""


@dataclass(frozen=True, slots=True)
class Period:
    """The dates a diagnosis looks at."""

    as_of: dt.date
    window: Window
    previous: Window

    @property
    def mask_base(self) -> int:
        """Return the month number of bit 0 of the activity masks."""
        return month_index(self.as_of) - (MASK_MONTHS - 1)


def period_for(as_of: dt.date) -> Period:
    """Return the window and previous window ending on ``as_of``."""
    window = window_ending(as_of)
    return Period(as_of, window, previous_window(window))


def latest_date(sales: pl.LazyFrame) -> dt.date:
    """Return the latest sale date (the default ``as_of``)."""
    latest = sales.select(pl.col("date").max()).collect().item()
    if latest is None:
        raise ValueError("the sales have no dated line: nothing to diagnose")
    return latest


def _is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)


def conform_sales(sales: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Return ``sales`` following :data:`~cartera.analytics.frames.SALES`, compact keys kept.

    As :func:`~cartera.analytics.frames.prepare_sales`, except that text columns may be
    ``Categorical`` or ``Enum`` as well as ``String``, and client ids may be integers:
    big frames read with ``read_sales(..., categorical=True)`` keep their compact codes
    instead of being decoded to strings (the client table still gives ids as text).
    """
    frame = sales.lazy()
    schema = frame.collect_schema()
    text = {c.name for c in SALES if c.dtype == pl.String}
    kept = [c for c, dtype in schema.items() if c in text and _is_text(dtype)]
    if "client" in schema and schema["client"].is_integer():
        kept.append("client")
    if not kept:
        return prepare_sales(frame)
    if "amount_cents" not in schema and "amount" in schema:
        frame = frame.with_columns(to_cents(pl.col("amount")).alias("amount_cents")).drop("amount")
    if "cost_cents" not in schema and "cost" in schema:
        frame = frame.with_columns(to_cents(pl.col("cost")).alias("cost_cents")).drop("cost")
    renamed = {c: f"__text_{c}" for c in kept}
    stand_ins = [pl.lit("", pl.String).alias(c) for c in kept]
    checked = prepare_sales(frame.rename(renamed).with_columns(stand_ins))
    return checked.drop(kept).rename({v: k for k, v in renamed.items()})


LINE_COLUMNS: Final[tuple[str, ...]] = (
    "client",
    "date",
    "amount_cents",
    "cost_cents",
    "invoice",
    "family",
)
"""Columns of the sales the client table reads, besides the groupings and labels."""
PRODUCT_COLUMNS: Final[tuple[str, ...]] = ("product", "launch_date")
"""Columns read for the new products."""


def usable_lines(
    sales: pl.DataFrame | pl.LazyFrame,
    as_of: dt.date | None,
    columns: Collection[str] | None = None,
) -> tuple[pl.DataFrame, dt.date]:
    """Return the lines to diagnose (dated, with a client, up to ``as_of``) and ``as_of``.

    Parameters
    ----------
    sales
        Sales lines; a lazy frame (``pl.scan_parquet``) is read once, and only for
        ``columns``.
    as_of
        Lines after it are dropped; the latest sale date by default.
    columns
        The columns to keep (all by default).

    Filtering copies every column of millions of lines, so it is only done when a
    line would actually be dropped.
    """
    lines = conform_sales(sales)
    if columns is not None:
        wanted = set(columns)
        lines = lines.select([c for c in lines.collect_schema().names() if c in wanted])
    frame = lines.collect()
    latest = frame.get_column("date").max()
    if latest is None:
        raise ValueError("the sales have no dated line: nothing to diagnose")
    as_of = as_of or latest  # type: ignore[assignment]
    if frame.get_column("date").null_count() or frame.get_column("client").null_count():
        frame = frame.filter(pl.col("date").is_not_null() & pl.col("client").is_not_null())
    if as_of < latest:  # type: ignore[operator]
        frame = frame.filter(pl.col("date") <= as_of)
    return frame, as_of  # type: ignore[return-value]


def client_table(
    sales: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date | None = None,
    groupings: Sequence[str] = GROUPINGS,
    labels: Sequence[str] = LABELS,
) -> tuple[pl.DataFrame, Period]:
    """Return one row per client with every per-client figure, and the period used.

    Parameters
    ----------
    sales
        Sales lines following :data:`~cartera.analytics.frames.SALES`.
    as_of
        End of the window; the latest sale date by default. Lines after it are ignored.
    groupings
        Optional columns to attribute each client to (salesperson, segment …): the
        value on the client's latest day up to ``as_of`` that has one (ties: the
        greatest value).
    labels
        Other per-client text columns taken the same way when present (the name).

    Returns
    -------
    (polars.DataFrame, Period)
        Columns: ``client``; ``window_revenue_cents`` and ``previous_revenue_cents``;
        ``first_purchase`` (ever) and ``last_purchase`` (up to ``as_of``);
        ``purchase_days`` and ``previous_purchase_days`` (distinct days with a line
        in each window); ``window_lines``, ``previous_lines``; ``tickets`` (distinct
        invoices in the window, or ``purchase_days`` without invoices);
        ``window_cost_cents`` and ``margin_cents`` with costs; ``families`` (distinct
        families bought in the window, with up to 64 families); ``month_mask`` (bit
        *k* set when the client bought in month ``mask_base + k``); the grouping
        columns; and the flags ``active``, ``previously_active``, ``new``, ``lost`` and
        ``status`` (``new``, ``retained``, ``reactivated``, ``lost`` or ``inactive``).
        Rows are in no particular order (in fact by client id).
    """
    lines, period, present = decoded_lines(sales, as_of, groupings=groupings, labels=labels)
    return per_client(lines, period, present), period


def decoded_lines(
    sales: pl.DataFrame | pl.LazyFrame,
    as_of: dt.date | None,
    *,
    groupings: Sequence[str] = GROUPINGS,
    labels: Sequence[str] = LABELS,
    dimensions: Sequence[str] = (),
    products: bool = False,
) -> tuple[Lines, Period, list[str]]:
    """Return the usable lines as arrays, the period, and the groupings and labels present.

    The sales are read once, only for the columns used: those of the client table,
    the ``dimensions`` of the revenue sources and, with ``products``, the product and
    its launch date (a lazy ``pl.scan_parquet`` reads nothing else). Each column is
    released as soon as it is decoded.
    """
    wanted = (*LINE_COLUMNS, *groupings, *labels, *dimensions)
    frame, as_of = usable_lines(sales, as_of, (*wanted, *(PRODUCT_COLUMNS if products else ())))
    period = period_for(as_of)
    present, coded = coded_columns(frame.columns, groupings, labels, dimensions)
    columns = {c: frame.get_column(c) for c in frame.columns}
    del frame
    return line_arrays(columns, period.window, period.previous, coded), period, present


def coded_columns(
    columns: Sequence[str],
    groupings: Sequence[str] = GROUPINGS,
    labels: Sequence[str] = LABELS,
    dimensions: Sequence[str] = (),
) -> tuple[list[str], list[str]]:
    """Return the groupings and labels present, and every text column to code.

    ``dimensions`` are more text columns to code (for the revenue sources); the
    family is always coded when present (product mix).
    """
    present = [g for g in (*groupings, *labels) if g in columns]
    extra = [d for d in (*dimensions, "family") if d in columns and d not in present]
    return present, [*present, *dict.fromkeys(extra)]


_DAY_BITS: Final = 11
"""Days kept in the (client, day) keys: 2048, more than the 64 months of the masks."""
_DAY_MASK: Final = (1 << _DAY_BITS) - 1
_WINDOW_DAY_BITS: Final = 9
"""A window (at most 366 days) fits in 9 bits of a (client, day) key."""


@dataclass(frozen=True, slots=True)
class _Days:
    """Per client: distinct purchase days by period, activity months, first and last day."""

    per_period: Int64s
    month_mask: UInt64s
    first: Int64s
    last: Int64s


def _day_tables(
    period: Period, first_day: int
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """Return, for each of the 2048 days from ``first_day``, its period and its month bit.

    The bit is −1 for days before the 64 months of the masks.
    """
    days = np.arange(first_day, first_day + (1 << _DAY_BITS), dtype=np.int64)
    period_of = (days < day_number(period.window.start)).astype(np.int8)
    period_of += days < day_number(period.previous.start)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    # datetime64 months count from 1970-01; month_index counts from year 0.
    bit_of = np.maximum(months + 1970 * 12 - period.mask_base, -1).astype(np.int8)
    return period_of, bit_of


def _purchase_days(lines: Lines, period: Period) -> _Days:
    """Return each client's distinct purchase days per period, months, first and last day.

    One sort of (client, day) keys over the last 2048 days (more than the 64 months of
    the masks) lists each client's distinct days in order: counting them per period
    is counting rows, the first and last of each client's run are its first and last
    purchase. Lines before those days reach no window and no mask month; they only
    matter for the first (and, for a client with nothing later, the last) purchase.
    """
    size = lines.size
    first_day = day_number(period.as_of) - _DAY_MASK
    # 32-bit keys sort twice as fast; they hold up to a million clients. The key is
    # built in place: each temporary over every line is a fresh 40-80 MB mapping.
    wide = size > (np.iinfo(np.int32).max >> _DAY_BITS)
    keys = np.left_shift(lines.client, _DAY_BITS, dtype=np.int64 if wide else np.int32)
    keys -= keys.dtype.type(first_day)
    keys += lines.day
    old = bool(lines.day.min() < first_day)
    if old:
        before = lines.day < first_day
        keys[before] = -1
    keys.sort()
    days = distinct_sorted(keys[np.searchsorted(keys, 0) :])
    del keys
    day_client = days >> _DAY_BITS
    day_offset = (days & _DAY_MASK).astype(np.int16)
    del days
    period_of, bit_of = _day_tables(period, first_day)
    per_period = counts(day_client * PERIODS + period_of[day_offset], size * PERIODS)

    # Where each client's run of days starts and ends.
    starts = np.empty(day_client.size, np.bool_)
    starts[:1] = True
    np.not_equal(day_client[1:], day_client[:-1], out=starts[1:])
    ends = np.empty(day_client.size, np.bool_)
    ends[:-1] = starts[1:]
    ends[-1:] = True
    # Days before 1970 are negative: the empty marks are the extremes of the dtype.
    first = np.full(size, np.iinfo(np.int32).max, np.int32)
    last = np.full(size, np.iinfo(np.int32).min, np.int32)
    first[day_client[starts]] = day_offset[starts] + np.int32(first_day)
    last[day_client[ends]] = day_offset[ends] + np.int32(first_day)
    if old:
        first = np.minimum(first, minima(lines.client[before], lines.day[before], size))
        last = np.maximum(
            last,
            maxima(lines.client[before], lines.day[before], size, empty=np.iinfo(np.int32).min),
        )

    month = bit_of[day_offset]
    # Within a client the days come in order, so its months do too: keeping the first
    # day of each (client, month) sets each bit once.
    new_month = starts
    np.logical_or(new_month[1:], month[1:] != month[:-1], out=new_month[1:])
    new_month &= month >= 0
    masks = bit_sets(day_client[new_month], month[new_month], size)
    return _Days(per_period.reshape(size, PERIODS), masks, first, last)


def _distinct_per_client(keys: npt.NDArray[np.uint64], shift: int, size: int) -> Int64s:
    """Return, per client, the distinct keys (the client in the bits above ``shift``)."""
    keys.sort()
    return counts((distinct_sorted(keys) >> np.uint64(shift)).astype(np.intp), size)


def _tickets(lines: Lines, period: Period) -> Int64s:
    """Return distinct invoices per client in the window (counted per day, as a ticket).

    An invoice has one date, so distinct (day, invoice) pairs are distinct invoices;
    a line without invoice counts as one ticket that day. Invoices are compared by
    their 64-bit hash within a client-day, as (client-day, hash) keys.

    A 128-bit key costs a hash table; two 64-bit keys sort instead: the client-day
    above, then the top bits of the hash in one key and the bottom bits in the other,
    the two slices covering all 64. Two invoices of one client-day can share one slice
    (a few in 10^5 portfolios) but not both, so the counts differ exactly when a
    slice merged two invoices, and then the exact 128-bit count decides.
    """
    assert lines.invoice is not None
    in_window = lines.period == WINDOW
    hashes = lines.invoice[in_window]
    day = (lines.day[in_window] - np.int32(day_number(period.window.start))).astype(np.uint64)
    client_day = (lines.client[in_window].astype(np.uint64) << np.uint64(_WINDOW_DAY_BITS)) | day
    del day
    width = max(int(client_day.max()).bit_length(), 1) if client_day.size else 1
    room = 64 - width
    if room >= 32:
        above = np.left_shift(client_day, np.uint64(room))
        top = _distinct_per_client(
            above | (hashes >> np.uint64(width)), room + _WINDOW_DAY_BITS, lines.size
        )
        bottom = _distinct_per_client(
            above | (hashes & np.uint64((1 << room) - 1)), room + _WINDOW_DAY_BITS, lines.size
        )
        if np.array_equal(top, bottom):
            return top
    # (client, day) above, the invoice's hash below: distinct 128-bit keys.
    shift = 1 << 64
    key = pl.select(
        (
            pl.lit(pl.Series(client_day.astype(np.int64))).cast(pl.Int128) * shift
            + pl.lit(pl.Series(hashes)).cast(pl.Int128)
        ).unique()
        // (shift << _WINDOW_DAY_BITS)
    ).to_series()
    return counts(key.cast(pl.Int64).to_numpy(), lines.size)


def family_counts(lines: Lines) -> Int64s:
    """Return the distinct families each client bought in the window (lines with one)."""
    ranked = lines.ranked["family"]
    known = (lines.period == WINDOW) & (ranked.codes != ranked.null_code)
    # Distinct (client, code) pairs: one code per family, so no rank is needed.
    families = ranked.null_code + 1
    wide = lines.size * families > np.iinfo(np.int32).max
    pairs = lines.client[known].astype(np.int64 if wide else np.int32)
    pairs *= families
    pairs += ranked.codes[known]
    pairs.sort()
    return counts(distinct_sorted(pairs) // families, lines.size)


def _families(found: Int64s, per_period: Int64s) -> pl.Series:
    """Return the ``families`` column: ``found``, or null for a client whose lines all
    fall in the window and none has a family (no value to count, not zero)."""
    unknown = (per_period[:, WINDOW] == per_period.sum(axis=1)) & (found == 0)
    return pl.Series("families", found).scatter(np.flatnonzero(unknown), None)


def _latest_values(
    lines: Lines, columns: Sequence[str], last: npt.NDArray[np.int32]
) -> dict[str, npt.NDArray[np.int32]]:
    """Return each client's rank of every column on its latest day that has a value.

    Ties on that day go to the greatest value (the greatest rank); −1 for no value.
    """
    # The lines of each client's last day hold the value, unless all of them lack it.
    latest = np.flatnonzero(lines.day == last[lines.client])
    client = lines.client[latest]
    values: dict[str, npt.NDArray[np.int32]] = {}
    for column in columns:
        ranked = lines.ranked[column]
        best = maxima(client, ranked.ranks(latest), lines.size)
        missing = best < 0
        if missing.any() and (ranked.codes == ranked.null_code).any():
            # Look further back for those clients: date above, rank below, so the
            # maximum is the greatest value of the latest day with one.
            ranks = ranked.ranks()
            look = missing[lines.client] & (ranks >= 0)
            keys = (lines.day[look].astype(np.int64) << 32) | ranks[look].astype(np.int64)
            earlier = maxima(lines.client[look], keys, lines.size)
            best = np.where(missing & (earlier >= 0), earlier & 0xFFFFFFFF, best).astype(np.int32)
        values[column] = best
    return values


def _decoded(values: pl.Series, ranks: npt.NDArray[np.int32], name: str) -> pl.Series:
    """Return the values of ``ranks`` (null for −1)."""
    index = pl.Series(ranks).set(pl.Series(ranks < 0), None)
    return values.gather(index).rename(name)


def per_client(lines: Lines, period: Period, present: Sequence[str]) -> pl.DataFrame:
    """Return the per-client table (see :func:`client_table`) from the decoded lines.

    ``present`` are the grouping and label columns to attribute each client to. Rows
    come in the order of :func:`~cartera.analytics.diagnosis.abc.abc_classes` (active
    clients first, largest window revenue first, then by id), which is then found
    in place rather than sorted again.
    """
    size = lines.size

    def by_period() -> tuple[Int64s, Int64s, Int64s | None]:
        money = [lines.amount] if lines.cost is None else [lines.amount, lines.cost]
        totals = period_totals(lines.client, lines.period, size, money, count=True)
        return totals[0], totals[1], totals[2] if lines.cost is not None else None

    def days_and_values() -> tuple[_Days, dict[str, pl.Series]]:
        days = _purchase_days(lines, period)
        return days, _latest_values(lines, present, days.last)

    # Longest first: the sort of the purchase days, the distinct tickets.
    tasks: dict[str, Callable[[], Any]] = {"days": days_and_values}
    if lines.invoice is not None:
        tasks["tickets"] = lambda: _tickets(lines, period)
    tasks["periods"] = by_period
    families = "family" in lines.ranked and lines.ranked["family"].values.len() <= MASK_MONTHS
    if families:
        tasks["families"] = lambda: family_counts(lines)
    done = run_all(tasks)
    (days, values), (per_period, revenue, cost) = done["days"], done["periods"]
    # Clients are codes in id order, so a stable sort on the two integer keys gives the
    # ABC order (ties by id) without comparing a single text.
    order = np.lexsort((~revenue[:, WINDOW], per_period[:, WINDOW] == 0))
    columns: dict[str, pl.Series | npt.NDArray[np.generic]] = {
        "client": lines.clients.gather(order),
        "window_revenue_cents": revenue[order, WINDOW],
        "previous_revenue_cents": revenue[order, PREVIOUS],
        "first_purchase": pl.Series(days.first[order]).cast(pl.Date),
        "last_purchase": pl.Series(days.last[order]).cast(pl.Date),
        "purchase_days": days.per_period[order, WINDOW],
        "previous_purchase_days": days.per_period[order, PREVIOUS],
        "window_lines": per_period[order, WINDOW],
        "previous_lines": per_period[order, PREVIOUS],
        "month_mask": days.month_mask[order],
    }
    if "tickets" in done:
        columns["tickets"] = done["tickets"][order]
    if cost is not None:
        columns["window_cost_cents"] = cost[order, WINDOW]
    # Up to 64 families, a client's families once travelled as bits of one integer;
    # the column keeps that limit.
    if families:
        columns["families"] = _families(done["families"], per_period).gather(order)
    for column, ranks in values.items():
        columns[column] = _decoded(lines.ranked[column].values, ranks[order], column)
    table = pl.DataFrame(
        {k: v if isinstance(v, pl.Series) else pl.Series(k, v) for k, v in columns.items()}
    )

    active = pl.col("window_lines") > 0
    previously = pl.col("previous_lines") > 0
    new = pl.col("first_purchase") >= period.window.start
    extra: list[pl.Expr] = []
    if lines.invoice is None:
        extra.append(pl.col("purchase_days").alias("tickets"))
    if lines.cost is not None:
        extra.append(
            (pl.col("window_revenue_cents") - pl.col("window_cost_cents")).alias("margin_cents")
        )
    return table.with_columns(
        *extra,
        active.alias("active"),
        previously.alias("previously_active"),
        new.alias("new"),
        (previously & ~active).alias("lost"),
        pl.when(active & new)
        .then(pl.lit("new"))
        .when(active & previously)
        .then(pl.lit("retained"))
        .when(active)
        .then(pl.lit("reactivated"))
        .when(previously)
        .then(pl.lit("lost"))
        .otherwise(pl.lit("inactive"))
        .alias("status"),
    )
