"""Acquisition cost per campaign and source, against first-year revenue (S1.4)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.frames import FrameError
from cartera.analytics.pipeline import acquisition_cost

D = dt.date


@pytest.fixture
def sales() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "client": ["c1", "c1", "c5", "c5", "c5"],
            "date": [D(2025, 2, 1), D(2026, 2, 1), D(2025, 4, 1), D(2025, 5, 1), D(2025, 2, 1)],
            "amount": [500.0, 100.0, 200.0, 10.0, 7.0],
        }
    )


def test_cac_per_campaign_with_first_year_revenue(prospects, campaigns, sales):
    result = acquisition_cost(prospects, campaigns, sales=sales, as_of=D(2026, 6, 1))
    # f1: 1,000.00 for one client (c1, won 31 Jan 2025: 500.00 in its first year; the
    # sale of 1 Feb 2026 is after it). w1: 300.00 for c5 (won 1 Mar 2025: 200 + 10; the
    # sale before the win does not count). x9 won nothing. No campaign: cost 0.
    assert result.select(
        "campaign", "cost_cents", "prospects", "won", "cac_cents", "first_year_revenue_cents"
    ).rows() == [
        ("f1", 100_000, 3, 1, 100_000, 50_000),
        ("w1", 30_000, 2, 1, 30_000, 21_000),
        ("x9", 5_000, 0, 0, None, 0),
        (None, 0, 1, 0, None, 0),
    ]
    assert result["cac_to_first_year"].to_list()[:2] == [2.0, pytest.approx(30 / 21)]


def test_a_first_year_not_yet_over_is_not_counted(prospects, campaigns, sales):
    result = acquisition_cost(prospects, campaigns, sales=sales, as_of=D(2026, 2, 15))
    # c1's first year ended 31 Jan 2026; c5's ends 1 Mar 2026.
    assert result.select("campaign", "clients_full_year").rows()[:2] == [("f1", 1), ("w1", 0)]


def test_cac_per_source_takes_the_campaign_source_when_the_prospect_has_none(prospects, campaigns):
    result = acquisition_cost(prospects, campaigns, by="source")
    # p4 has no source but came from f1 (a fair): fair has 3 prospects.
    assert result.select("source", "cost_cents", "prospects", "won", "cac_cents").rows() == [
        ("fair", 100_000, 3, 1, 100_000),
        ("web", 30_000, 3, 1, 30_000),
        ("event", 5_000, 0, 0, None),
    ]


def test_cac_is_rounded_half_up_to_the_cent(prospects):
    campaigns = pl.DataFrame({"campaign": ["f1", "w1"], "cost_cents": [5, 100_001]})
    won = prospects.with_columns(pl.lit("won").alias("stage"))
    # f1: 5 cents over 3 wins = 1.67 -> 2; w1: 100,001 over 2 = 50,000.5 -> 50,001.
    result = acquisition_cost(won, campaigns).filter(pl.col("campaign").is_not_null())
    assert result.select("campaign", "cac_cents").rows() == [("w1", 50_001), ("f1", 2)]


def test_a_negative_cost_is_refused(prospects):
    with pytest.raises(FrameError, match="campaign f1 has a negative cost"):
        acquisition_cost(prospects, pl.DataFrame({"campaign": ["f1"], "cost": [-1.0]}))


def test_first_year_revenue_needs_a_date(prospects, campaigns, sales):
    with pytest.raises(ValueError, match="as_of"):
        acquisition_cost(prospects, campaigns, sales=sales)
