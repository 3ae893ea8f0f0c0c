"""Client features: the data-based measures a rating policy reads (S4.5, S3.9, S3.10).

One lazy pass over the sales lines gives, per client, revenue in the window and in the
previous one, margin, recurrence, tenure and recency; payment behaviour and account
attributes (ideal-client fit, strategic flag, firmographics) are joined when given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from cartera.analytics.frames import FrameError, prepare_sales

DAYS_PER_YEAR: Final = 365.25


@dataclass(frozen=True, slots=True)
class Measure:
    """How a feature reads in an explanation.

    ``template`` takes ``{label}``, ``{value}`` (the value times ``display_scale``,
    rounded to ``decimals``) and ``{ordinal}`` (the value as an English ordinal).
    """

    name: str
    template: str
    display_scale: float = 1.0
    decimals: int = 0


MEASURES: Final[dict[str, Measure]] = {
    m.name: m
    for m in (
        Measure("revenue_cents", "{label} {value}", display_scale=0.01),
        Measure("revenue_previous_cents", "{label} {value}", display_scale=0.01),
        Measure("revenue_percentile", "{label} {ordinal} percentile"),
        Measure("margin_cents", "{label} {value}", display_scale=0.01),
        Measure("margin_pct", "{label} {value}%"),
        Measure("purchase_days", "{label} {value} purchase days"),
        Measure("active_months", "{label} {value} active months"),
        Measure("growth_pct", "{label} {value}%"),
        Measure("tenure_days", "{label} {value} days"),
        Measure("tenure_years", "{label} {value} years", decimals=1),
        Measure("days_since_last", "{label}: last purchase {value} days ago"),
        Measure("days_late", "pays {value} days late"),
        Measure("on_time_share", "{label} {value}% on time", display_scale=100.0),
        Measure("icp_fit", "{label} {value}"),
        Measure("strategic", "{label}"),
    )
}
"""The features this module can produce, with their explanation templates."""

OPTIONAL_MEASURES: Final[frozenset[str]] = frozenset(
    {"margin_cents", "margin_pct", "days_late", "on_time_share", "icp_fit", "strategic"}
)
"""Features that exist only when their data does (costs, invoices, payments, attributes)."""

PAYMENT_COLUMNS: Final[tuple[str, ...]] = ("days_late", "on_time_share")

RECEIVABLES_NAMES: Final[dict[str, str]] = {
    "avg_days_late": "days_late",
    "share_on_time": "on_time_share",
}
"""Columns of :func:`cartera.analytics.receivables.payment_behaviour` and their names here."""

# A bit per month fits an Int64 for windows up to 61 months.
_MONTH_BITS: Final = 62


def _active_months(in_window: pl.Expr, as_of: dt.date, window_days: int) -> pl.Expr:
    """Return the number of distinct calendar months with a purchase in the window."""
    month = pl.col("date").dt.year().cast(pl.Int64) * 12 + pl.col("date").dt.month()
    back = as_of.year * 12 + as_of.month - month
    if window_days // 28 + 2 > _MONTH_BITS:
        return pl.when(in_window).then(month).drop_nulls().n_unique()
    # One bit per month back from as_of, OR-ed per client: a linear pass instead of
    # hashing dates into a distinct count.
    bits = pl.when(in_window).then(pl.lit(2, pl.Int64).pow(back)).otherwise(pl.lit(0, pl.Int64))
    return bits.bitwise_or().bitwise_count_ones().cast(pl.UInt32)


def _check_per_client(frame: pl.DataFrame, what: str) -> pl.DataFrame:
    if "client" not in frame.columns:
        raise FrameError(f"{what}: missing required column client", column="client")
    frame = frame.with_columns(pl.col("client").cast(pl.String))
    repeated = frame.filter(pl.col("client").is_duplicated())["client"].unique().sort()
    if len(repeated):
        shown = ", ".join(repeated.head(3).to_list())
        raise FrameError(f"{what}: client {shown} appears more than once", column="client")
    return frame


def client_features(
    sales: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date,
    window_days: int = 365,
    payments: pl.DataFrame | None = None,
    attributes: pl.DataFrame | None = None,
    last_seen: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Return one row of measures per client who bought up to ``as_of``.

    Parameters
    ----------
    sales
        Sales lines following :data:`cartera.analytics.frames.SALES`; lines after
        ``as_of`` are ignored.
    as_of
        Last day of the window.
    window_days
        Length of the window ``(as_of - window_days, as_of]``; growth compares it with
        the window of the same length just before.
    payments
        One row per client with ``days_late`` (average days paid after the due date)
        and/or ``on_time_share`` (0–1); the output of
        :func:`cartera.analytics.receivables.payment_behaviour` is accepted as it is
        (its ``avg_days_late`` and ``share_on_time``).
    attributes
        One row per client with any account attributes: ``icp_fit`` (0–100),
        ``strategic`` (bool), industry, size, region … An attribute wins over the
        same column in ``last_seen``.
    last_seen
        Sales columns whose latest known value per client is kept (``salesperson``,
        ``segment``, ``city`` …); each costs a little time, so by default only the
        salesperson, when the sales have one.

    Returns
    -------
    polars.DataFrame
        ``client``; ``revenue_cents`` and ``revenue_previous_cents``;
        ``revenue_percentile`` (0–100, share of the other clients with strictly less
        revenue); ``margin_cents`` and ``margin_pct`` (over lines that have a cost, when
        ``cost_cents`` is present); ``purchase_days`` and ``active_months`` in the
        window; ``growth_pct`` (null without previous revenue);
        ``first_purchase``, ``last_purchase``, ``tenure_days``, ``tenure_years``,
        ``days_since_last``; the last ``salesperson`` / ``segment`` / ``city`` /
        ``channel`` / ``source`` seen; then the payment and attribute columns.
    """
    if window_days < 1:
        raise ValueError(f"window_days must be positive, got {window_days}")
    lines = prepare_sales(sales).filter(pl.col("date") <= as_of)
    schema = lines.collect_schema()
    start = as_of - dt.timedelta(days=window_days)
    previous_start = start - dt.timedelta(days=window_days)
    in_window = pl.col("date") > start
    in_previous = (pl.col("date") > previous_start) & ~in_window
    amount = pl.col("amount_cents")

    aggregations = [
        pl.when(in_window).then(amount).otherwise(0).sum().alias("revenue_cents"),
        pl.when(in_previous).then(amount).otherwise(0).sum().alias("revenue_previous_cents"),
        pl.col("date").filter(in_window).n_unique().alias("purchase_days"),
        _active_months(in_window, as_of, window_days).alias("active_months"),
        pl.col("date").min().alias("first_purchase"),
        pl.col("date").max().alias("last_purchase"),
    ]
    if "cost_cents" in schema:
        costed = in_window & pl.col("cost_cents").is_not_null()
        aggregations += [
            pl.when(costed).then(amount).otherwise(0).sum().alias("_costed_revenue"),
            pl.when(costed).then(pl.col("cost_cents")).otherwise(0).sum().alias("_cost"),
            costed.any().alias("_has_cost"),
        ]
    attribute_columns = set(attributes.columns) if attributes is not None else set()
    if last_seen is None:
        last_seen = [c for c in ("salesperson",) if c in schema]
    for column in last_seen:
        if column not in schema:
            raise FrameError(
                f"sales: no column {column!r} to take the last value of", column=column
            )
        if column in attribute_columns:
            continue
        known = pl.col(column).is_not_null()
        latest = pl.col("date").filter(known).arg_max()
        aggregations.append(
            pl.col(column).filter(known).get(latest, null_on_oob=True).alias(column)
        )

    revenue, previous = pl.col("revenue_cents"), pl.col("revenue_previous_cents")
    others = pl.len() - 1
    derived = [
        pl.when(others > 0)
        .then((revenue.rank("min") - 1) / others * 100.0)
        .otherwise(100.0)
        .alias("revenue_percentile"),
        pl.when(previous > 0).then((revenue - previous) / previous * 100.0).alias("growth_pct"),
        (pl.lit(as_of) - pl.col("first_purchase")).dt.total_days().alias("tenure_days"),
        ((pl.lit(as_of) - pl.col("first_purchase")).dt.total_days() / DAYS_PER_YEAR).alias(
            "tenure_years"
        ),
        (pl.lit(as_of) - pl.col("last_purchase")).dt.total_days().alias("days_since_last"),
    ]
    if "cost_cents" in schema:
        margin = pl.col("_costed_revenue") - pl.col("_cost")
        derived += [
            pl.when(pl.col("_has_cost")).then(margin).alias("margin_cents"),
            pl.when(pl.col("_costed_revenue") > 0)
            .then(margin / pl.col("_costed_revenue") * 100.0)
            .alias("margin_pct"),
        ]

    features = (
        lines.group_by("client")
        .agg(aggregations)
        .with_columns(derived)
        .drop("_costed_revenue", "_cost", "_has_cost", strict=False)
        .sort("client")
        .collect()
    )
    if payments is not None:
        features = join_payments(features, payments)
    if attributes is not None:
        features = _join_attributes(features, attributes)
    return features


