"""The walk of a long client list through the sort index, chunk by chunk (issue 9).

The page test in ``test_listing.py`` walks in one chunk; here the chunks are one to
three index entries and the budget five, so every page crosses chunk boundaries, ends
a chunk exactly, or runs out of budget and hands over to the database's own plan.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cartera.clients import listing
from cartera.clients.listing import SORTS, keyset_page, listed_with_columns, ordered
from cartera.clients.models import Account
from cartera.metrics.models import ClientMetrics
from tests.factories import AccountFactory, SalespersonFactory

pytestmark = pytest.mark.django_db

# (name, city, revenue or None for no metrics): ties on names, sparse matches in Madrid.
ROWS = [
    ("Beta", "Madrid", Decimal(5)),
    ("Alfa", "Lisboa", Decimal(7)),
    ("Beta", "Lisboa", None),
    ("Gamma", "Madrid", Decimal(7)),
    ("Alfa", "Lisboa", Decimal(1)),
    ("Delta", "Lisboa", Decimal(9)),
    ("Alfa", "Madrid", None),
    ("Gamma", "Lisboa", Decimal(2)),
    ("Beta", "Lisboa", Decimal(3)),
    ("Epsilon", "Madrid", Decimal(7)),
    ("Delta", "Lisboa", Decimal(4)),
    ("Alfa", "Lisboa", Decimal(6)),
]


@pytest.fixture
def madrid(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(listing, "_FIRST_CHUNK", 1)
    monkeypatch.setattr(listing, "_LAST_CHUNK", 3)
    monkeypatch.setattr(listing, "_WALK_BUDGET", 5)
    owner = SalespersonFactory()
    for index, (name, city, revenue) in enumerate(ROWS):
        account = AccountFactory(legal_name=name, city=city, owner=owner, code=f"W{index:02d}")
        if revenue is not None:
            ClientMetrics.objects.create(
                account=account, movement="retained", window_revenue=revenue, clv=revenue
            )
    return listed_with_columns(Account.objects.filter(owner=owner, city="Madrid"))


@pytest.mark.parametrize("sort_key", ["name", "code", "revenue"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_pages_walked_in_small_chunks_hold_the_ordered_list(
    madrid: object, sort_key: str, descending: bool, size: int
) -> None:
    queryset = madrid
    sort = SORTS[sort_key]
    expected = list(ordered(queryset, sort, descending).values_list("code", flat=True))
    assert sorted(expected) == ["W00", "W03", "W06", "W09"]  # W06 has no metrics
    pages, after = [], None
    while True:
        page = keyset_page(
            queryset, sort=sort, descending=descending, after=after, size=size, walk=True
        )
        pages.append(page)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert [a.code for p in pages for a in p.rows] == expected
    back, before = [], pages[-1].previous_cursor
    while before is not None:
        page = keyset_page(
            queryset, sort=sort, descending=descending, before=before, size=size, walk=True
        )
        back = [a.code for a in page.rows] + back
        before = page.previous_cursor
    assert back + [a.code for a in pages[-1].rows] == expected


def test_the_revenue_order_is_the_hand_computed_one(madrid: object) -> None:
    page = keyset_page(madrid, sort=SORTS["revenue"], descending=True, size=10, walk=True)
    # 7 (W03), 7 (W09): ties largest id first going down; then 5 (W00); no metrics last.
    assert [a.code for a in page.rows] == ["W09", "W03", "W00", "W06"]
