"""Month lists for the goal tests."""

from __future__ import annotations

import datetime as dt


def months(first: dt.date, count: int) -> list[dt.date]:
    """Return ``count`` consecutive months from ``first`` (the 15th of each)."""
    out = []
    for k in range(count):
        year, index = divmod(first.year * 12 + first.month - 1 + k, 12)
        out.append(dt.date(year, index + 1, 15))
    return out
