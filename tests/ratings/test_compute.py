"""The frame steps of a rating run, without the database (issue 7; S4.5, S4.1)."""

from __future__ import annotations

import json

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from cartera.analytics.profile import Condition, Profile
from cartera.analytics.rating import Criterion, Flag, Percentile, Ramp, RatingPolicy, rate
from cartera.ratings.compute import change_rows, conform_to_profile, explanation_json


def _frame(rows: list[tuple[int, str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["account_id", "level", "level_rank", "score"], orient="row"
    ).with_columns(pl.col("level_rank").cast(pl.Int32))


def test_level_changes_up_down_new_gone_with_their_scores():
    previous = _frame([(1, "A", 1, 80), (2, "B", 2, 60), (3, "C", 3, 30)])
    current = _frame([(1, "B", 2, 55), (2, "B", 2, 62), (4, "A", 1, 90)])
    changes = change_rows(previous, current, same_scale=True).sort("account_id")
    assert changes.rows() == [
        (1, "down", "A", "B", 80, 55),
        (3, "gone", "C", "", 30, None),
        (4, "new", "", "A", None, 90),
    ]


def test_a_new_scale_is_a_rescaling_not_a_move():
    previous = _frame([(1, "A", 1, 80), (2, "B", 2, 60)])
    current = _frame([(1, "4", 2, 80), (2, "3", 3, 60), (3, "5", 1, 95)])
    changes = change_rows(previous, current, same_scale=False).sort("account_id")
    assert changes.select("account_id", "change").rows() == [(1, "rescaled"), (2, "rescaled"),
                                                            (3, "new")]  # fmt: skip


def test_a_profile_reads_unknown_and_text_attributes_as_it_needs_them():
    accounts = pl.DataFrame({"client": ["1", "2"], "employees": ["12", "n/a"]})
    profile = Profile("p", (Condition("employees", "gte", 10), Condition("terraza", "true")))
    conformed = conform_to_profile(accounts, profile)
    assert conformed["employees"].to_list() == [12.0, None]
    assert conformed["terraza"].dtype == pl.Boolean
    assert conformed["terraza"].null_count() == 2


@settings(max_examples=40, deadline=None)
@given(
    revenue=st.lists(st.integers(0, 10**9), min_size=1, max_size=30),
    weights=st.tuples(st.integers(1, 50), st.integers(1, 50), st.integers(1, 50)),
    late_weight=st.integers(1, 80),
    data=st.data(),
)
def test_the_stored_explanation_adds_up_to_the_score(revenue, weights, late_weight, data):
    """Whatever the policy and the clients, the stored points plus the adjustment give the
    score, and each stored value is the measure the rule read (S4.5: explained)."""
    n = len(revenue)
    features = pl.DataFrame(
        {
            "client": [str(i) for i in range(n)],
            "revenue_cents": revenue,
            "margin_pct": data.draw(st.lists(st.floats(-50, 90), min_size=n, max_size=n)),
            "strategic": data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
            "days_late": data.draw(st.lists(st.none() | st.floats(0, 200), min_size=n, max_size=n)),
        },
        schema_overrides={"days_late": pl.Float64},
    )
    policy = RatingPolicy(
        "p",
        (
            Criterion("revenue", "revenue_cents", weights[0], Percentile()),
            Criterion("margin", "margin_pct", weights[1], Ramp(5, 40)),
            Criterion("strategic", "strategic", weights[2], Flag()),
            Criterion("late", "days_late", late_weight, Ramp(0, 60), effect="penalty"),
        ),
    )
    ratings = rate(features, policy)
    stored = ratings.frame.select(
        "score", "adjustment", explanation_json(ratings).alias("json")
    ).iter_rows()
    for (score, adjustment, text), revenue_cents in zip(stored, revenue, strict=True):
        parts = json.loads(text)
        assert list(parts) == ["revenue", "margin", "strategic", "late"]
        assert sum(points for _value, _fraction, points in parts.values()) + adjustment == score
        assert parts["revenue"][0] == revenue_cents
