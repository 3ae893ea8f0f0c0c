"""Who moved from A to B: level changes between two ratings."""

from __future__ import annotations

import polars as pl

from cartera.analytics.rating import level_changes


def test_changes_list_ups_downs_new_and_gone_and_skip_the_unchanged():
    before = pl.DataFrame(
        {"client": ["a", "b", "c", "d"], "level": ["A", "B", "C", "D"], "level_rank": [1, 2, 3, 4]}
    )
    after = pl.DataFrame(
        {"client": ["a", "b", "c", "e"], "level": ["B", "A", "C", "D"], "level_rank": [2, 1, 3, 4]}
    )
    assert level_changes(before, after).rows() == [
        ("a", "A", "B", "down"),
        ("b", "B", "A", "up"),
        ("d", "D", None, "gone"),
        ("e", None, "D", "new"),
    ]
