from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

D = dt.date


@pytest.fixture
def prospects() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "prospect": ["p1", "p2", "p3", "p4", "p5", "p6"],
            "created": [D(2025, 1, 1)] * 6,
            "stage": ["won", "lost", "qualified", "new", "won", "lost"],
            "source": ["fair", "fair", "web", None, "web", "web"],
            "campaign": ["f1", "f1", "w1", "f1", "w1", None],
            "won_date": [D(2025, 1, 31), None, None, None, D(2025, 3, 1), None],
            "lost_date": [None, D(2025, 1, 10), None, None, None, D(2025, 2, 1)],
            "lost_reason": [None, "no budget", None, None, None, "bad payer"],
            "lost_stage": [None, "contacted", None, None, None, None],
            "client": ["c1", None, None, None, "c5", None],
        }
    )


@pytest.fixture
def campaigns() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "campaign": ["f1", "w1", "x9"],
            "source": ["fair", "web", "event"],
            "cost": [1000.0, 300.0, 50.0],
        }
    )
