"""Client movement between the two windows: new, lost, retained (S0.4, S3.9.6, S3.10).

Also the portfolio-health figures that come from the same flags: recurrence (repeat
clients) and the average ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from cartera.analytics.diagnosis._numbers import ratio, to_decimal


@dataclass(frozen=True, slots=True)
class ClientCounts:
    """Clients by their movement (see the glossary for the definitions)."""

    total: int
    """Clients with at least one line up to ``as_of``."""
    active: int
    new: int
    lost: int
    previous_active: int
    retained: int
    reactivated: int
    """Active now, not in the previous window, and not new (came back)."""


@dataclass(frozen=True, slots=True)
class Retention:
    """Retention and attrition between the previous window and the window (S0.4).

    ``rate`` = previous-window actives active again / previous-window actives;
    ``attrition_rate`` = 1 − ``rate``; ``lost_revenue`` is the previous-window revenue
    of the lost clients; ``replacement_ratio`` = new / lost.
    """

    rate: float | None
    attrition_rate: float | None
    lost: int
    lost_revenue: Decimal
    new: int
    new_revenue: Decimal
    replacement_ratio: float | None


@dataclass(frozen=True, slots=True)
class Recurrence:
    """Repeat purchases in the window (S3.9.1, S3.10)."""

    repeat_clients: int
    repeat_clients_share: float | None
    """Active clients with purchases on ≥ 2 distinct days / active clients."""
    mean_purchase_days: float | None
    """Distinct purchase days per active client."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """Average ticket in the window (S3.9.2): window revenue / tickets."""

    average: Decimal | None
    tickets: int
    counted_by: str
    """``"invoice"`` (distinct invoices per client) or ``"client-day"``."""


def movement_of() -> list[pl.Expr]:
    """Return aggregations of the movement counts and revenues over a client table.

    Usable in ``select`` and ``group_by().agg``: ``clients``, ``active``, ``new``,
    ``lost``, ``previous_active``, ``retained``, ``reactivated``, ``revenue_cents``,
    ``previous_revenue_cents``, ``lost_revenue_cents``, ``new_revenue_cents``,
    ``repeat_clients``, ``tickets``, ``purchase_days``.
    """
    active, previously = pl.col("active"), pl.col("previously_active")
    return [
        pl.len().cast(pl.Int64).alias("clients"),
        active.sum().cast(pl.Int64).alias("active"),
        (active & pl.col("new")).sum().cast(pl.Int64).alias("new"),
        pl.col("lost").sum().cast(pl.Int64).alias("lost"),
        previously.sum().cast(pl.Int64).alias("previous_active"),
        (active & previously).sum().cast(pl.Int64).alias("retained"),
        (active & ~previously & ~pl.col("new")).sum().cast(pl.Int64).alias("reactivated"),
        pl.col("window_revenue_cents").sum().alias("revenue_cents"),
        pl.col("previous_revenue_cents").sum().alias("previous_revenue_cents"),
        pl.col("previous_revenue_cents").filter(pl.col("lost")).sum().alias("lost_revenue_cents"),
        pl.col("window_revenue_cents")
        .filter(active & pl.col("new"))
        .sum()
        .alias("new_revenue_cents"),
        (active & (pl.col("purchase_days") >= 2)).sum().cast(pl.Int64).alias("repeat_clients"),
        pl.col("tickets").filter(active).sum().cast(pl.Int64).alias("tickets"),
        pl.col("purchase_days").filter(active).sum().cast(pl.Int64).alias("purchase_days"),
    ]


def rates_of() -> list[pl.Expr]:
    """Return the rates derived from :func:`movement_of`'s columns (null when undefined)."""

    def safe(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
        return pl.when(denominator > 0).then(numerator / denominator)

    retention = safe(pl.col("retained"), pl.col("previous_active"))
    return [
        retention.alias("retention_rate"),
        (1 - retention).alias("attrition_rate"),
        safe(pl.col("new"), pl.col("lost")).alias("replacement_ratio"),
        safe(pl.col("repeat_clients"), pl.col("active")).alias("repeat_clients_share"),
        safe(pl.col("revenue_cents"), pl.col("tickets")).alias("average_ticket_cents"),
        safe(pl.col("revenue_cents"), pl.col("previous_revenue_cents")).sub(1).alias("growth"),
    ]


def movement(clients: pl.DataFrame) -> dict[str, int]:
    """Return the movement counts and revenues of a client table (see :func:`movement_of`)."""
    return {k: int(v or 0) for k, v in clients.select(movement_of()).row(0, named=True).items()}


def client_counts(figures: dict[str, int]) -> ClientCounts:
    """Return the client counts from :func:`movement`'s figures."""
    return ClientCounts(
        total=figures["clients"],
        active=figures["active"],
        new=figures["new"],
        lost=figures["lost"],
        previous_active=figures["previous_active"],
        retained=figures["retained"],
        reactivated=figures["reactivated"],
    )


def retention(figures: dict[str, int]) -> Retention:
    """Return retention and attrition from :func:`movement`'s figures."""
    rate = ratio(figures["retained"], figures["previous_active"])
    return Retention(
        rate=rate,
        attrition_rate=None if rate is None else 1 - rate,
        lost=figures["lost"],
        lost_revenue=to_decimal(figures["lost_revenue_cents"]),
        new=figures["new"],
        new_revenue=to_decimal(figures["new_revenue_cents"]),
        replacement_ratio=ratio(figures["new"], figures["lost"]),
    )


def recurrence(figures: dict[str, int]) -> Recurrence:
    """Return the repeat-purchase figures from :func:`movement`'s figures."""
    return Recurrence(
        repeat_clients=figures["repeat_clients"],
        repeat_clients_share=ratio(figures["repeat_clients"], figures["active"]),
        mean_purchase_days=ratio(figures["purchase_days"], figures["active"]),
    )


def average_ticket(figures: dict[str, int], *, by_invoice: bool) -> Ticket:
    """Return the average ticket from :func:`movement`'s figures."""
    tickets = figures["tickets"]
    average = (
        (Decimal(figures["revenue_cents"]) / tickets / 100).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if tickets
        else None
    )
    return Ticket(average, tickets, "invoice" if by_invoice else "client-day")
