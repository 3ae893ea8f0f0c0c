"""The goals in force: stored months kept, the rest of the year spread by season (S3.5)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from cartera.goals.selectors import GOALS_SCHEMA, monthly_goals

PROFILE = pl.DataFrame(
    {
        "series": ["Ana"] * 12,
        "month_of_year": list(range(1, 13)),
        "seasonal_index": [0.6, 0.7, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.1, 1.0, 0.9, 1.2],
    }
)


def _goals(yearly: int | None, stored: dict[int, int]) -> pl.DataFrame:
    rows = [("salesperson", 1, "Ana", month, cents) for month, cents in stored.items()]
    if yearly is not None:
        rows.append(("salesperson", 1, "Ana", None, yearly))
    return pl.DataFrame(rows, schema=GOALS_SCHEMA, orient="row")


def test_what_the_stored_months_leave_of_the_year_is_spread_by_the_profile():
    # 1,200,000.00 a year with March stored at 200,000.00: the other eleven months share
    # 1,000,000.00 in proportion to their indices (sum 11.1).
    result = monthly_goals(_goals(120_000_000, {3: 20_000_000}), PROFILE, year=2027)
    cents = dict(zip(result["month"].dt.month(), result["goal_cents"], strict=True))
    assert cents[3] == 20_000_000
    assert cents[1] == 5_405_405  # 1,000,000 × 0.6 / 11.1 = 54,054.054…
    assert cents[8] == 11_711_712  # 1,000,000 × 1.3 / 11.1 = 117,117.117…
    assert sum(cents.values()) == 120_000_000
    assert result.filter(pl.col("source") == "stored")["month"].dt.month().to_list() == [3]


@settings(max_examples=60, deadline=None)
@given(
    yearly=st.integers(min_value=0, max_value=10**11),
    stored=st.dictionaries(
        st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=10**10)
    ),
)
def test_the_months_add_up_to_the_year_unless_all_twelve_are_stored(yearly, stored):
    result = monthly_goals(_goals(yearly, stored), PROFILE, year=2027)
    assert result.height == 12
    kept = sum(stored.values())
    # Twelve stored months are the goal as it stands; otherwise the months left take
    # what the year leaves over them (nothing when they already exceed it).
    assert result["goal_cents"].sum() == (kept if len(stored) == 12 else max(yearly, kept))
    assert (result["goal_cents"] >= 0).all()
