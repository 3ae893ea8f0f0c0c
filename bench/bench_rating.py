"""Rating 100,000 clients with the default policy (issue 7, point 3: ≤ 5 s).

The task timed is the whole rating from sales lines in memory: client features (one
pass over the lines, plus payment behaviour and attributes joined), the score of every
criterion in whole points, the level, and the short explanation text of every client.
The same task is run, on the same data in the same process, by

* ``cartera.analytics.rating`` (Polars, lazy features, numpy for the points);
* pandas, written the straightforward way a notebook would: ``groupby().agg``,
  ``rank``, ``clip``, and the texts built from a long frame joined per client.

Every run checks that both give the same score, level and text for every client before
writing the result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import numpy as np
import pandas as pd
import polars as pl

from bench._common import best_of, peak_rss_mb, write_result
from bench.generate_portfolio import ensure_portfolio
from cartera.analytics.rating import (
    client_features,
    default_policy,
    explanation_frame,
    explanation_texts,
    rate,
)

AS_OF: Final = dt.date(2025, 12, 31)
MINUS: Final = "\u2212"


def inputs(n_clients: int, n_lines: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return sales lines, payment behaviour and attributes for ``n_clients`` clients."""
    sales = pl.read_parquet(ensure_portfolio(n_clients, n_lines))
    clients = sales["client"].unique().sort()
    rng = np.random.default_rng(7)
    n = clients.len()
    # One client in five has no receivables record; days late skewed, most near 0.
    late = np.round(np.clip(rng.normal(8, 20, n), 0, None), 1)
    payments = pl.DataFrame(
        {"client": clients, "days_late": np.where(rng.random(n) < 0.2, np.nan, late)}
    ).with_columns(pl.col("days_late").fill_nan(None))
    attributes = pl.DataFrame(
        {
            "client": clients,
            "icp_fit": rng.integers(0, 101, n).astype(np.float64),
            "strategic": rng.random(n) < 0.05,
        }
    )
    return sales, payments, attributes


def ours(sales: pl.DataFrame, payments: pl.DataFrame, attributes: pl.DataFrame) -> pl.DataFrame:
    """Return client, score, level and text with cartera.analytics.rating."""
    features = client_features(sales, as_of=AS_OF, payments=payments, attributes=attributes)
    ratings = rate(features, default_policy())
    texts = explanation_texts(ratings)
    return ratings.frame.select("client", "score", "level").with_columns(texts["text"])


# --- the pandas peer -------------------------------------------------------------------


def _half_up(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _whole_points(raw: np.ndarray) -> np.ndarray:
    raw = np.round(raw, 9)
    floors = np.floor(raw)
    missing = _half_up(raw.sum(axis=1)) - floors.sum(axis=1)
    order = np.argsort(-(raw - floors), axis=1, kind="stable")
    position = np.argsort(order, axis=1, kind="stable")
    return (floors + (position < missing[:, None])).astype(np.int64)


def _ramp(values: pd.Series, start: float, full: float) -> pd.Series:
    return ((values - start) / (full - start)).clip(0, 1)


def _ordinal(numbers: pd.Series) -> pd.Series:
    last_two, last = numbers % 100, numbers % 10
    suffix = np.select(
        [last_two.between(11, 13), last == 1, last == 2, last == 3],
        ["th", "st", "nd", "rd"],
        "th",
    )
    return numbers.astype(str) + suffix


def _signed(points: pd.Series) -> pd.Series:
    return np.where(points < 0, MINUS, "+") + points.abs().astype(str)


def peer(sales: pd.DataFrame, payments: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """Return client, score, level and text with pandas (same policy, same rounding)."""
    as_of = pd.Timestamp(AS_OF)
    start, previous_start = as_of - pd.Timedelta(days=365), as_of - pd.Timedelta(days=730)
    lines = sales[sales["date"] <= as_of]
    in_window = lines["date"] > start
    in_previous = (lines["date"] > previous_start) & ~in_window
    costed = in_window & lines["cost_cents"].notna()
    parts = pd.DataFrame(
        {
            "client": lines["client"],
            "revenue": lines["amount_cents"].where(in_window, 0),
            "previous": lines["amount_cents"].where(in_previous, 0),
            "costed": lines["amount_cents"].where(costed, 0),
            "cost": lines["cost_cents"].where(costed, 0),
            "date": lines["date"],
        }
    )
    f = parts.groupby("client", sort=True).agg(
        revenue=("revenue", "sum"),
        previous=("previous", "sum"),
        costed=("costed", "sum"),
        cost=("cost", "sum"),
        first=("date", "min"),
    )
    window = lines[in_window]
    months = window["date"].dt.to_period("M").rename("month")
    f["months"] = (
        pd.concat([window["client"], months], axis=1)
        .groupby("client")["month"]
        .nunique()
        .reindex(f.index, fill_value=0)
    )
    f["margin_pct"] = ((f["costed"] - f["cost"]) / f["costed"] * 100).where(f["costed"] > 0)
    f["growth_pct"] = ((f["revenue"] - f["previous"]) / f["previous"] * 100).where(
        f["previous"] > 0
    )
    f["tenure_years"] = (as_of - f["first"]).dt.days / 365.25
    f = f.join(payments.set_index("client")).join(attributes.set_index("client"))

    n = len(f)
    criteria = {
        # key: (fraction earned, signed max points) as in the default policy
        "revenue": ((f["revenue"].rank(method="min") - 1) / (n - 1), 35),
        "margin": (_ramp(f["margin_pct"], 5, 40).fillna(0.0), 15),
        "recurrence": (_ramp(f["months"], 1, 10).fillna(0.0), 15),
        "growth": (_ramp(f["growth_pct"], -20, 20).fillna(0.5), 10),
        "tenure": (_ramp(f["tenure_years"], 0, 5).fillna(0.0), 5),
        "fit": (_ramp(f["icp_fit"], 0, 100).fillna(0.0), 10),
        "strategic": ((f["strategic"] == True).astype(float), 10),  # noqa: E712
        "payment": (_ramp(f["days_late"], 0, 60).fillna(0.0), -15),
    }
    raw = np.column_stack([fraction.to_numpy() * weight for fraction, weight in criteria.values()])
    points = pd.DataFrame(_whole_points(raw), index=f.index, columns=list(criteria))
    total = points.sum(axis=1)
    score = total.clip(0, 100)
    level = pd.Series(
        np.select([score >= 75, score >= 50, score >= 25], ["A", "B", "C"], "D"), index=f.index
    )

    def shown(values: pd.Series, decimals: int = 0) -> pd.Series:
        rounded = np.sign(values) * np.floor(np.abs(values) * 10**decimals + 0.5) / 10**decimals
        return rounded.astype("Int64").astype(str) if decimals == 0 else rounded.astype(str)

    def known(text: pd.Series, values: pd.Series, label: str) -> pd.Series:
        return text.where(values.notna(), f"{label}: no data")

    percentile = _half_up(criteria["revenue"][0] * 100).astype(int)
    pieces = {
        "revenue": "revenue " + _ordinal(percentile) + " percentile",
        "margin": known("margin " + shown(f["margin_pct"]) + "%", f["margin_pct"], "margin"),
        "recurrence": "recurrence " + shown(f["months"].astype(float)) + " active months",
        "growth": known("growth " + shown(f["growth_pct"]) + "%", f["growth_pct"], "growth"),
        "tenure": "tenure " + shown(f["tenure_years"], 1) + " years",
        "fit": known("ideal client fit " + shown(f["icp_fit"]), f["icp_fit"], "ideal client fit"),
        "strategic": known(pd.Series("strategic", index=f.index), f["strategic"], "strategic"),
        "payment": known("pays " + shown(f["days_late"]) + " days late", f["days_late"], "payment"),
    }
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "order": -points[key].abs(),
                    "position": position,
                    "text": pieces[key] + " " + _signed(points[key]),
                    "points": points[key],
                }
            )
            for position, key in enumerate(criteria)
        ]
        + [
            pd.DataFrame(
                {
                    "order": -(score - total).abs(),
                    "position": len(criteria),
                    "text": "kept within 0–100 " + _signed(score - total),
                    "points": score - total,
                }
            )
        ]
    )
    long = long[long["points"] != 0].rename_axis("client").reset_index()
    reasons = (
        long.sort_values(["client", "order", "position"])
        .groupby("client", sort=True)["text"]
        .agg(", ".join)
        .reindex(f.index, fill_value="no points")
    )
    return pd.DataFrame(
        {"score": score, "level": level, "text": level + ": " + reasons}
    ).reset_index()


