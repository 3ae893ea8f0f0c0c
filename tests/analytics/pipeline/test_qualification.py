"""Qualification checklist: what fails and what is still unknown (S0.6)."""

from __future__ import annotations

import polars as pl
import pytest

from cartera.analytics.pipeline import qualification
from cartera.analytics.profile import Condition
from cartera.analytics.rating import PolicyError

CHECKLIST = (
    Condition("needs_confirmed", "true", key="needs"),
    Condition("credit_rating", "gte", 600, key="pays"),
    Condition("fit", "gte", 60, key="fit"),
)


def test_each_prospect_gets_its_failed_and_unknown_items():
    prospects = pl.DataFrame(
        {
            "prospect": ["p1", "p2", "p3"],
            "needs_confirmed": [True, False, None],
            "credit_rating": [700, 550, None],
            "fit": [80, 90, 20],
        }
    )
    assert qualification(prospects, CHECKLIST).rows() == [
        ("p1", True, [], []),
        ("p2", False, ["needs", "pays"], []),
        ("p3", False, ["fit"], ["needs", "pays"]),
    ]


def test_a_checklist_item_on_a_missing_column_is_located():
    with pytest.raises(PolicyError) as caught:
        qualification(pl.DataFrame({"prospect": ["p"], "fit": [1]}), CHECKLIST)
    assert caught.value.path == "checklist[0].attribute"
