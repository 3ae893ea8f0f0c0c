"""The contact plan: due and overdue lists by value at stake (S2.2, S2.3)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.contact_plan import (
    DEFAULT_FREQUENCIES,
    attention_by_level,
    contact_adherence,
    contacts_due,
)

D = dt.date
TODAY = D(2026, 11, 22)
CLIENTS = pl.DataFrame(
    {
        "client": ["a", "b", "c", "d", "e", "f"],
        "level": ["A", "B", "A", "D", "C", "A"],
        "salesperson": ["ana", "ana", "bo", "bo", "ana", "bo"],
        "revenue_cents": [100, 50, 300, 5, 20, 999],
    }
)
ACTIVITIES = pl.DataFrame(
    {
        "client": ["a", "a", "b", "c", "d", "f"],
        "date": [
            D(2026, 10, 1),
            D(2026, 11, 1),
            D(2026, 10, 20),
            D(2026, 11, 20),
            D(2026, 1, 1),
            D(2026, 11, 21),
        ],
        "kind": ["visit", "call", "email", "visit", "visit", "visit"],
    }
)
NEXT = pl.DataFrame(
    {"client": ["c", "e", "e"], "date": [D(2026, 11, 22), D(2026, 12, 9), D(2026, 12, 1)]}
)


def test_defaults_follow_the_issue():
    assert dict(DEFAULT_FREQUENCIES) == {"A": 14, "B": 30, "C": 90, "D": 180}


def test_due_list_per_salesperson_ranked_by_value_at_stake():
    due = contacts_due(CLIENTS, as_of=TODAY, activities=ACTIVITIES, next_actions=NEXT)
    # a: A, last 1 Nov + 14 = 15 Nov (7 days overdue); b: B, 20 Oct + 30 = 19 Nov;
    # c: next action today, earlier than 20 Nov + 14; d: D, 1 Jan + 180 = 30 Jun;
    # e: never contacted but a first action is planned (1 Dec): not yet; f: contacted yesterday.
    assert due.select(
        "salesperson", "rank", "client", "due_date", "days_overdue", "status", "reason"
    ).rows() == [
        ("ana", 1, "a", D(2026, 11, 15), 7, "overdue", "rhythm"),
        ("ana", 2, "b", D(2026, 11, 19), 3, "overdue", "rhythm"),
        ("bo", 1, "c", D(2026, 11, 22), 0, "due", "next_action"),
        ("bo", 2, "d", D(2026, 6, 30), 145, "overdue", "rhythm"),
    ]


def test_a_client_with_a_next_action_appears_on_that_date():
    on_the_day = contacts_due(
        CLIENTS, as_of=D(2026, 12, 1), activities=ACTIVITIES, next_actions=NEXT
    )
    row = on_the_day.filter(pl.col("client") == "e")
    assert row.select("due_date", "status", "reason").rows() == [
        (D(2026, 12, 1), "due", "next_action")
    ]
    before = contacts_due(CLIENTS, as_of=D(2026, 11, 30), activities=ACTIVITIES, next_actions=NEXT)
    assert "e" not in before["client"].to_list()


def test_a_client_never_contacted_without_a_plan_is_due_at_once():
    due = contacts_due(CLIENTS, as_of=TODAY, activities=ACTIVITIES)
    assert due.filter(pl.col("client") == "e").select("due_date", "reason").rows() == [
        (TODAY, "never_contacted")
    ]


def test_upcoming_within_the_horizon_and_contact_kinds_filter():
    due = contacts_due(
        CLIENTS, as_of=TODAY, activities=ACTIVITIES, horizon_days=3, contact_kinds={"visit"}
    )
    # Only visits count: a's last visit is 1 Oct (due 15 Oct), b was never visited.
    # f, visited yesterday, is due 5 Dec: beyond the 3-day horizon. c (20 Nov + 14) too.
    rows = dict(due.select("client", "due_date").iter_rows())
    assert rows == {"a": D(2026, 10, 15), "b": TODAY, "e": TODAY, "d": D(2026, 6, 30)}


def test_a_level_without_frequency_is_refused():
    with pytest.raises(ValueError, match="no contact frequency for level 'C'"):
        contacts_due(CLIENTS, as_of=TODAY, frequencies={"A": 7, "B": 7, "D": 7})


def test_adherence_compares_contacts_with_the_plan():
    adherence = contact_adherence(CLIENTS, ACTIVITIES, as_of=TODAY, window_days=90)
    # a: 2 contacts in 90 days against 90/14 planned; d's contact is older than the window.
    rows = {c: (n, p) for c, _, _, n, p, _ in adherence.iter_rows()}
    assert rows["a"] == (2, pytest.approx(90 / 14))
    assert rows["d"] == (0, pytest.approx(0.5))
    assert adherence["client"].to_list()[:3] == ["d", "e", "c"]


def test_attention_by_level_compares_contact_share_with_revenue_share():
    # Active clients (revenue > 0): all six. Contacts in the 12 months to 22 Nov 2026:
    # a 2, b 1, c 1, d 1, f 1 (6 in all). Revenue 1474: A = a + c + f = 1399.
    attention = attention_by_level(CLIENTS, ACTIVITIES, as_of=TODAY)
    table = attention.by_class.select("abc_class", "clients", "contacts", "revenue_cents").rows()
    assert table == [("A", 3, 4, 1399), ("B", 1, 1, 50), ("C", 1, 0, 20), ("D", 1, 1, 5)]
    shares = dict(attention.by_class.select("abc_class", "attention_index").iter_rows())
    assert shares["A"] == pytest.approx((4 / 6) / (1399 / 1474))
    assert shares["D"] == pytest.approx((1 / 6) / (5 / 1474))
