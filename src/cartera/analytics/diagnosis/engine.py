"""The whole diagnosis of a portfolio in one call (S1.10): every metric, every grouping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import polars as pl

from cartera.analytics.diagnosis._numbers import ratio, to_decimal
from cartera.analytics.diagnosis.abc import DEFAULT_THRESHOLDS, Abc, abc_classes, abc_summary
from cartera.analytics.diagnosis.attention import Attention, attention
from cartera.analytics.diagnosis.breakdown import breakdowns
from cartera.analytics.diagnosis.clients import decoded_lines, per_client
from cartera.analytics.diagnosis.cohorts import DEFAULT_COHORTS, cohort_retention
from cartera.analytics.diagnosis.concentration import ALERT_SHARE, Concentration, concentration
from cartera.analytics.diagnosis.lines import EPOCH
from cartera.analytics.diagnosis.margin import Margin, RiskProfitability, margin, risk_profitability
from cartera.analytics.diagnosis.mix import (
    SOURCE_DIMENSIONS,
    NewProducts,
    ProductMix,
    family_pairs,
    finish_source,
    has_history_before,
    launches_inferred,
    new_products,
    new_products_revenue,
    product_mix,
    product_mix_revenue,
    revenue_by,
)
from cartera.analytics.diagnosis.monthly import (
    MonthlyStatistics,
    monthly_lines,
    monthly_statistics,
)
from cartera.analytics.diagnosis.parallel import run_all
from cartera.analytics.diagnosis.retention import (
    ClientCounts,
    Recurrence,
    Retention,
    Ticket,
    average_ticket,
    client_counts,
    movement,
    recurrence,
    retention,
)
from cartera.analytics.diagnosis.rfm import Rfm, rfm_scores, rfm_summary
from cartera.analytics.diagnosis.window import Window
from cartera.analytics.frames import GROUPINGS

CLIENT_TABLE_ORDER = (
    "client",
    "client_name",
    "abc_class",
    "rfm_segment",
    "status",
    "window_revenue_cents",
    "previous_revenue_cents",
    "revenue_share",
    "cumulative_share",
    "revenue_rank",
    "first_purchase",
    "last_purchase",
    "recency_days",
    "purchase_days",
    "frequency",
    "monetary_cents",
    "r_score",
    "f_score",
    "m_score",
    "rfm_score",
    "tickets",
    "families",
    "window_cost_cents",
    "margin_cents",
    *GROUPINGS,
)


@dataclass(frozen=True, slots=True)
class Revenue:
    """Revenue of the window against the previous window (S3.8)."""

    window: Decimal
    previous_window: Decimal
    growth: float | None
    """``window / previous_window − 1``; ``None`` when the previous window has none."""


@dataclass(frozen=True, slots=True)
class NewClients:
    """Clients whose first purchase ever falls in the window (S3.9.6)."""

    count: int
    revenue: Decimal
    revenue_share: float | None


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Everything :func:`diagnose` finds about a portfolio.

    Scalars of money are :class:`~decimal.Decimal`; frames keep integer cents in
    ``*_cents`` columns. ``client_table`` has one row per client (largest window
    revenue first) for the web app to store, join and filter by ``abc_class``,
    ``rfm_segment`` or ``status``.
    """

    as_of: dt.date
    window: Window
    previous_window: Window
    clients: ClientCounts
    revenue: Revenue
    abc: Abc
    rfm: Rfm
    concentration: Concentration
    recurrence: Recurrence
    retention: Retention
    average_ticket: Ticket
    new_clients: NewClients
    monthly: MonthlyStatistics
    cohorts: pl.DataFrame
    sources: Mapping[str, pl.DataFrame]
    breakdowns: Mapping[str, pl.DataFrame]
    client_table: pl.DataFrame
    product_mix: ProductMix | None
    new_products: NewProducts | None
    attention: Attention | None
    margin: Margin | None
    risk: RiskProfitability | None
    notes: tuple[str, ...]


