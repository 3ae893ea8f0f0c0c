"""Monthly series with a known trend and seasonal profile, for the forecast tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

PROFILE = (0.6, 0.7, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.1, 1.0, 0.9, 1.2)
"""A retail-like year: slow first quarter, summer and December peaks; sums to 12."""


def months(first: dt.date, count: int) -> list[dt.date]:
    """Return ``count`` month starts from ``first``."""
    index = first.year * 12 + first.month - 1
    return [dt.date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(count)]


def seasonal_truth(
    first: dt.date, count: int, *, level: float, slope: float, profile=PROFILE
) -> np.ndarray:
    """Return the noise-free revenue (cents): (level + slope × t) × index of the month."""
    t = np.arange(count, dtype=np.float64)
    calendar = np.array([m.month - 1 for m in months(first, count)])
    return (level + slope * t) * np.asarray(profile)[calendar]


def seasonal_series(
    series: str,
    first: dt.date,
    count: int,
    *,
    level: float = 10_000_000.0,
    slope: float = 50_000.0,
    noise: float = 0.02,
    seed: int = 0,
    profile=PROFILE,
) -> pl.DataFrame:
    """Return a monthly frame of the truth times log-normal noise of ``noise`` sigma."""
    truth = seasonal_truth(first, count, level=level, slope=slope, profile=profile)
    factor = np.random.default_rng(seed).lognormal(0.0, noise, count) if noise else 1.0
    return pl.DataFrame(
        {
            "series": [series] * count,
            "month": months(first, count),
            "revenue_cents": np.round(truth * factor).astype(np.int64),
        }
    )