def join_payments(features: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """Return ``features`` with the payment behaviour of ``payments`` (as in
    :func:`client_features`): for features computed while the ledger is still matched."""
    payments = _check_per_client(payments, "payments")
    # Accept the output of cartera.analytics.receivables.payment_behaviour as it is.
    aliases = {
        old: new
        for old, new in RECEIVABLES_NAMES.items()
        if old in payments.columns and new not in payments.columns
    }
    payments = payments.rename(aliases)
    present = [c for c in PAYMENT_COLUMNS if c in payments.columns]
    if not present:
        raise FrameError(
            "payments: expected a column days_late and/or on_time_share", column="days_late"
        )
    payments = payments.select("client", *(pl.col(c).cast(pl.Float64) for c in present))
    return features.join(payments, on="client", how="left")


def _join_attributes(features: pl.DataFrame, attributes: pl.DataFrame) -> pl.DataFrame:
    attributes = _check_per_client(attributes, "attributes")
    clashes = sorted((set(attributes.columns) - {"client"}) & set(features.columns))
    if clashes:
        raise FrameError(
            f"attributes: column {clashes[0]} is computed from the sales; rename it",
            column=clashes[0],
        )
    casts = []
    if "icp_fit" in attributes.columns:
        casts.append(pl.col("icp_fit").cast(pl.Float64))
    if "strategic" in attributes.columns:
        casts.append(pl.col("strategic").cast(pl.Boolean))
    return features.join(attributes.with_columns(casts), on="client", how="left")
