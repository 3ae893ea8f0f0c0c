"""Concentration of revenue on few clients: top-k shares, HHI, Gini and the 25 % alert (S4.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from cartera.analytics.diagnosis._numbers import below_share

ALERT_SHARE: Final = 0.25
"""One client with this share of the window revenue makes the company vulnerable (S4.4)."""


@dataclass(frozen=True, slots=True)
class Concentration:
    """How much of the window revenue sits with the largest clients.

    Shares are computed on the active clients' window revenue, negative revenues
    (net returns) counted as zero, so every share lies in 0–1.

    Attributes
    ----------
    top1_share, top5_share, top10_share
        Revenue of the k largest clients / window revenue.
    hhi
        Herfindahl–Hirschman index, Σ share², from 1/n (even) to 1 (one client).
    gini
        Gini coefficient of the clients' revenues, 0 (even) to (n−1)/n.
    clients
        Active clients counted.
    alert
        Whether one client reaches ``alert_share``.
    alert_share
        The alert threshold.
    over_threshold
        The clients at or above ``alert_share`` (client id, share), largest first.
    """

    top1_share: float | None
    top5_share: float | None
    top10_share: float | None
    hhi: float | None
    gini: float | None
    clients: int
    alert: bool
    alert_share: float
    over_threshold: tuple[tuple[str, float], ...]


def concentration_of(revenue: pl.Expr, *, descending: bool = False) -> list[pl.Expr]:
    """Return aggregations of top-k shares, HHI and Gini over a revenue column.

    Usable in ``select`` (whole portfolio) and in ``group_by().agg`` (per salesperson):
    ``top1_share``, ``top5_share``, ``top10_share``, ``hhi``, ``gini``. With
    ``descending``, the values already come largest first (a table from
    :func:`~cartera.analytics.diagnosis.abc.abc_classes`, within each group too), so the
    largest are the first and no sort is needed.
    """
    value = revenue.clip(lower_bound=0)
    total = value.sum()
    n = value.count()
    if descending:
        ordered = value
        # The k-th largest of n has ascending rank n − k + 1 (ties ranked in any order
        # give the same sum of rank × value).
        ascending_rank = (n - pl.int_range(n)).cast(pl.Float64)
    else:
        ordered = value.sort(descending=True)
        ascending_rank = value.rank("ordinal").cast(pl.Float64)
    shares = value / total
    valid = total > 0
    return [
        pl.when(valid).then(ordered.head(1).sum() / total).alias("top1_share"),
        pl.when(valid).then(ordered.head(5).sum() / total).alias("top5_share"),
        pl.when(valid).then(ordered.head(10).sum() / total).alias("top10_share"),
        pl.when(valid).then((shares * shares).sum()).alias("hhi"),
        pl.when(valid)
        .then(2 * (ascending_rank * value).sum() / (n * total) - (n + 1) / n)
        .alias("gini"),
    ]


def concentration(classified: pl.DataFrame, *, alert_share: float = ALERT_SHARE) -> Concentration:
    """Return the concentration of the window revenue over the active clients."""
    active = classified.select("client", "window_revenue_cents", "active").filter(pl.col("active"))
    figures = active.select(concentration_of(pl.col("window_revenue_cents"))).row(0, named=True)
    total = active["window_revenue_cents"].clip(lower_bound=0).sum()
    over: tuple[tuple[str, float], ...] = ()
    if total > 0:
        revenue = pl.col("window_revenue_cents").clip(lower_bound=0)
        big = (
            active.filter(~below_share(revenue, total, alert_share))
            .select(pl.col("client").cast(pl.String), (revenue / total).alias("share"))
            .sort(["share", "client"], descending=[True, False])
        )
        over = tuple((str(c), float(s)) for c, s in big.iter_rows())
    return Concentration(
        top1_share=figures["top1_share"],
        top5_share=figures["top5_share"],
        top10_share=figures["top10_share"],
        hhi=figures["hhi"],
        gini=figures["gini"],
        clients=active.height,
        alert=bool(over),
        alert_share=alert_share,
        over_threshold=over,
    )
