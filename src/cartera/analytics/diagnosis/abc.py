"""Pareto ABC classes of the clients by revenue in the window (S3.7, S4.5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import numpy as np
import polars as pl

from cartera.analytics.diagnosis._numbers import below_share, ratio, to_decimal

DEFAULT_THRESHOLDS: Final = (0.80, 0.95)
CLASSES: Final = ("A", "B", "C")
CURVE_POINTS: Final = 101


@dataclass(frozen=True, slots=True)
class AbcClass:
    """One ABC class: how many clients and how much of the window revenue it holds."""

    label: str
    clients: int
    revenue: Decimal
    revenue_share: float | None
    client_share: float | None


@dataclass(frozen=True, slots=True)
class Abc:
    """The ABC classification of the active clients.

    Attributes
    ----------
    thresholds
        Cumulative revenue shares that close classes A and B.
    classes
        A, B and C, in that order (a class may hold no client).
    curve
        The Pareto curve: ``client_share`` (0–1, clients sorted by revenue) against
        ``revenue_share`` (cumulative), at most :data:`CURVE_POINTS` points.
    """

    thresholds: tuple[float, float]
    classes: tuple[AbcClass, ...]
    curve: pl.DataFrame

    def __getitem__(self, label: str) -> AbcClass:
        """Return the class called ``label``."""
        return next(c for c in self.classes if c.label == label)


def check_thresholds(thresholds: tuple[float, float]) -> tuple[float, float]:
    """Return ``thresholds`` as floats after checking 0 < A < B ≤ 1."""
    a, b = (float(t) for t in thresholds)
    if not 0 < a < b <= 1:
        raise ValueError(f"ABC thresholds must satisfy 0 < A < B <= 1, got {thresholds!r}")
    return a, b


def abc_classes(
    clients: pl.DataFrame, thresholds: tuple[float, float] = DEFAULT_THRESHOLDS
) -> pl.DataFrame:
    """Return the client table with its ABC class, sorted by window revenue.

    Active clients are sorted by window revenue, descending (ties: client id
    ascending). A client is **A** while the cumulative share of the clients *before*
    it is below the first threshold, **B** while below the second, else **C**.
    Inactive clients get no class and come last.

    Adds ``revenue_rank`` (1 = largest), ``revenue_share``, ``cumulative_share``
    (including the client) and ``abc_class``.
    """
    a, b = check_thresholds(thresholds)
    ordered = _by_revenue(clients)
    revenue = pl.when(pl.col("active")).then(pl.col("window_revenue_cents")).otherwise(0)
    total = revenue.sum()
    cumulative = revenue.cum_sum()
    before = cumulative - revenue
    label = (
        pl.when(~pl.col("active"))
        .then(None)
        .when(total <= 0)
        .then(pl.lit("C"))
        .when(below_share(before, total, a))
        .then(pl.lit("A"))
        .when(below_share(before, total, b))
        .then(pl.lit("B"))
        .otherwise(pl.lit("C"))
    )
    positive = total > 0
    return ordered.with_columns(
        pl.when(pl.col("active"))
        .then(pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
        .alias("revenue_rank"),
        pl.when(pl.col("active") & positive).then(revenue / total).alias("revenue_share"),
        pl.when(pl.col("active") & positive).then(cumulative / total).alias("cumulative_share"),
        label.alias("abc_class"),
    )


def _comparable(ids: pl.Series) -> pl.Series | None:
    """Return ids as values that compare in Polars' sort order, or ``None`` if unsure."""
    if isinstance(ids.dtype, pl.Enum):
        return ids.to_physical()
    if ids.dtype == pl.String or isinstance(ids.dtype, pl.Categorical):
        return ids.cast(pl.String)
    return None


