"""How clients pay: days sales outstanding, days late and the share paid on time.

Definitions
-----------
DSO (days sales outstanding)
    ``open receivables at as_of / net credit sales of the last `days` days × days``
    (the period method, 90 days by default): the open items at ``as_of`` against the
    invoices minus credit notes issued in ``[as_of - days + 1, as_of]``. Undefined
    (null) when those sales are not positive. Per salesperson and for the portfolio it
    is the ratio of the sums, not a mean of client figures.
Amounts due
    The invoices that fell due in the window ``[as_of - window_days + 1, as_of]``, less
    the credit notes applied to them (a credit note is neither punctual nor late).
Share paid on time
    The part of the amounts due that payments settled on or before the due date
    (money received before an invoice existed settles it on its issue date).
Average days late
    Weighted by amount over the amounts due: a payment counts its days past the due
    date (zero if on time), an amount still open counts the days from its due date to
    ``as_of`` so far, so that a client who never pays is not spared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from cartera.analytics.frames import FrameError
from cartera.analytics.receivables.allocation import CREDIT_NOTE, PAYMENT, Allocation, OpenItems
from cartera.analytics.receivables.columns import prepare_invoices


def _keys(by: str | Sequence[str] | None, columns: Sequence[str]) -> list[str]:
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    unknown = [k for k in keys if k not in columns]
    if unknown:
        raise FrameError(
            f"cannot group by {', '.join(unknown)}: the invoices have no such column",
            column=unknown[0],
        )
    return keys


def _group(frame: pl.LazyFrame, keys: list[str], *aggs: pl.Expr) -> pl.LazyFrame:
    return frame.group_by(keys).agg(*aggs) if keys else frame.select(*aggs)


def days_sales_outstanding(
    invoices: pl.DataFrame | pl.LazyFrame,
    opened: OpenItems | Allocation,
    *,
    days: int = 90,
    by: str | Sequence[str] | None = "client",
) -> pl.DataFrame:
    """Return the DSO at ``opened.as_of`` by ``by`` (one portfolio row when ``None``).

    Parameters
    ----------
    invoices
        The invoices frame the open items were computed from (for the sales).
    opened
        Open items at the date of the DSO.
    days
        Length of the sales period, in days.
    by
        ``"client"``, ``"salesperson"``, any invoice column, or ``None``.

    Returns
    -------
    polars.DataFrame
        The ``by`` columns, ``open_cents``, ``sales_cents`` and ``dso`` (Float64 days,
        null when the sales of the period are not positive).
    """
    if days < 1:
        raise ValueError(f"the DSO period must be at least one day, not {days}")
    as_of = opened.as_of
    inv = prepare_invoices(invoices)
    keys = _keys(by, inv.collect_schema().names())
    first = as_of - dt.timedelta(days=days - 1)
    sales = _group(
        inv.filter(pl.col("date").is_between(first, as_of)),
        keys,
        pl.col("amount_cents").sum().alias("sales_cents"),
    )
    owed = _group(opened.items.lazy(), keys, pl.col("open_cents").sum())
    joined = (
        owed.join(sales, on=keys, how="full", coalesce=True)
        if keys
        else pl.concat([owed, sales], how="horizontal")
    )
    return (
        joined.with_columns(pl.col("open_cents", "sales_cents").fill_null(0))
        .with_columns(
            pl.when(pl.col("sales_cents") > 0)
            .then(pl.col("open_cents") / pl.col("sales_cents") * days)
            .alias("dso")
        )
        .filter((pl.col("open_cents") != 0) | (pl.col("sales_cents") != 0) | pl.lit(not keys))
        .sort(keys or "open_cents")
        .collect()
    )


def payment_behaviour(
    allocation: Allocation,
    *,
    window_days: int = 365,
    by: str | Sequence[str] = "client",
) -> pl.DataFrame:
    """Return how punctually each client (or salesperson …) paid what fell due.

    Parameters
    ----------
    allocation
        The matching at the date of the analysis (:func:`allocate`).
    window_days
        Only invoices due in the last ``window_days`` days up to ``as_of`` count.
    by
        ``"client"``, ``"salesperson"`` or any invoice column.

    Returns
    -------
    polars.DataFrame
        The ``by`` columns, ``invoices`` (that fell due), ``due_cents`` (their amount
        less credit notes), ``on_time_cents``, ``late_cents`` (paid late),
        ``overdue_cents`` (still open), ``share_on_time`` and ``avg_days_late``
        (Float64; null when nothing fell due).
    """
    as_of = allocation.as_of
    keys = _keys(by, allocation.items.columns)
    first = as_of - dt.timedelta(days=window_days - 1)
    due = allocation.items.lazy().filter(pl.col("due_date").is_between(first, as_of))
    days_late = (pl.col("applied_on") - pl.col("due_date")).dt.total_days()
    paid = pl.col("kind") == PAYMENT
    amount = pl.col("amount_cents")
    # Split each application into its parts first: plain sums per invoice are much
    # faster than filtered ones.
    settled = (
        allocation.applications.lazy()
        .join(due.select("invoice", "due_date"), on="invoice", how="inner")
        .select(
            "invoice",
            pl.when(pl.col("kind") == CREDIT_NOTE).then(amount).otherwise(0).alias("_credited"),
            pl.when(paid & (days_late <= 0)).then(amount).otherwise(0).alias("_on_time"),
            pl.when(paid & (days_late > 0)).then(amount).otherwise(0).alias("_late"),
            pl.when(paid)
            .then(amount * days_late.clip(lower_bound=0))
            .otherwise(0)
            .alias("_late_weight"),
        )
        .group_by("invoice")
        .agg(pl.col("_credited", "_on_time", "_late", "_late_weight").sum())
    )
    open_weight = pl.col("open_cents") * (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    per_invoice = (
        due.join(settled, on="invoice", how="left")
        .with_columns(pl.col("_credited", "_on_time", "_late", "_late_weight").fill_null(0))
        .with_columns(
            (pl.col("amount_cents") - pl.col("_credited")).alias("_due"),
            (pl.col("_late_weight") + open_weight).alias("_weight"),
        )
    )
    return (
        per_invoice.group_by(keys)
        .agg(
            pl.len().cast(pl.Int64).alias("invoices"),
            pl.col("_due").sum().alias("due_cents"),
            pl.col("_on_time").sum().alias("on_time_cents"),
            pl.col("_late").sum().alias("late_cents"),
            pl.col("open_cents").sum().alias("overdue_cents"),
            pl.col("_weight").sum().alias("_weight"),
        )
        .with_columns(
            pl.when(pl.col("due_cents") > 0)
            .then(pl.col("on_time_cents") / pl.col("due_cents"))
            .alias("share_on_time"),
            pl.when(pl.col("due_cents") > 0)
            .then(pl.col("_weight") / pl.col("due_cents"))
            .alias("avg_days_late"),
        )
        .drop("_weight")
        .sort(keys)
        .collect()
    )
