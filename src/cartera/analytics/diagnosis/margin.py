"""Margin where costs are known (S3.11) and the risk × profitability hook (S1.9, S3.12)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from cartera.analytics.diagnosis._numbers import ratio, to_decimal


@dataclass(frozen=True, slots=True)
class Margin:
    """Gross margin in the window.

    Attributes
    ----------
    revenue, cost, margin
        Window totals; margin = revenue − cost.
    margin_rate
        margin / revenue.
    by_class
        ``abc_class``, ``revenue_cents``, ``margin_cents``, ``margin_rate``.
    """

    revenue: Decimal
    cost: Decimal
    margin: Decimal
    margin_rate: float | None
    by_class: pl.DataFrame


@dataclass(frozen=True, slots=True)
class RiskProfitability:
    """Clients, revenue and margin by payment-risk band and ABC class (S1.9).

    ``matrix`` has ``risk``, ``abc_class``, ``clients``, ``revenue_cents`` and, with
    costs, ``margin_cents``. Risk bands come from the caller (the receivables
    analysis), one per client; clients without a band are ``"unknown"``.
    """

    matrix: pl.DataFrame


def margin(classified: pl.DataFrame) -> Margin | None:
    """Return the window margin of the active clients, or ``None`` without costs."""
    if "margin_cents" not in classified.columns:
        return None
    active = classified.select(
        "active", "abc_class", "window_revenue_cents", "window_cost_cents", "margin_cents"
    ).filter(pl.col("active"))
    revenue = int(active["window_revenue_cents"].sum())
    cost = int(active["window_cost_cents"].sum())
    by_class = (
        active.group_by("abc_class")
        .agg(
            pl.col("window_revenue_cents").sum().alias("revenue_cents"),
            pl.col("margin_cents").sum(),
        )
        .with_columns(
            pl.when(pl.col("revenue_cents") > 0)
            .then(pl.col("margin_cents") / pl.col("revenue_cents"))
            .alias("margin_rate")
        )
        .sort("abc_class")
    )
    return Margin(
        revenue=to_decimal(revenue),
        cost=to_decimal(cost),
        margin=to_decimal(revenue - cost),
        margin_rate=ratio(revenue - cost, revenue) if revenue > 0 else None,
        by_class=by_class,
    )


def risk_profitability(
    classified: pl.DataFrame, payment_risk: pl.DataFrame | pl.LazyFrame
) -> RiskProfitability:
    """Return the risk × profitability matrix for ``payment_risk`` (``client``, ``risk``)."""
    risk = payment_risk.lazy().select("client", pl.col("risk").cast(pl.String)).collect()
    needed = ["client", "abc_class", "window_revenue_cents", "margin_cents", "active"]
    active = (
        classified.select(c for c in needed if c in classified.columns)
        .filter(pl.col("active"))
        .drop("active")
    )
    if risk["client"].dtype != active["client"].dtype:
        risk = risk.with_columns(pl.col("client").cast(active["client"].dtype))
    joined = active.join(risk, on="client", how="left").with_columns(
        pl.col("risk").fill_null("unknown")
    )
    aggregations = [
        pl.len().cast(pl.Int64).alias("clients"),
        pl.col("window_revenue_cents").sum().alias("revenue_cents"),
    ]
    if "margin_cents" in joined.columns:
        aggregations.append(pl.col("margin_cents").sum())
    matrix = joined.group_by("risk", "abc_class").agg(aggregations).sort("risk", "abc_class")
    return RiskProfitability(matrix)