def _in_order(active: pl.Series, revenue: pl.Series, ids: pl.Series) -> bool:
    """Return whether the rows already come in ABC order (as client_table gives them)."""
    comparable = _comparable(ids)
    if comparable is None or active.len() < 2:
        return comparable is not None
    a, r = active.to_numpy(), revenue.to_numpy()
    same_activity = a[:-1] == a[1:]
    same_revenue = same_activity & (r[:-1] == r[1:])
    ordered = (a[:-1] > a[1:]) | same_activity & (r[:-1] > r[1:]) | same_revenue
    if not ordered.all():
        return False
    # Only rows tied on both keys need their ids compared.
    tied = pl.Series(np.flatnonzero(same_revenue))
    return bool((comparable.gather(tied) <= comparable.gather(tied + 1)).all())


def _by_revenue(clients: pl.DataFrame) -> pl.DataFrame:
    """Return the clients sorted by activity, then window revenue (descending), then id."""
    active, revenue = clients.get_column("active"), clients.get_column("window_revenue_cents")
    ids = clients.get_column("client")
    if active.null_count() or revenue.null_count() or ids.null_count():
        return clients.sort(
            ["active", "window_revenue_cents", "client"],
            descending=[True, True, False],
            nulls_last=True,
        )
    if _in_order(active, revenue, ids):
        return clients
    if not ids.is_sorted():
        return clients.sort(
            ["active", "window_revenue_cents", "client"],
            descending=[True, True, False],
            nulls_last=True,
        )
    # A table in id order (as client_table gives it) needs no text comparison: a
    # stable sort on the two integer keys leaves ties in id order. ``~`` reverses an
    # order without the overflow of a minus sign.
    order = np.lexsort((~revenue.to_numpy(), ~active.to_numpy()))
    return clients[order]


def abc_summary(
    classified: pl.DataFrame, thresholds: tuple[float, float] = DEFAULT_THRESHOLDS
) -> Abc:
    """Return the clients and revenue of each class of a table from :func:`abc_classes`."""
    # Selecting first spares copying every column of the table to filter it.
    active = classified.select("active", "abc_class", "window_revenue_cents").filter(
        pl.col("active")
    )
    total = int(active["window_revenue_cents"].sum())
    counts = active.group_by("abc_class").agg(
        pl.len().alias("clients"), pl.col("window_revenue_cents").sum().alias("revenue")
    )
    found = {row[0]: (int(row[1]), int(row[2])) for row in counts.iter_rows()}
    classes = tuple(
        AbcClass(
            label,
            found.get(label, (0, 0))[0],
            to_decimal(found.get(label, (0, 0))[1]),
            ratio(found.get(label, (0, 0))[1], total) if total > 0 else None,
            ratio(found.get(label, (0, 0))[0], active.height),
        )
        for label in CLASSES
    )
    return Abc(check_thresholds(thresholds), classes, pareto_curve(classified))


def pareto_curve(classified: pl.DataFrame, points: int = CURVE_POINTS) -> pl.DataFrame:
    """Return the Pareto (cumulative revenue) curve of a table from :func:`abc_classes`.

    The curve starts at (0, 0) and is sampled at ``points`` evenly spaced client
    shares, so that a million clients still draw with a hundred points.
    """
    curve = classified.filter(pl.col("active") & pl.col("cumulative_share").is_not_null())
    n = curve.height
    if n == 0:
        return pl.DataFrame(
            {"client_share": [0.0], "revenue_share": [0.0]},
            schema={"client_share": pl.Float64, "revenue_share": pl.Float64},
        )
    steps = pl.int_range(1, points, eager=True)
    index = ((steps * n) // (points - 1) - 1).clip(0, n - 1).unique(maintain_order=True)
    sampled = curve.select(
        ((pl.col("revenue_rank").gather(index)) / n).alias("client_share"),
        pl.col("cumulative_share").gather(index).alias("revenue_share"),
    )
    origin = pl.DataFrame({"client_share": [0.0], "revenue_share": [0.0]})
    return pl.concat([origin, sampled.cast(pl.Float64)])
