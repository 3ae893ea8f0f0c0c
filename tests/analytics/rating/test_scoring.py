"""Scores computed by hand; a policy change changes ratings as computed by hand (S4.5, S2.4)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartera.analytics.rating import (
    ABCD,
    ONE_TO_TEN,
    STARS,
    Bands,
    Criterion,
    Flag,
    Level,
    Levels,
    Percentile,
    PolicyError,
    Ramp,
    RatingPolicy,
    Steps,
    default_policy,
    explain,
    rate,
)

FEATURES = pl.DataFrame(
    {
        "client": ["a", "b", "c", "d"],
        "revenue_cents": [100, 300, 300, 0],
        "margin_pct": [30.0, 10.0, 20.0, None],
    }
)


def _policy(revenue: float, margin: float, scale: Levels | Bands = ABCD) -> RatingPolicy:
    return RatingPolicy(
        "test",
        (
            Criterion("revenue", "revenue_cents", revenue, Percentile()),
            Criterion("margin", "margin_pct", margin, Ramp(10, 30)),
        ),
        scale=scale,
    )


def _table(policy: RatingPolicy) -> list[tuple[str, int, str, int, int]]:
    frame = rate(FEATURES, policy).frame
    return list(
        frame.select("client", "score", "level", "points__revenue", "points__margin").iter_rows()
    )


def test_scores_and_levels_as_computed_by_hand():
    # Revenue percentile (share of the others strictly below): d 0, a 1/3, b and c 2/3.
    # Margin ramp 10 -> 30 %: a 1, b 0, c 0.5, d unknown (missing: 0).
    # a: 60/3 + 40 = 60 (B); b: 40 (C); c: 40 + 20 = 60 (B); d: 0 (D).
    assert _table(_policy(60, 40)) == [
        ("a", 60, "B", 20, 40),
        ("b", 40, "C", 40, 0),
        ("c", 60, "B", 40, 20),
        ("d", 0, "D", 0, 0),
    ]


def test_a_change_of_weights_changes_the_ratings_as_computed_by_hand():
    # Revenue 20, margin 80. a: 6.667 + 80 = 86.667 -> 87 (A), revenue gets the unit
    # missing from the floors; b: 13.333 -> 13 (D); c: 13.333 + 40 = 53.333 -> 53 (B).
    assert _table(_policy(20, 80)) == [
        ("a", 87, "A", 7, 80),
        ("b", 13, "D", 13, 0),
        ("c", 53, "B", 13, 40),
        ("d", 0, "D", 0, 0),
    ]


def test_a_change_of_thresholds_changes_the_levels_only():
    scale = Levels((Level("A", 60), Level("B", 40), Level("C", 1), Level("D", 0)))
    levels = rate(FEATURES, _policy(60, 40, scale)).frame["level"].to_list()
    assert levels == ["A", "B", "A", "D"]


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        # Stars: six bands of 100/6 points; 1-10: ten bands of 10 points.
        (STARS, ["0", "0", "1", "3", "4", "5", "5"]),
        (ONE_TO_TEN, ["1", "2", "2", "6", "9", "9", "10"]),
    ],
)
def test_numeric_scales_cut_the_score_in_equal_bands(scale, expected):
    features = pl.DataFrame({"client": list("abcdefg"), "x": [0, 16, 17, 50, 83, 84, 100]})
    policy = RatingPolicy("x", (Criterion("x", "x", 1, Ramp(0, 100)),), scale=scale)
    assert rate(features, policy).frame["level"].to_list() == expected


def test_steps_and_flags_score_as_written():
    features = pl.DataFrame(
        {"client": list("abcd"), "months": [0, 3, 7, None], "vip": [True, False, None, True]}
    )
    policy = RatingPolicy(
        "s",
        (
            Criterion("months", "months", 50, Steps(((3, 0.5), (6, 1.0)), below=0.1), missing=0.2),
            Criterion("vip", "vip", 50, Flag(True)),
        ),
    )
    frame = rate(features, policy).frame
    assert frame["points__months"].to_list() == [5, 25, 50, 10]
    assert frame["points__vip"].to_list() == [50, 0, 0, 50]


def test_lower_is_better_percentile():
    features = pl.DataFrame({"client": list("abc"), "days": [1, 10, 100]})
    policy = RatingPolicy("l", (Criterion("d", "days", 1, Percentile("lower")),))
    assert rate(features, policy).frame["score"].to_list() == [100, 50, 0]


def test_a_penalty_below_zero_is_kept_at_zero_with_an_explicit_adjustment():
    features = pl.DataFrame({"client": ["a", "b"], "x": [0, 100], "late": [90, 0]})
    policy = RatingPolicy(
        "p",
        (
            Criterion("x", "x", 60, Ramp(0, 100)),
            Criterion("late", "late", 40, Ramp(0, 60), effect="penalty"),
        ),
    )
    ratings = rate(features, policy)
    # Rewards scale to 100 (x: 100 points), the penalty to 40 * 100/60 = 66.67 points.
    assert ratings.frame.select(
        "client", "score", "adjustment", "points__x", "points__late"
    ).rows() == [
        ("a", 0, 67, 0, -67),
        ("b", 100, 0, 100, 0),
    ]
    assert explain(ratings, "a").total == 0


def test_criteria_without_any_data_drop_out_and_the_rest_is_rescaled():
    features = pl.DataFrame(
        {
            "client": ["a", "b"],
            "revenue_cents": [10, 20],
            "active_months": [10, 1],
            "growth_pct": [20.0, None],
            "tenure_years": [5.0, 0.0],
        }
    )
    ratings = rate(features, default_policy())
    assert ratings.dropped == ("margin", "fit", "strategic", "payment")
    # Remaining rewards 35 + 15 + 10 + 5 = 65: revenue 53.85, recurrence 23.08, growth 15.38,
    # tenure 7.69. a earns everything but the revenue percentile (0): 46.15 -> 46.
    # b: revenue 53.85 + growth unknown (half: 7.69) = 61.54 -> 62.
    assert [round(a.max_points, 2) for a in ratings.applied] == [53.85, 23.08, 15.38, 7.69]
    assert ratings.frame["score"].to_list() == [46, 62]


def test_an_unknown_measure_is_located():
    policy = RatingPolicy("p", (Criterion("x", "no_such_column", 1, Ramp(0, 1)),))
    with pytest.raises(PolicyError) as caught:
        rate(FEATURES, policy)
    assert caught.value.path == "criteria[0].measure"


def test_a_text_measure_is_refused():
    features = FEATURES.with_columns(pl.lit("x").alias("industry"))
    policy = RatingPolicy("p", (Criterion("i", "industry", 1, Ramp(0, 1)),))
    with pytest.raises(PolicyError, match="not a number"):
        rate(features, policy)


rules = st.one_of(
    st.builds(Percentile, st.sampled_from(["higher", "lower"])),
    st.tuples(st.integers(-50, 50), st.integers(-50, 50))
    .filter(lambda t: t[0] != t[1])
    .map(lambda t: Ramp(*t)),
    st.builds(Steps, st.just(((-10.0, 0.3), (0.0, 0.6), (25.0, 1.0))), st.floats(0, 1)),
)
policies = st.lists(
    st.tuples(st.floats(0.5, 40), rules, st.booleans(), st.floats(0, 1)), min_size=1, max_size=6
).map(
    lambda items: RatingPolicy(
        "h",
        tuple(
            Criterion(
                f"c{i}",
                f"m{i}",
                weight,
                rule,
                effect="penalty" if penalty and i > 0 else "reward",
                missing=missing,
            )
            for i, (weight, rule, penalty, missing) in enumerate(items)
        ),
    )
)
values = st.one_of(st.none(), st.just(float("nan")), st.floats(-100, 100))


@settings(max_examples=60, deadline=None)
@given(policies, st.data())
def test_explanations_add_up_to_the_score(policy, data):
    rows = data.draw(st.integers(1, 12))
    columns = {
        f"m{i}": data.draw(st.lists(values, min_size=rows, max_size=rows))
        for i in range(len(policy.criteria))
    }
    features = pl.DataFrame(
        {"client": [f"k{r}" for r in range(rows)], **columns},
        schema={"client": pl.String, **dict.fromkeys(columns, pl.Float64)},
    )
    ratings = rate(features, policy)
    frame = ratings.frame
    points = frame.select(pl.sum_horizontal(pl.col("^points__.*$"))).to_series()
    assert (points + frame["adjustment"]).to_list() == frame["score"].to_list()
    assert frame["score"].is_between(0, 100).all()
    for applied in ratings.applied:
        sign = 1 if applied.effect == "reward" else -1
        raw = frame[f"fraction__{applied.key}"] * applied.max_points * sign
        assert ((frame[f"points__{applied.key}"] - raw).abs() < 1 + 1e-9).all()
    client = frame["client"][0]
    explanation = explain(ratings, client)
    assert explanation.total == explanation.score
