"""Every rating is explained: value, points and weight per criterion, and a short text (S4.5)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.rating import (
    Criterion,
    Ramp,
    RatingPolicy,
    client_features,
    default_policy,
    explain,
    explanation_frame,
    explanation_texts,
    rate,
)

D = dt.date


@pytest.fixture(scope="module")
def ratings():
    sales = pl.DataFrame(
        {
            "client": ["a", "a", "b", "c", "c", "c"],
            "date": [
                D(2025, 3, 1),
                D(2025, 9, 1),
                D(2025, 6, 1),
                D(2024, 6, 1),
                D(2025, 1, 5),
                D(2025, 11, 1),
            ],
            "amount": [100.0, 200.0, 50.0, 300.0, 400.0, 10.0],
            "cost": [60.0, 100.0, None, 200.0, 200.0, 5.0],
        }
    )
    features = client_features(
        sales,
        as_of=D(2025, 12, 31),
        payments=pl.DataFrame({"client": ["a", "c"], "days_late": [34.0, 0.0]}),
        attributes=pl.DataFrame(
            {"client": ["a", "b"], "strategic": [True, False], "icp_fit": [80, 20]}
        ),
    )
    return rate(features, default_policy())


def test_the_structured_explanation_lists_value_points_and_weight(ratings):
    explanation = explain(ratings, "a")
    # revenue: percentile 50 -> 17.5; margin 46.7 % >= 40 -> 15; recurrence 2 months on the
    # 1 -> 10 ramp -> 1.67; growth unknown -> half of 10; tenure 0.835 y of 5 -> 0.835;
    # fit 80 -> 8; strategic 10; 34 days late of 60 -> -8.5. Sum 49.5 -> 50.
    table = [(i.criterion, i.value, i.points, i.weight) for i in explanation.items]
    assert table == [
        ("revenue", 30_000.0, 18, 35.0),
        ("margin", pytest.approx(46.6667, abs=1e-4), 15, 15.0),
        ("recurrence", 2.0, 2, 15.0),
        ("growth", None, 5, 10.0),
        ("tenure", pytest.approx(0.835, abs=1e-3), 1, 5.0),
        ("fit", 80.0, 8, 10.0),
        ("strategic", 1.0, 10, 10.0),
        ("payment", 34.0, -9, 15.0),
    ]
    assert (explanation.score, explanation.level, explanation.adjustment) == (50, "B", 0)
    assert explanation.total == 50


def test_the_short_text_orders_reasons_by_weight_and_skips_nothing_earned(ratings):
    texts = dict(explanation_texts(ratings).iter_rows())
    assert texts["a"] == (
        "B: revenue 50th percentile +18, margin 47% +15, strategic +10, pays 34 days late −9, "
        "ideal client fit 80 +8, growth: no data +5, recurrence 2 active months +2, "
        "tenure 0.8 years +1"
    )
    assert texts["b"] == "D: growth: no data +5, ideal client fit 20 +2, tenure 0.6 years +1"


def test_the_text_can_be_limited_and_restricted(ratings):
    texts = explanation_texts(ratings, limit=2, clients=["c"])
    assert texts.rows() == [("c", "B: revenue 100th percentile +35, margin 50% +15")]


def test_the_text_goes_through_the_translation_function(ratings):
    spanish = {
        "{level}: {reasons}": "{level} — {reasons}",
        "{label} {ordinal} percentile": "{label} percentil {value}",
        "revenue": "ventas",
        "margin": "margen",
    }
    texts = explanation_texts(
        ratings, translate=lambda s: spanish.get(s, s), limit=2, clients=["c"]
    )
    assert texts["text"].to_list() == ["B — ventas percentil 100 +35, margen 50% +15"]


def test_numbers_are_written_by_the_number_format_given(ratings):
    calls = []

    def comma(value: float, decimals: int) -> str:
        calls.append((value, decimals))
        return f"{value:.{decimals}f}".replace(".", ",")

    texts = dict(explanation_texts(ratings, format_number=comma).iter_rows())
    assert texts["b"] == "D: growth: no data +5, ideal client fit 20 +2, tenure 0,6 years +1"
    # With the decimals its measure shows: tenure in years with one.
    assert (0.6, 1) in calls
    assert (20, 0) in calls


def test_english_ordinals():
    features = pl.DataFrame({"client": [f"k{i:03}" for i in range(101)], "v": list(range(101))})
    policy = RatingPolicy("o", (Criterion("v", "v", 1, Ramp(0, 100), template="{ordinal}"),))
    texts = dict(explanation_texts(rate(features, policy)).iter_rows())
    shown = [
        texts[f"k{i:03}"].split(": ")[1].split(" ")[0]
        for i in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 100)
    ]
    assert shown == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "100th",
    ]


def test_the_long_frame_has_one_row_per_client_and_criterion_and_adds_up(ratings):
    long = explanation_frame(ratings)
    assert long.height == 3 * 8
    totals = long.group_by("client").agg(pl.col("points").sum()).sort("client")
    scores = ratings.frame.select(
        "client", (pl.col("score") - pl.col("adjustment")).alias("points")
    )
    assert totals.rows() == scores.sort("client").rows()


def test_explaining_an_unknown_client_is_a_key_error(ratings):
    with pytest.raises(KeyError):
        explain(ratings, "nobody")


def test_a_client_with_no_points_and_one_kept_at_zero_say_so():
    features = pl.DataFrame({"client": ["a", "b"], "x": [0, 0], "late": [0, 90]})
    policy = RatingPolicy(
        "p",
        (
            Criterion("x", "x", 60, Ramp(0, 100)),
            Criterion(
                "late", "late", 40, Ramp(0, 60), effect="penalty", template="{value} days late"
            ),
        ),
    )
    texts = explanation_texts(rate(features, policy))
    assert texts["text"].to_list() == ["D: no points", "D: 90 days late −67, kept within 0–100 +67"]
