"""From sales lines to the per-client summary the customer-base models are fitted on."""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import polars as pl

from cartera.analytics.clv.errors import ClvInputError
from cartera.analytics.frames import FrameError, prepare_sales

Period = Literal["day", "week"]
DAYS_PER: Final[dict[str, int]] = {"day": 1, "week": 7}
"""Length of each time unit in days."""


def _canonical(
    sales: pl.DataFrame | pl.LazyFrame, client: str, date: str, amount: str | None
) -> pl.LazyFrame:
    """Return ``sales`` reduced to client, date and (if any) amount_cents, per frames.py."""
    frame = sales.lazy()
    schema = frame.collect_schema()
    for role, name in (("client", client), ("date", date)):
        if name not in schema:
            raise ClvInputError(
                f"sales: no column {name!r} for the {role} (columns: {', '.join(schema)})",
                column=name,
            )
    columns = [pl.col(client).cast(pl.String).alias("client"), pl.col(date).alias("date")]
    if amount is not None:
        if amount in schema:
            target = "amount_cents" if amount.endswith("_cents") else "amount"
            columns.append(pl.col(amount).alias(target))
        elif amount == "amount" and "amount_cents" in schema:
            columns.append(pl.col("amount_cents"))
        else:
            raise ClvInputError(
                f"sales: no column {amount!r} for the amount (columns: {', '.join(schema)}); "
                "pass amount=None to summarise purchases without their value",
                column=amount,
            )
    else:
        columns.append(pl.lit(0, dtype=pl.Int64).alias("amount_cents"))
    try:
        return prepare_sales(frame.select(columns))
    except FrameError as error:
        raise ClvInputError(f"sales: {error}", column=error.column) from None
    except pl.exceptions.InvalidOperationError as error:
        raise ClvInputError(f"sales: a column has values of the wrong type: {error}") from None


def summarize(
    sales: pl.DataFrame | pl.LazyFrame,
    *,
    client: str = "client",
    date: str = "date",
    amount: str | None = "amount",
    calibration_end: dt.date | str | None = None,
    period: Period = "week",
) -> pl.DataFrame:
    """Return the per-client summary (frequency, recency, T, monetary) of ``sales``.

    The standard convention of the customer-base literature: purchases of one client on
    one day are one transaction; the first transaction is the client's acquisition and
    is not counted; sales after ``calibration_end`` are ignored.

    Parameters
    ----------
    sales
        Sales lines, one row per line. Either the contract of
        :mod:`cartera.analytics.frames` (``amount_cents`` in integer cents) or, for
        analysts, any frame with an amount in currency units.
    client, date, amount
        Column names. ``amount`` may name a column of cents (its name ends in
        ``_cents``) or of currency units; ``None`` summarises purchases only.
    calibration_end
        Last day (inclusive) of the calibration period; default: the last sale.
    period
        Unit of ``recency`` and ``T``: ``"day"`` or ``"week"`` (7 days).

    Returns
    -------
    polars.DataFrame
        One row per client, sorted by client: ``client`` (String), ``frequency``
        (Int64, repeat purchase days), ``recency`` (Float64, first to last purchase
        day), ``T`` (Float64, first purchase day to ``calibration_end``) and
        ``monetary`` (Float64, mean value of the repeat purchase days in currency
        units, 0 without any). Times are exact (days / 7 for weeks), not rounded.
    """
    if period not in DAYS_PER:
        raise ClvInputError(f"period must be 'day' or 'week', not {period!r}", column="period")
    days = float(DAYS_PER[period])
    lines = _canonical(sales, client, date, amount)
    if calibration_end is not None:
        try:
            end_value = (
                dt.date.fromisoformat(calibration_end)
                if isinstance(calibration_end, str)
                else calibration_end
            )
        except ValueError:
            raise ClvInputError(
                f"calibration_end {calibration_end!r} is not a date (YYYY-MM-DD)",
                column="calibration_end",
            ) from None
        end = pl.lit(end_value, dtype=pl.Date)
        lines = lines.filter(pl.col("date") <= end)
    else:
        end = pl.col("date").max()
    per_day = lines.group_by("client", "date").agg(pl.col("amount_cents").sum())
    summary = (
        per_day.with_columns(end.alias("_end"))
        .group_by("client")
        .agg(
            (pl.len() - 1).cast(pl.Int64).alias("frequency"),
            pl.col("date").min().alias("_first"),
            pl.col("date").max().alias("_last"),
            pl.col("_end").first(),
            pl.col("amount_cents").sum().alias("_total"),
            pl.col("amount_cents").sort_by("date").first().alias("_first_amount"),
        )
        .select(
            "client",
            "frequency",
            ((pl.col("_last") - pl.col("_first")).dt.total_days() / days).alias("recency"),
            ((pl.col("_end") - pl.col("_first")).dt.total_days() / days).alias("T"),
            pl.when(pl.col("frequency") > 0)
            .then((pl.col("_total") - pl.col("_first_amount")) / pl.col("frequency") / 100.0)
            .otherwise(0.0)
            .alias("monetary"),
        )
        .sort("client")
    )
    result = summary.collect()
    if result.height and (result["T"] == 0).any():
        # Clients acquired on the last day have T = 0: no time to buy again, no information.
        result = result.filter(pl.col("T") > 0)
    if amount is None:
        result = result.drop("monetary")
    return result
