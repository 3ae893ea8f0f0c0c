"""Ageing of receivables (*cartera por edades*) as of any date, past dates included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from cartera.analytics.frames import FrameError
from cartera.analytics.receivables.allocation import OpenItems, Priority, open_items
from cartera.analytics.receivables.buckets import DEFAULT_BUCKETS, Buckets
from cartera.analytics.receivables.money import decimal


@dataclass(frozen=True, slots=True)
class BucketTotal:
    """The open amount and the number of invoices in one overdue bucket."""

    key: str
    label: str
    amount: Decimal
    invoices: int


@dataclass(frozen=True, slots=True)
class Ageing:
    """Open receivables at a date, by overdue bucket.

    Attributes
    ----------
    as_of
        The date of the ageing.
    buckets
        The buckets used.
    items
        The open items (``open_cents > 0``): the invoice columns, ``applied_cents``,
        ``open_cents``, ``days_overdue`` (negative: days until due) and ``bucket``
        (an ``Enum`` of ``buckets.keys``).
    credit
        ``client``, ``unapplied_cents``: credit held on accounts (not in the buckets).
    totals
        One :class:`BucketTotal` per bucket, in bucket order, empty ones included.
    total_open
        Sum of the open items.
    total_overdue
        Sum of the open items past their due date.
    unapplied_credit
        Sum of ``credit``.
    """

    as_of: dt.date
    buckets: Buckets
    items: pl.DataFrame
    credit: pl.DataFrame
    totals: tuple[BucketTotal, ...]
    total_open: Decimal
    total_overdue: Decimal
    unapplied_credit: Decimal

    def table(self, by: str | Sequence[str] = "client") -> pl.DataFrame:
        """Return one row per group with the open amount in each bucket.

        Columns: the ``by`` columns, ``<key>_cents`` for each bucket key, ``open_cents``,
        ``overdue_cents``, ``invoices`` and ``oldest_days_overdue``; by ``client`` also
        ``unapplied_cents`` and ``balance_cents`` (open minus credit, negative when the
        client is in credit), and clients holding only credit appear too. Sorted by
        open amount, largest first.

        Raises
        ------
        FrameError
            When a ``by`` column is not among the invoice columns.
        """
        return ageing_table(self.items, self.buckets, by=by, credit=self.credit)


def ageing_table(
    items: pl.DataFrame,
    buckets: Buckets,
    *,
    by: str | Sequence[str] = "client",
    credit: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the wide bucket table of ``items`` (see :meth:`Ageing.table`)."""
    keys = [by] if isinstance(by, str) else list(by)
    unknown = [k for k in keys if k not in items.columns]
    if unknown:
        raise FrameError(
            f"cannot total by {', '.join(unknown)}: the invoices have no such column",
            column=unknown[0],
        )
    table = items.group_by(keys).agg(
        *(
            pl.col("open_cents").filter(pl.col("bucket") == key).sum().alias(f"{key}_cents")
            for key in buckets.keys
        ),
        pl.col("open_cents").sum(),
        pl.col("open_cents").filter(pl.col("days_overdue") > 0).sum().alias("overdue_cents"),
        pl.len().cast(pl.Int64).alias("invoices"),
        pl.col("days_overdue").max().clip(lower_bound=0).alias("oldest_days_overdue"),
    )
    if keys == ["client"] and credit is not None:
        table = (
            table.join(credit, on="client", how="full", coalesce=True)
            .with_columns(pl.exclude("client", "oldest_days_overdue").fill_null(0))
            .with_columns((pl.col("open_cents") - pl.col("unapplied_cents")).alias("balance_cents"))
        )
    return table.sort(["open_cents", *keys], descending=[True, *(False for _ in keys)])


def age_open_items(opened: OpenItems, buckets: Buckets = DEFAULT_BUCKETS) -> Ageing:
    """Return the ageing of already matched open items (see :func:`ageing`)."""
    items = opened.items.lazy().filter(pl.col("open_cents") > 0)
    days = buckets.days_overdue(opened.as_of)
    items = items.with_columns(days.alias("days_overdue"), buckets.of(days).alias("bucket"))
    frames = pl.collect_all(
        [
            items,
            items.group_by("bucket").agg(pl.col("open_cents").sum(), pl.len().alias("n")),
        ]
    )
    aged, by_bucket = frames
    sums = dict(zip(by_bucket["bucket"], by_bucket["open_cents"], strict=True))
    counts = dict(zip(by_bucket["bucket"], by_bucket["n"], strict=True))
    totals = tuple(
        BucketTotal(key, label, decimal(sums.get(key, 0)), int(counts.get(key, 0)))
        for key, label in zip(buckets.keys, buckets.labels, strict=True)
    )
    not_due = sums.get(buckets.keys[0], 0) if buckets.bounds[0] == 0 else None
    total = sum(sums.values())
    overdue = (
        total - not_due
        if not_due is not None
        else int(aged.filter(pl.col("days_overdue") > 0)["open_cents"].sum())
    )
    return Ageing(
        as_of=opened.as_of,
        buckets=buckets,
        items=aged,
        credit=opened.credit,
        totals=totals,
        total_open=decimal(total),
        total_overdue=decimal(overdue),
        unapplied_credit=decimal(int(opened.credit["unapplied_cents"].sum())),
    )


def ageing(
    invoices: pl.DataFrame | pl.LazyFrame,
    payments: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date,
    buckets: Buckets = DEFAULT_BUCKETS,
    priority: Priority = "due",
    check: bool = True,
) -> Ageing:
    """Return the ageing of receivables at ``as_of``.

    Only the invoices, credit notes and payments dated on or before ``as_of`` count,
    so an invoice paid after ``as_of`` is open in the ageing of ``as_of``. Matching
    rules, ``priority`` and ``check`` are those of
    :func:`~cartera.analytics.receivables.allocation.open_items`.

    Parameters
    ----------
    invoices, payments
        Frames following the receivables contract (see the package docstring).
    as_of
        Date of the ageing; days overdue are counted to it.
    buckets
        Overdue buckets; the default is not due, 1–30, 31–60, 61–90, 91–180,
        181–365 and more than 365 days.

    Examples
    --------
    >>> aged = ageing(invoices, payments, as_of=dt.date(2026, 6, 30))  # doctest: +SKIP
    >>> aged.table(by="salesperson")  # doctest: +SKIP
    """
    return age_open_items(
        open_items(invoices, payments, as_of=as_of, priority=priority, check=check), buckets
    )
