"""The rating policy is data: it round-trips and refuses bad input with a located message (S4.5)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
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
)


def test_default_policy_round_trips_through_json():
    policy = default_policy()
    assert RatingPolicy.from_json(policy.to_json()) == policy


def test_default_policy_rewards_add_up_to_100_and_penalises_late_payment():
    policy = default_policy()
    rewards = sum(c.weight for c in policy.criteria if c.effect == "reward")
    penalties = [(c.key, c.measure, c.weight) for c in policy.criteria if c.effect == "penalty"]
    assert rewards == 100
    assert penalties == [("payment", "days_late", 15)]
    assert policy.scale == ABCD


def test_a_policy_written_by_hand_is_read():
    policy = RatingPolicy.from_dict(
        {
            "name": "mayoristas",
            "window_days": 180,
            "criteria": [
                {
                    "key": "ventas",
                    "measure": "revenue_cents",
                    "weight": 3,
                    "rule": {"kind": "percentile"},
                },
                {
                    "key": "meses",
                    "measure": "active_months",
                    "weight": 1,
                    "rule": {"kind": "steps", "steps": [[3, 0.5], [6, 1]]},
                },
            ],
            "scale": {"kind": "bands", "low": 1, "high": 10},
        }
    )
    assert policy.window_days == 180
    assert policy.criteria[0].rule == Percentile("higher")
    assert policy.criteria[1].rule == Steps(((3.0, 0.5), (6.0, 1.0)))
    assert policy.criteria[1].label == "meses"
    assert policy.scale == ONE_TO_TEN


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (lambda d: d["criteria"][1].update(weight=-2), "criteria[1].weight", "positive"),
        (lambda d: d["criteria"][0]["rule"].update(kind="magic"), "criteria[0].rule.kind", "magic"),
        (lambda d: d["criteria"][1]["rule"].update(full=5), "criteria[1].rule.full", "differ"),
        (lambda d: d["criteria"][2].update(wieght=1), "criteria[2].wieght", "unknown field"),
        (lambda d: d["criteria"][3].update(key="Growth!"), "criteria[3].key", "lower case"),
        (lambda d: d["criteria"][4].update(missing=2), "criteria[4].missing", "between 0 and 1"),
        (lambda d: d["criteria"].append(dict(d["criteria"][0])), "criteria[8].key", "repeated"),
        (
            lambda d: d["scale"]["levels"][1].update(min_score=80),
            "scale.levels[1].min_score",
            "decrease",
        ),
        (
            lambda d: d["scale"]["levels"][3].update(min_score=5),
            "scale.levels[3].min_score",
            "start at 0",
        ),
        (lambda d: d.update(window_days=0), "window_days", "positive"),
        (lambda d: d.pop("criteria"), "criteria", "required"),
    ],
)
def test_an_invalid_policy_is_refused_with_the_path_of_the_field(change, path, fragment):
    data = json.loads(default_policy().to_json())
    change(data)
    with pytest.raises(PolicyError) as caught:
        RatingPolicy.from_dict(data)
    assert caught.value.path == path
    assert fragment in str(caught.value)


def test_a_policy_of_penalties_only_is_refused():
    with pytest.raises(PolicyError, match="reward"):
        RatingPolicy("p", (Criterion("late", "days_late", 1, Ramp(0, 30), effect="penalty"),))


def test_steps_must_increase():
    with pytest.raises(PolicyError) as caught:
        Steps(((10, 0.5), (5, 1.0)))
    assert caught.value.path == "steps[1][0]"


def test_broken_json_is_a_policy_error():
    with pytest.raises(PolicyError, match="not valid JSON"):
        RatingPolicy.from_json("{")


def test_scales_list_their_labels_best_first():
    assert ABCD.labels == ("A", "B", "C", "D")
    assert STARS.labels == ("5", "4", "3", "2", "1", "0")
    assert Bands(1, 5).labels == ("5", "4", "3", "2", "1")


rules = st.one_of(
    st.builds(Percentile, st.sampled_from(["higher", "lower"])),
    st.tuples(st.integers(-100, 100), st.integers(1, 50)).map(lambda t: Ramp(t[0], t[0] + t[1])),
    st.lists(st.floats(0, 1), min_size=1, max_size=4).map(
        lambda fs: Steps(tuple((float(i * 10), f) for i, f in enumerate(fs)))
    ),
    st.builds(Flag, st.booleans()),
)
criteria = st.lists(
    st.tuples(st.integers(1, 50), rules, st.sampled_from(["reward", "penalty"]), st.floats(0, 1)),
    min_size=1,
    max_size=6,
)
scales = st.one_of(
    st.just(ABCD),
    st.just(STARS),
    st.integers(0, 20).map(lambda low: Bands(low, low + 9)),
    st.lists(st.integers(1, 100), min_size=1, max_size=5, unique=True).map(
        lambda cuts: Levels(
            tuple(Level(f"L{i}", m) for i, m in enumerate([*sorted(cuts, reverse=True), 0]))
        )
    ),
)


@given(criteria, scales, st.integers(1, 1000))
def test_any_valid_policy_round_trips(items, scale, window):
    built = tuple(
        Criterion(f"c{i}", f"m{i}", w, rule, effect="reward" if i == 0 else effect, missing=missing)
        for i, (w, rule, effect, missing) in enumerate(items)
    )
    policy = RatingPolicy("p", built, scale=scale, window_days=window)
    assert RatingPolicy.from_json(policy.to_json()) == policy
