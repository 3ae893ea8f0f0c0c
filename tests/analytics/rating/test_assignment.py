"""Best clients to the best salespeople (S3.12), solved exactly and explained."""

from __future__ import annotations

import polars as pl
import pytest

from cartera.analytics.rating import propose_assignment, salesperson_quality

PEOPLE = pl.DataFrame(
    {
        "salesperson": ["s1", "s2", "s3"],
        "retention": [0.9, 0.7, 0.5],
        "growth_pct": [10.0, 5.0, -5.0],
    }
)


def test_quality_mixes_retention_and_growth_percentiles():
    people = pl.DataFrame(
        {
            "salesperson": ["x", "y", "z"],
            "retention": [0.9, 0.5, 0.7],
            "growth_pct": [-1.0, 8.0, 3.0],
        }
    )
    ranked = salesperson_quality(people)
    # x: 0.6 * 1 + 0.4 * 0 = 0.6; y: 0 + 0.4 = 0.4; z: 0.6 * 0.5 + 0.4 * 0.5 = 0.5.
    assert ranked["quality"].to_list() == pytest.approx([0.6, 0.4, 0.5])
    assert ranked["quality_rank"].to_list() == [1, 3, 2]


def test_the_biggest_clients_go_to_the_best_salespeople_one_each():
    clients = pl.DataFrame(
        {"client": ["c1", "c2", "c3"], "salesperson": ["s3"] * 3, "revenue_cents": [300, 200, 100]}
    )
    proposal = propose_assignment(clients, PEOPLE)
    assert proposal.select("client", "current", "proposed", "moved", "reason").rows() == [
        ("c1", "s3", "s1", True, "better_salesperson"),
        ("c2", "s3", "s2", True, "better_salesperson"),
        ("c3", "s3", "s3", False, "kept"),
    ]
    assert proposal["proposed_rank"].to_list() == [1, 2, 3]


def test_capacity_is_respected_and_a_client_moved_to_make_room_says_so():
    people = PEOPLE.head(2).with_columns(pl.Series("capacity", [1, 1]))
    clients = pl.DataFrame(
        {"client": ["c1", "c2"], "salesperson": ["s2", "s1"], "revenue_cents": [300, 200]}
    )
    proposal = propose_assignment(clients, people)
    assert proposal.select("client", "proposed", "reason").rows() == [
        ("c1", "s1", "better_salesperson"),
        ("c2", "s2", "capacity"),
    ]


def test_a_small_gain_does_not_move_a_client():
    people = pl.DataFrame(
        {"salesperson": ["s1", "s2"], "retention": [0.9, 0.89], "growth_pct": [5.0, 5.0]}
    )
    clients = pl.DataFrame({"client": ["c1"], "salesperson": ["s2"], "revenue_cents": [10]})
    # s1 is better by 0.6 quality: above the stay bonus of 0.1, so c1 moves...
    assert propose_assignment(clients, people)["proposed"].to_list() == ["s1"]
    # ...but not when staying is worth more.
    assert propose_assignment(clients, people, stay_bonus=0.7)["proposed"].to_list() == ["s2"]


def test_a_client_of_a_salesperson_who_left_is_placed():
    clients = pl.DataFrame({"client": ["c1"], "salesperson": ["gone"], "revenue_cents": [5]})
    proposal = propose_assignment(clients, PEOPLE)
    assert proposal.select("proposed", "moved", "reason").rows() == [
        ("s1", True, "current_unavailable")
    ]


def test_too_little_capacity_is_refused():
    people = PEOPLE.with_columns(pl.lit(0).alias("capacity"))
    clients = pl.DataFrame({"client": ["c1"], "salesperson": ["s1"], "revenue_cents": [5]})
    with pytest.raises(ValueError, match="can hold 0 clients"):
        propose_assignment(clients, people)
