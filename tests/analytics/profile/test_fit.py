"""Fit score 0–100 per account, explained per condition; market reality (S4.1, S4.2, S0.2)."""

from __future__ import annotations

import polars as pl
import pytest

from cartera.analytics.profile import (
    Condition,
    Profile,
    best_fit,
    explain_fit,
    fit_scores,
    market_reality,
)
from cartera.analytics.rating import PolicyError

ACCOUNTS = pl.DataFrame(
    {
        "account": ["a", "b", "c", "d", "e"],
        "industry": ["food", "food", "retail", None, "hotels"],
        "employees": [50, 5, 50, 20, 300],
        "region": ["norte", "sur", "norte", "norte", "norte"],
        "is_client": [True, True, False, False, False],
    }
)
WEIGHTED = Profile(
    "w",
    (
        Condition("industry", "in", ["food", "hotels"], weight=2),
        Condition("employees", "between", [10, 200]),
        Condition("region", "eq", "norte"),
    ),
)


def test_fit_is_the_weighted_share_of_conditions_met():
    scores = fit_scores(ACCOUNTS, WEIGHTED).frame
    # Max points 50 / 25 / 25. a meets all; b the industry; c size and region;
    # d size and region (industry unknown); e industry and region (too big).
    assert scores.select("account", "fit").rows() == [
        ("a", 100),
        ("b", 50),
        ("c", 50),
        ("d", 50),
        ("e", 75),
    ]
    assert scores["met__industry_in"].to_list() == [True, True, False, None, True]


def test_thirds_still_add_up_to_the_fit():
    equal = Profile("e", tuple(Condition(c.attribute, c.op, c.value) for c in WEIGHTED.conditions))
    scores = fit_scores(ACCOUNTS, equal).frame
    assert scores.select(
        "fit", "points__industry_in", "points__employees_between", "points__region_eq"
    ).rows() == [
        (100, 34, 33, 33),
        (33, 33, 0, 0),
        (67, 0, 34, 33),
        (67, 0, 34, 33),
        (67, 34, 0, 33),
    ]


def test_the_explanation_names_value_and_outcome_of_each_condition():
    explanation = explain_fit(fit_scores(ACCOUNTS, WEIGHTED), ACCOUNTS, "d")
    assert [(i.description, i.value, i.met, i.points) for i in explanation.items] == [
        ("industry in (food, hotels)", None, None, 0),
        ("employees 10–200", 20, True, 25),
        ("region = norte", "norte", True, 25),
    ]
    assert explanation.fit == sum(i.points for i in explanation.items) == 50


def test_best_fit_picks_the_profile_each_account_fits_best():
    big = Profile("big", (Condition("employees", "gte", 100),))
    best = best_fit(ACCOUNTS, [WEIGHTED, big])
    assert best.select("account", "profile", "fit").rows() == [
        ("a", "w", 100),
        ("b", "w", 50),
        ("c", "w", 50),
        ("d", "w", 50),
        ("e", "big", 100),
    ]


def test_market_reality_counts_clients_and_prospects_that_match():
    reality = market_reality(ACCOUNTS, WEIGHTED, min_fit=75)
    assert (reality.clients, reality.prospects) == (2, 3)
    assert (reality.matching_clients, reality.matching_prospects) == (1, 1)
    assert reality.client_share == 0.5
    assert reality.prospect_share == pytest.approx(1 / 3)
    assert reality.conditions.select(
        "condition", "clients_meeting", "prospects_meeting", "unknown"
    ).rows() == [("industry_in", 2, 1, 1), ("employees_between", 1, 2, 0), ("region_eq", 1, 3, 0)]


def test_a_condition_on_a_missing_or_mismatched_column_is_located():
    with pytest.raises(PolicyError) as caught:
        fit_scores(ACCOUNTS, Profile("p", (Condition("size", "gte", 1),)))
    assert caught.value.path == "conditions[0].attribute"
    with pytest.raises(PolicyError) as caught:
        fit_scores(ACCOUNTS, Profile("p", (Condition("region", "gte", 1),)))
    assert caught.value.path == "conditions[0].op"
    with pytest.raises(PolicyError) as caught:
        fit_scores(ACCOUNTS, Profile("p", (Condition("employees", "eq", "many"),)))
    assert caught.value.path == "conditions[0].value"
