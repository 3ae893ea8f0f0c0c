"""Drift alerts on the database: who runs below the forecast, and which clients explain it (S3.4).

Each salesperson's portfolio and each segment is judged, month by month over the last
complete months, against a forecast made before them
(:func:`cartera.analytics.forecast.check_drift`); a run of two months below the lower
bound of the 80 % interval raises an alert. The clients behind it are ranked by
:func:`cartera.analytics.forecast.explain_gap` against their own past — lost,
shrinking — with what they owe past due from the receivables ageing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

import polars as pl

from cartera.analytics.forecast import DriftCheck, check_drift, explain_gap, monthly_revenue
from cartera.common.money import from_cents

Dimension = Literal["salesperson", "segment"]
DIMENSIONS: Final[tuple[Dimension, ...]] = ("salesperson", "segment")

COVERAGE: Final = 0.80
"""Suggested clients: the fewest that explain this share of the gap."""

MAX_SUGGESTED: Final = 10


@dataclass(frozen=True, slots=True)
class DriftAlert:
    """A salesperson or segment below the lower prediction bound, and the clients behind it.

    Attributes
    ----------
    dimension, series
        ``"salesperson"`` (the portfolio of ``series``) or ``"segment"``.
    start, end, months
        First and last month of the run below the bound, and how many.
    revenue, forecast, lower, gap
        Summed over the run; ``gap`` = forecast − revenue.
    ongoing
        The run reaches the last complete month: act now.
    salesperson_id
        The salesperson of a ``"salesperson"`` alert (``None`` for a segment, whose
        clients have several owners).
    clients
        Every client with a shortfall or an overdue balance, largest shortfall first:
        the columns of :func:`~cartera.analytics.forecast.explain_gap` plus
        ``account_id``, ``client_name``, ``owner_id`` and ``owner``.
    """

    dimension: Dimension
    series: str
    start: dt.date
    end: dt.date
    months: int
    revenue: Decimal
    forecast: Decimal
    lower: Decimal
    gap: Decimal
    ongoing: bool
    salesperson_id: int | None
    clients: pl.DataFrame

    @property
    def suggested(self) -> pl.DataFrame:
        """Return the clients to act on: the fewest explaining 80 % of the gap, and the overdue.

        At most :data:`MAX_SUGGESTED`, in the order of :attr:`clients`.
        """
        before = pl.col("cumulative_share") - pl.col("share")
        explains = (pl.col("shortfall_cents") > 0) & (before < COVERAGE)
        owes = pl.col("overdue_cents").fill_null(0) > 0
        return self.clients.filter(explains | owes).head(MAX_SUGGESTED)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """The drift check of everything a user may see at a date.

    Attributes
    ----------
    as_of
        The date asked for.
    through
        First day of the last complete month judged.
    recent, level
        Months judged, and the interval whose lower bound is the threshold.
    checks
        The month-by-month comparison per dimension (:class:`DriftCheck`).
    alerts
        Ongoing alerts first, then by gap.
    """

    as_of: dt.date
    through: dt.date
    recent: int
    level: int
    checks: Mapping[str, DriftCheck]
    alerts: tuple[DriftAlert, ...]


def drift_report(
    sales: pl.DataFrame,
    owners: pl.DataFrame,
    overdue: pl.DataFrame,
    *,
    as_of: dt.date,
    through: dt.date,
    recent: int = 3,
    level: int = 80,
    consecutive: int = 2,
    n_jobs: int = 1,
) -> DriftReport:
    """Return the drift alerts of ``sales`` with the clients that explain each one.

    ``sales`` follow the SALES frame with ``salesperson`` as the current owner;
    ``owners`` is :func:`cartera.goals.history.owners_frame`; ``overdue`` has
    ``client`` and ``overdue_cents``.
    """
    checks: dict[str, DriftCheck] = {}
    found: list[dict[str, Any]] = []
    for dimension in DIMENSIONS:
        series = monthly_revenue(sales, by=dimension, through=through)
        # A series needs some history before the months judged to be judged at all.
        long_enough = series.group_by("series").agg(pl.len().alias("n"))
        series = series.join(long_enough.filter(pl.col("n") > recent + 1), on="series", how="semi")
        if series.is_empty():
            continue
        check = check_drift(
            series, recent=recent, level=level, consecutive=consecutive, n_jobs=n_jobs
        )
        checks[dimension] = check
        found.extend({"dimension": dimension, **row} for row in check.alerts.iter_rows(named=True))
    if not found:
        return DriftReport(as_of, through, recent, level, checks, ())
    by_client = monthly_revenue(sales, by="client", through=through).rename({"series": "client"})
    key = {"salesperson": "owner", "segment": "segment"}
    people = dict(owners.select("owner", "owner_id").unique().drop_nulls().iter_rows())
    alerts = []
    for row in found:
        dimension: Dimension = row["dimension"]
        members = owners.filter(pl.col(key[dimension]) == row["series"])
        ranked = explain_gap(
            by_client.join(members.select("client"), on="client", how="semi"),
            start=row["start"],
            end=row["end"],
            overdue=overdue.join(members.select("client"), on="client", how="semi"),
        ).join(
            members.select("client", "account_id", "client_name", "owner_id", "owner"),
            on="client",
            how="left",
        )
        alerts.append(
            DriftAlert(
                dimension=dimension,
                series=str(row["series"]),
                start=row["start"],
                end=row["end"],
                months=row["months"],
                revenue=from_cents(int(row["revenue_cents"])),
                forecast=from_cents(int(row["forecast_cents"])),
                lower=from_cents(int(row["lower_cents"])),
                gap=from_cents(int(row["gap_cents"])),
                ongoing=bool(row["ongoing"]),
                salesperson_id=people.get(row["series"]) if dimension == "salesperson" else None,
                clients=ranked.sort("rank"),
            )
        )
    alerts.sort(key=lambda a: (not a.ongoing, -a.gap, a.dimension, a.series))
    return DriftReport(as_of, through, recent, level, checks, tuple(alerts))