def diagnose(
    sales: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date | None = None,
    activities: pl.DataFrame | pl.LazyFrame | None = None,
    abc_thresholds: tuple[float, float] = DEFAULT_THRESHOLDS,
    groupings: Sequence[str] = GROUPINGS,
    payment_risk: pl.DataFrame | pl.LazyFrame | None = None,
    cohort_months: int = DEFAULT_COHORTS,
    concentration_alert: float = ALERT_SHARE,
) -> Diagnosis:
    """Return the full diagnosis of a portfolio of sales.

    Parameters
    ----------
    sales
        Sales lines following :data:`~cartera.analytics.frames.SALES` (from
        :func:`cartera.analytics.io.read_sales` or the database bridge).
    as_of
        End of the 12-month window; the latest sale date by default.
    activities
        Contacts with clients (``client``, ``date``, ``kind``), for attention vs value.
    abc_thresholds
        Cumulative revenue shares closing classes A and B.
    groupings
        Columns to break every figure down by, where present.
    payment_risk
        One risk band per client (``client``, ``risk``), for risk × profitability.
    cohort_months
        How many monthly cohorts the retention matrix shows.
    concentration_alert
        Share of the window revenue in one client that raises the alert.

    Returns
    -------
    Diagnosis
    """
    lines, period, attributes = decoded_lines(
        sales, as_of, groupings=groupings, dimensions=SOURCE_DIMENSIONS, products=True
    )
    as_of = period.as_of
    table = per_client(lines, period, attributes)
    schema = lines.schema
    notes: list[str] = []
    inferred = launches_inferred(lines)
    first_day = EPOCH + dt.timedelta(days=int(lines.day.min()))
    if inferred and not has_history_before(first_day, period):
        notes.append(
            "new products skipped: no launch dates and under a year of history before the window"
        )
        inferred = None
    line_tasks: dict[str, Callable[[], Any]] = {
        "monthly": partial(monthly_lines, lines),
        **{f"source:{d}": partial(revenue_by, lines, d) for d in SOURCE_DIMENSIONS if d in schema},
        "mix": partial(product_mix_revenue, lines),
    }
    if inferred is not None:
        line_tasks["products"] = partial(new_products_revenue, lines, period)
    if "family" in schema and "families" not in table.columns:
        line_tasks["pairs"] = partial(family_pairs, lines)
    by_lines = run_all(line_tasks)
    # Everything else reads the client table: the lines' arrays can go.
    del lines, line_tasks

    classified = abc_classes(table, abc_thresholds)
    scored = rfm_scores(classified, as_of)
    figures = movement(scored)
    window_cents, previous_cents = figures["revenue_cents"], figures["previous_revenue_cents"]
    by_invoice = "invoice" in schema
    if not by_invoice:
        notes.append("no invoice column: tickets are counted as distinct client-days")
    if "cost_cents" not in schema:
        notes.append("no cost column: margin not computed")

    present = [g for g in groupings if g in scored.columns]
    ordered = [c for c in CLIENT_TABLE_ORDER if c in scored.columns]
    rest = [c for c in scored.columns if c not in ordered]
    per_family = by_lines["mix"]
    pairs = by_lines.get("pairs")
    if per_family is not None and pairs is None:
        pairs = int(table.select(pl.col("families").filter(pl.col("active")).sum()).item())
    client_tasks: dict[str, Callable[[], Any]] = {
        "breakdowns": lambda: breakdowns(scored, present),
        "cohorts": lambda: cohort_retention(scored, period, cohort_months),
        "monthly": lambda: monthly_statistics(by_lines["monthly"], scored, period),
        "rfm": lambda: rfm_summary(scored),
        "abc": lambda: abc_summary(classified, abc_thresholds),
        "concentration": lambda: concentration(scored, alert_share=concentration_alert),
        "margin": lambda: margin(scored),
        "client_table": lambda: scored.select(ordered + rest),
    }
    if activities is not None:
        client_tasks["attention"] = lambda: attention(scored, activities, period)
    if payment_risk is not None:
        client_tasks["risk"] = lambda: risk_profitability(scored, payment_risk)
    by_clients = run_all(client_tasks)
    return Diagnosis(
        as_of=as_of,
        window=period.window,
        previous_window=period.previous,
        clients=client_counts(figures),
        revenue=Revenue(
            to_decimal(window_cents),
            to_decimal(previous_cents),
            (window_cents / previous_cents - 1) if previous_cents > 0 else None,
        ),
        abc=by_clients["abc"],
        rfm=by_clients["rfm"],
        concentration=by_clients["concentration"],
        recurrence=recurrence(figures),
        retention=retention(figures),
        average_ticket=average_ticket(figures, by_invoice=by_invoice),
        new_clients=NewClients(
            figures["new"],
            to_decimal(figures["new_revenue_cents"]),
            ratio(figures["new_revenue_cents"], window_cents) if window_cents > 0 else None,
        ),
        monthly=by_clients["monthly"],
        cohorts=by_clients["cohorts"],
        sources={
            d: finish_source(by_lines[f"source:{d}"])
            for d in SOURCE_DIMENSIONS
            if f"source:{d}" in by_lines
        },
        breakdowns=by_clients["breakdowns"],
        client_table=by_clients["client_table"],
        product_mix=(
            product_mix(per_family, pairs=pairs, active=figures["active"])
            if per_family is not None
            else None
        ),
        new_products=(
            new_products(by_lines["products"], inferred=inferred, window_revenue_cents=window_cents)
            if inferred is not None
            else None
        ),
        attention=by_clients.get("attention"),
        margin=by_clients["margin"],
        risk=by_clients.get("risk"),
        notes=tuple(notes),
    )