# --- the run ---------------------------------------------------------------------------


def _agree(mine: pl.DataFrame, theirs: pd.DataFrame) -> dict[str, int]:
    other = pl.from_pandas(theirs).select(
        pl.col("client").cast(pl.String),
        pl.col("score").cast(pl.Int64).alias("score_peer"),
        pl.col("level").alias("level_peer"),
        pl.col("text").alias("text_peer"),
    )
    both = mine.join(other, on="client", how="full", coalesce=True)
    return {
        "clients": both.height,
        "score_differs": int((both["score"] != both["score_peer"]).fill_null(True).sum()),
        "level_differs": int((both["level"] != both["level_peer"]).fill_null(True).sum()),
        "text_differs": int((both["text"] != both["text_peer"]).fill_null(True).sum()),
    }


def run(quick: bool) -> dict[str, Any]:
    """Time the rating of all clients, ours and pandas', and write bench/results/rating.json."""
    n_clients, n_lines = (10_000, 200_000) if quick else (100_000, 2_000_000)
    sales, payments, attributes = inputs(n_clients, n_lines)
    sales_pd = sales.select("client", "date", "amount_cents", "cost_cents").to_pandas()
    sales_pd["date"] = pd.to_datetime(sales_pd["date"])
    payments_pd, attributes_pd = payments.to_pandas(), attributes.to_pandas()

    our_seconds, mine = best_of(lambda: ours(sales, payments, attributes), repeat=3)
    peer_seconds, theirs = best_of(lambda: peer(sales_pd, payments_pd, attributes_pd), repeat=2)
    agreement = _agree(mine, theirs)
    if agreement["score_differs"] or agreement["level_differs"] or agreement["text_differs"]:
        raise AssertionError(f"cartera and pandas disagree: {agreement}")

    ratings = rate(
        client_features(sales, as_of=AS_OF, payments=payments, attributes=attributes),
        default_policy(),
    )
    frame_seconds, _ = best_of(lambda: explanation_frame(ratings), repeat=3)
    levels = dict(mine["level"].value_counts().sort("level").iter_rows())
    return write_result(
        "rating",
        {
            "task": "features + default-policy scores + level + explanation text, per client",
            "budget_seconds": 5.0,
            "data": {
                "clients": n_clients,
                "sales_lines": n_lines,
                "payment_records": payments["days_late"].count(),
                "as_of": AS_OF,
            },
            "ours": {"library": "cartera.analytics.rating (polars)", "seconds": our_seconds},
            "peer": {"library": f"pandas {pd.__version__}", "seconds": peer_seconds},
            "ratio_peer_over_ours": peer_seconds / our_seconds,
            "within_budget": our_seconds <= 5.0,
            "extra": {"explanation_frame_long_seconds": frame_seconds},
            "agreement": agreement,
            "levels": levels,
            "peak_rss_mb": peak_rss_mb(),
        },
    )
