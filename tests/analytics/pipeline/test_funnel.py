"""Funnel and stage-to-stage conversion per source and campaign (S0.5, S0.6)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.frames import FrameError
from cartera.analytics.pipeline import conversion_by, funnel, lost_reasons


def test_the_whole_funnel_as_counted_by_hand(prospects):
    # Furthest stage: p1, p5 won (all stages); p2 lost after contacted; p3 qualified;
    # p4 new; p6 lost with no stage recorded (new).
    result = funnel(prospects)
    assert result.select("stage", "reached", "open", "lost_here").rows() == [
        ("new", 6, 1, 1),
        ("contacted", 4, 0, 1),
        ("qualified", 3, 1, 0),
        ("proposal", 2, 0, 0),
        ("won", 2, 2, 0),
    ]
    assert result["conversion"].to_list() == [
        None,
        pytest.approx(4 / 6),
        0.75,
        pytest.approx(2 / 3),
        1.0,
    ]
    assert result["share_of_created"].to_list()[-1] == pytest.approx(1 / 3)


def test_the_funnel_by_source(prospects):
    result = funnel(prospects, by=["source"]).filter(pl.col("source") == "fair")
    assert result["reached"].to_list() == [2, 2, 1, 1, 1]
    assert result["conversion"].to_list() == [None, 1.0, 0.5, 1.0, 1.0]


def test_conversion_by_source_counted_by_hand(prospects):
    # Created by source: web p3, p5, p6; fair p1, p2; none p4. Won: p1 (fair), p5 (web).
    result = conversion_by(funnel(prospects, by=["source"]), "source")
    assert result.rows() == [
        ("web", 3, 1, pytest.approx(1 / 3)),
        ("fair", 2, 1, 0.5),
        (None, 1, 0, 0.0),
    ]


def test_the_stage_history_moves_a_prospect_further(prospects):
    events = pl.DataFrame(
        {
            "prospect": ["p3", "p6"],
            "stage": ["proposal", "qualified"],
            "date": [dt.date(2025, 2, 1)] * 2,
        }
    )
    result = funnel(prospects, events=events)
    assert result["reached"].to_list() == [6, 5, 4, 3, 2]
    assert result["lost_here"].to_list() == [0, 1, 1, 0, 0]


def test_lost_reasons_with_their_share(prospects):
    assert lost_reasons(prospects).rows() == [("bad payer", 1, 0.5), ("no budget", 1, 0.5)]


def test_an_unknown_stage_is_located(prospects):
    bad = prospects.with_columns(
        pl.when(pl.col("prospect") == "p3").then(pl.lit("maybe")).otherwise("stage").alias("stage")
    )
    with pytest.raises(FrameError, match="prospect p3 has unknown stage 'maybe'"):
        funnel(bad)


def test_grouping_by_a_missing_column_is_refused(prospects):
    with pytest.raises(FrameError, match="no column 'region'"):
        funnel(prospects, by=["region"])
