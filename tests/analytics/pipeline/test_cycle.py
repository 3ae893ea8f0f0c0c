"""Sales-cycle length and the time to discard (S0.6)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.frames import FrameError
from cartera.analytics.pipeline import sales_cycle


def test_cycle_by_source_as_counted_by_hand(prospects):
    # fair: p1 won after 30 days, p2 dropped after 9; web: p5 won after 59, p6 dropped after 31.
    result = sales_cycle(prospects, by=["source"]).filter(pl.col("source").is_not_null())
    assert result.select(
        "source", "won", "median_days", "lost", "median_days_to_discard"
    ).rows() == [
        ("fair", 1, 30.0, 1, 9.0),
        ("web", 1, 59.0, 1, 31.0),
    ]


def test_cycle_quartiles_over_the_whole_pipeline(prospects):
    more = pl.concat(
        [
            prospects,
            prospects.head(2).with_columns(
                pl.Series("prospect", ["p7", "p8"]),
                pl.Series("stage", ["won", "won"]),
                pl.Series("won_date", [dt.date(2025, 1, 11), dt.date(2025, 4, 11)]),
                pl.Series("client", ["c7", "c8"]),
            ),
        ]
    )
    # Won after 30, 59, 10 and 100 days.
    row = sales_cycle(more).row(0, named=True)
    assert row["won"] == 4
    assert row["mean_days"] == pytest.approx(49.75)
    assert row["median_days"] == pytest.approx(44.5)
    assert row["p25_days"] == pytest.approx(25.0)
    assert row["p75_days"] == pytest.approx(69.25)


def test_a_win_before_creation_is_located(prospects):
    bad = prospects.with_columns(
        pl.when(pl.col("prospect") == "p5")
        .then(dt.date(2024, 1, 1))
        .otherwise("won_date")
        .alias("won_date")
    )
    with pytest.raises(FrameError, match="prospect p5 has won_date 2024-01-01 before its creation"):
        sales_cycle(bad)
