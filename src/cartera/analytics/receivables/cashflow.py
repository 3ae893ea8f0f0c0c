"""Cash flow from receivables (S3.6): sales against collections, and what should come in.

Expected collections
--------------------
Each open item is expected on its due date shifted by its client's habit: the
amount-weighted mean of ``applied_on - due_date`` over the client's payments of the
last ``history_days`` (early payers are expected early); clients without payments in
that time take the portfolio's mean. An item whose expected date has already passed
is expected the day after ``as_of``, unless it is more than ``doubtful_after_days``
past it: then it is counted as doubtful rather than forecast. Months are calendar
months from the day after ``as_of``: on 22 November, the rest of November, December
and January; on 30 June, July, August and September.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from cartera.analytics.receivables.allocation import PAYMENT, Allocation
from cartera.analytics.receivables.columns import prepare_invoices, prepare_payments
from cartera.analytics.receivables.money import decimal


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def monthly_cashflow(
    invoices: pl.DataFrame | pl.LazyFrame,
    payments: pl.DataFrame | pl.LazyFrame,
    *,
    start: dt.date,
    end: dt.date,
) -> pl.DataFrame:
    """Return, per calendar month from ``start`` to ``end``, sales against collections.

    Returns
    -------
    polars.DataFrame
        ``month`` (first day), ``invoiced_cents`` (invoices), ``credited_cents``
        (credit notes, positive), ``net_sales_cents``, ``collected_cents`` (payments),
        ``net_cents`` (collected minus net sales) and ``receivables_cents``: what
        clients owed at the end of the month, net of their credit (every earlier record
        counted, not only those from ``start``). Months without records are present.
    """
    if start > end:
        raise ValueError(f"the start ({start}) is after the end ({end})")
    first, last = _month_start(start), _month_start(end)
    month = pl.col("date").dt.truncate("1mo").alias("month")
    sales = (
        prepare_invoices(invoices)
        .filter(pl.col("date") <= end)
        .group_by(month)
        .agg(
            pl.col("amount_cents").filter(pl.col("amount_cents") > 0).sum().alias("invoiced_cents"),
            (-pl.col("amount_cents"))
            .filter(pl.col("amount_cents") < 0)
            .sum()
            .alias("credited_cents"),
        )
    )
    collected = (
        prepare_payments(payments)
        .filter(pl.col("date") <= end)
        .group_by(month)
        .agg(pl.col("amount_cents").sum().alias("collected_cents"))
    )
    months = pl.LazyFrame(
        {"month": pl.date_range(first, last, interval="1mo", eager=True)}
    ).with_columns(pl.col("month").cast(pl.Date))
    before = (
        sales.join(collected, on="month", how="full", coalesce=True)
        .with_columns(pl.exclude("month").fill_null(0))
        .with_columns(
            (pl.col("invoiced_cents") - pl.col("credited_cents") - pl.col("collected_cents")).alias(
                "_change"
            )
        )
    )
    before = before.collect().lazy()
    opening = before.filter(pl.col("month") < first).select(pl.col("_change").sum()).collect()
    return (
        months.join(before.filter(pl.col("month") >= first), on="month", how="left")
        .with_columns(pl.exclude("month").fill_null(0))
        .sort("month")
        .select(
            "month",
            "invoiced_cents",
            "credited_cents",
            (pl.col("invoiced_cents") - pl.col("credited_cents")).alias("net_sales_cents"),
            "collected_cents",
            (pl.col("collected_cents") - pl.col("invoiced_cents") + pl.col("credited_cents")).alias(
                "net_cents"
            ),
            (pl.lit(opening.item()) + pl.col("_change").cum_sum()).alias("receivables_cents"),
        )
        .collect()
    )


@dataclass(frozen=True, slots=True)
class CollectionForecast:
    """Expected collections of the open items, by month.

    Attributes
    ----------
    as_of
        The date of the forecast.
    months
        ``month`` (first day), ``expected_cents``, ``invoices``: one row per month of
        the horizon (from the day after ``as_of``), empty months included.
    items
        Open items with ``expected_delay_days`` (the client's habit), ``expected_on`` and
        ``doubtful``.
    later
        Expected after the horizon.
    doubtful
        Open items long past their expected date, not forecast.
    portfolio_delay_days
        The portfolio's mean delay, used for clients without history.
    """

    as_of: dt.date
    months: pl.DataFrame
    items: pl.DataFrame
    later: Decimal
    doubtful: Decimal
    portfolio_delay_days: float


def expected_collections(
    allocation: Allocation,
    *,
    months: int = 3,
    history_days: int = 365,
    doubtful_after_days: int = 180,
) -> CollectionForecast:
    """Return when the open items of ``allocation`` should be collected.

    Parameters
    ----------
    allocation
        The matching at the date of the forecast.
    months
        Calendar months forecast, from the month of the day after ``as_of``.
    history_days
        Payments applied in this many days before ``as_of`` give each client's habit.
    doubtful_after_days
        Items further past their expected date are doubtful, not forecast.
    """
    if months < 1:
        raise ValueError("forecast at least one month")
    as_of = allocation.as_of
    since = as_of - dt.timedelta(days=history_days - 1)
    delay = (pl.col("applied_on") - pl.col("due_date")).dt.total_days()
    paid = (
        allocation.applications.lazy()
        .filter((pl.col("kind") == PAYMENT) & pl.col("applied_on").is_between(since, as_of))
        .join(allocation.items.lazy().select("invoice", "due_date"), on="invoice", how="inner")
        .with_columns((pl.col("amount_cents") * delay).alias("_weighted"))
    )
    habit = paid.group_by("client").agg(
        (pl.col("_weighted").sum() / pl.col("amount_cents").sum()).alias("expected_delay_days")
    )
    # No payment in the history: 0 / 0 is NaN, which must read as "no habit" (null).
    portfolio = paid.select(
        (pl.col("_weighted").sum() / pl.col("amount_cents").sum()).fill_nan(None).alias("_mean")
    ).collect()
    mean = portfolio["_mean"][0]
    portfolio_delay = float(mean) if mean is not None else 0.0
    first_day = as_of + dt.timedelta(days=1)
    horizon_end = _add_months(first_day, months)
    expected = pl.col("due_date") + pl.duration(
        days=pl.col("expected_delay_days").round(0).cast(pl.Int64)
    )
    overdue_for = (pl.lit(as_of) - pl.col("_expected")).dt.total_days()
    items = (
        allocation.items.lazy()
        .filter(pl.col("open_cents") > 0)
        .join(habit, on="client", how="left")
        .with_columns(pl.col("expected_delay_days").fill_null(portfolio_delay))
        .with_columns(expected.alias("_expected"))
        .with_columns(
            (overdue_for > doubtful_after_days).alias("doubtful"),
            pl.max_horizontal(pl.col("_expected"), pl.lit(first_day)).alias("expected_on"),
        )
        .drop("_expected")
        .sort("expected_on", "client", "invoice")
        .collect()
    )
    forecast = items.filter(~pl.col("doubtful"))
    by_month = (
        forecast.filter(pl.col("expected_on") < horizon_end)
        .group_by(pl.col("expected_on").dt.truncate("1mo").alias("month"))
        .agg(pl.col("open_cents").sum().alias("expected_cents"), pl.len().alias("invoices"))
    )
    grid = pl.DataFrame(
        {"month": [_add_months(first_day, i) for i in range(months)]},
        schema={"month": pl.Date},
    )
    table = (
        grid.join(by_month, on="month", how="left")
        .with_columns(
            pl.col("expected_cents").fill_null(0),
            pl.col("invoices").fill_null(0).cast(pl.Int64),
        )
        .sort("month")
    )
    return CollectionForecast(
        as_of=as_of,
        months=table,
        items=items,
        later=decimal(forecast.filter(pl.col("expected_on") >= horizon_end)["open_cents"].sum()),
        doubtful=decimal(items.filter(pl.col("doubtful"))["open_cents"].sum()),
        portfolio_delay_days=portfolio_delay,
    )
