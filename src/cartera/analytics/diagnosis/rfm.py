"""RFM: recency, frequency and monetary value, quintile scores 1–5 and named segments (S2.4, S4.5).

The population is every client with a line in the window or the previous window
(24 months), so that clients drifting away ("at risk", "hibernating") are scored too.
Recency is days from the last purchase to ``as_of``; frequency the distinct purchase
days in those 24 months; monetary the revenue in those 24 months.

Scores are quintiles with ties kept together: a client's score is
``1 + floor(5 × (number of clients with a strictly worse value) / population)``,
so equal values always get the same score and the result does not depend on row
order. Segments follow the usual recency × frequency grid (R score rows, F columns)::

    champions          R 5,   F 4-5     loyal             R 3-4, F 4-5
    potential_loyalist R 4-5, F 2-3     new               R 5,   F 1
    promising          R 4,   F 1       need_attention    R 3,   F 3
    about_to_sleep     R 3,   F 1-2     cant_lose         R 1-2, F 5
    at_risk            R 1-2, F 3-4     hibernating       R 1-2, F 1-2
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl

SEGMENTS: Final[tuple[str, ...]] = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "cant_lose",
    "at_risk",
    "hibernating",
)
"""RFM segments, best first."""


@dataclass(frozen=True, slots=True)
class Rfm:
    """RFM segments of the scored clients.

    Attributes
    ----------
    population
        Clients scored (a line in the last 24 months).
    segments
        One row per segment of :data:`SEGMENTS` (empty ones included): ``segment``,
        ``clients``, ``client_share``, ``revenue_cents`` (window), ``revenue_share``,
        ``mean_recency_days``, ``mean_frequency``, ``mean_monetary_cents``.
    """

    population: int
    segments: pl.DataFrame


def _score(value: pl.Expr, scored: pl.Expr) -> pl.Expr:
    """Return quintile scores 1–5 of ``value`` among the rows where ``scored``; ties together."""
    kept = pl.when(scored).then(value)
    worse = kept.rank("min") - 1
    population = scored.sum()
    return (1 + (5 * worse) // population).cast(pl.Int8)


def segment_of(r: pl.Expr, f: pl.Expr) -> pl.Expr:
    """Return the RFM segment name for recency score ``r`` and frequency score ``f``."""
    return (
        pl.when(r.is_null() | f.is_null())
        .then(None)
        .when((r == 5) & (f >= 4))
        .then(pl.lit("champions"))
        .when((r >= 3) & (f >= 4))
        .then(pl.lit("loyal"))
        .when((r >= 4) & (f >= 2))
        .then(pl.lit("potential_loyalist"))
        .when((r == 5) & (f == 1))
        .then(pl.lit("new"))
        .when((r == 4) & (f == 1))
        .then(pl.lit("promising"))
        .when((r == 3) & (f == 3))
        .then(pl.lit("need_attention"))
        .when(r == 3)
        .then(pl.lit("about_to_sleep"))
        .when(f == 5)
        .then(pl.lit("cant_lose"))
        .when(f >= 3)
        .then(pl.lit("at_risk"))
        .otherwise(pl.lit("hibernating"))
    )


_SEGMENT_OF_PAIR: Final = (
    pl.DataFrame({"r": [r for r in range(1, 6) for _ in range(5)], "f": list(range(1, 6)) * 5})
    .select(segment_of(pl.col("r"), pl.col("f")))
    .to_series()
)
"""The segment of R score ``1 + i // 5`` and F score ``1 + i % 5``, for ``i`` in 0–24."""


def rfm_scores(clients: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Return the client table with RFM values, scores and segment (null outside the population).

    Adds ``recency_days``, ``frequency``, ``monetary_cents``, ``r_score``,
    ``f_score``, ``m_score``, ``rfm_score`` (e.g. ``"545"``) and ``rfm_segment``.
    """
    scored = pl.col("active") | pl.col("previously_active")
    recency = (pl.lit(as_of) - pl.col("last_purchase")).dt.total_days()
    frequency = pl.col("purchase_days") + pl.col("previous_purchase_days")
    monetary = pl.col("window_revenue_cents") + pl.col("previous_revenue_cents")
    with_values = clients.with_columns(
        pl.when(scored).then(recency).alias("recency_days"),
        pl.when(scored).then(frequency).alias("frequency"),
        pl.when(scored).then(monetary).alias("monetary_cents"),
    )
    has_population = bool(with_values.select(scored.any()).item())
    if not has_population:
        nothing = pl.lit(None, pl.Int8)
        return with_values.with_columns(
            nothing.alias("r_score"),
            nothing.alias("f_score"),
            nothing.alias("m_score"),
            pl.lit(None, pl.String).alias("rfm_score"),
            pl.lit(None, pl.String).alias("rfm_segment"),
        )
    scores = with_values.with_columns(
        # A recent last purchase is better: rank by the date, not by the days since.
        _score(pl.col("last_purchase"), scored).alias("r_score"),
        _score(pl.col("frequency"), scored).alias("f_score"),
        _score(pl.col("monetary_cents"), scored).alias("m_score"),
    )
    # Scores are digits 1-5: "545" is 5·100 + 4·10 + 5 written out, and the segment of
    # each of the 25 (R, F) pairs is looked up rather than decided client by client.
    digits = pl.col("r_score").cast(pl.Int32) * 100 + pl.col("f_score") * 10 + pl.col("m_score")
    pair = (pl.col("r_score").cast(pl.Int32) - 1) * 5 + pl.col("f_score") - 1
    return scores.with_columns(
        digits.cast(pl.String).alias("rfm_score"),
        pl.lit(_SEGMENT_OF_PAIR).gather(pair).alias("rfm_segment"),
    )


def rfm_summary(scored: pl.DataFrame) -> Rfm:
    """Return the segment sizes and values of a table from :func:`rfm_scores`."""
    population = scored.select(
        "rfm_segment", "window_revenue_cents", "recency_days", "frequency", "monetary_cents"
    ).filter(pl.col("rfm_segment").is_not_null())
    revenue = population["window_revenue_cents"].sum()
    grouped = population.group_by("rfm_segment").agg(
        pl.len().alias("clients"),
        pl.col("window_revenue_cents").sum().alias("revenue_cents"),
        pl.col("recency_days").mean().alias("mean_recency_days"),
        pl.col("frequency").mean().alias("mean_frequency"),
        pl.col("monetary_cents").mean().alias("mean_monetary_cents"),
    )
    every = pl.DataFrame({"segment": list(SEGMENTS), "order": list(range(len(SEGMENTS)))})
    segments = (
        every.join(grouped, left_on="segment", right_on="rfm_segment", how="left")
        .sort("order")
        .with_columns(
            pl.col("clients").fill_null(0).cast(pl.Int64),
            pl.col("revenue_cents").fill_null(0).cast(pl.Int64),
        )
        .select(
            "segment",
            "clients",
            (pl.col("clients") / max(population.height, 1)).alias("client_share"),
            "revenue_cents",
            (pl.col("revenue_cents") / revenue if revenue > 0 else pl.lit(None, pl.Float64)).alias(
                "revenue_share"
            ),
            "mean_recency_days",
            "mean_frequency",
            "mean_monetary_cents",
        )
    )
    return Rfm(population.height, segments)
