"""Profiles are data: weighted conditions that round-trip and refuse bad input (S4.1)."""

from __future__ import annotations

import pytest

from cartera.analytics.profile import Condition, Profile
from cartera.analytics.rating import PolicyError

PROFILE = Profile(
    "restaurantes",
    (
        Condition("industry", "in", ["food", "hotels"], weight=3),
        Condition("employees", "between", [10, 200], weight=2),
        Condition("region", "eq", "norte"),
        Condition("credit_rating", "gte", 600, group="fit"),
        Condition("service_cost_cents", "lte", 50_000, group="fit", key="cheap_to_serve"),
        Condition("has_terrace", "true"),
    ),
    client_type="restaurant",
    competition_note="Two regional distributors cover the north.",
)


def test_a_profile_round_trips_through_json():
    assert Profile.from_json(PROFILE.to_json()) == PROFILE


def test_keys_default_to_attribute_and_operator():
    assert [c.key for c in PROFILE.conditions] == [
        "industry_in",
        "employees_between",
        "region_eq",
        "credit_rating_gte",
        "cheap_to_serve",
        "has_terrace_true",
    ]


def test_conditions_describe_themselves():
    assert [c.describe() for c in PROFILE.conditions] == [
        "industry in (food, hotels)",
        "employees 10–200",
        "region = norte",
        "credit_rating ≥ 600",
        "service_cost_cents ≤ 50000",
        "has_terrace",
    ]


@pytest.mark.parametrize(
    ("condition", "path", "fragment"),
    [
        ({"attribute": "x", "op": "like", "value": 1}, "conditions[0].op", "unknown operator"),
        ({"attribute": "x", "op": "in", "value": []}, "conditions[0].value", "non-empty list"),
        ({"attribute": "x", "op": "between", "value": [5, 1]}, "conditions[0].value", "above high"),
        ({"attribute": "x", "op": "gte", "value": "ten"}, "conditions[0].value", "finite number"),
        ({"attribute": "x", "op": "true", "value": 1}, "conditions[0].value", "takes no value"),
        ({"attribute": "x", "op": "eq"}, "conditions[0].value", "needs a value"),
        (
            {"attribute": "x", "op": "eq", "value": 1, "weight": 0},
            "conditions[0].weight",
            "positive",
        ),
        (
            {"attribute": "x", "op": "eq", "value": 1, "group": "vibes"},
            "conditions[0].group",
            "demographic",
        ),
        (
            {"attribute": "x", "op": "eq", "value": 1, "colour": "red"},
            "conditions[0].colour",
            "unknown",
        ),
    ],
)
def test_a_bad_condition_is_refused_with_its_path(condition, path, fragment):
    with pytest.raises(PolicyError) as caught:
        Profile.from_dict({"name": "p", "conditions": [condition]})
    assert caught.value.path == path
    assert fragment in str(caught.value)


def test_two_conditions_on_one_attribute_need_their_own_keys():
    with pytest.raises(PolicyError, match="repeated"):
        Profile("p", (Condition("x", "gte", 1), Condition("x", "gte", 5)))
    profile = Profile("p", (Condition("x", "gte", 1), Condition("x", "gte", 5, key="x_big")))
    assert profile.attributes == ("x",)
