"""The client list's selector: every filter, the sort and keyset pages (S2.7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartera.clients.filters import AccountFilterForm, registered_filters
from cartera.clients.listing import (
    SORTS,
    accounts_listed,
    keyset_page,
    listed_with_columns,
    ordered,
    parse_sort,
)
from cartera.clients.models import Account
from cartera.metrics.models import ClientMetrics
from cartera.metrics.services import metrics_refresh
from tests.factories import AccountFactory, SalespersonFactory

pytestmark = pytest.mark.django_db


def _codes(user, query: str) -> list[str]:
    form = AccountFilterForm(QueryDict(query), user=user)
    return sorted(accounts_listed(user=user, form=form).values_list("code", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["O-TRES", "P-CUATRO", "Z-DOS", "Z-UNO"]),
        ("city=Sevilla", ["O-TRES", "Z-UNO"]),
        ("city=Sevilla&segment=Bares&kind=clients", ["O-TRES", "Z-UNO"]),
        ("kind=prospects", ["P-CUATRO"]),
        ("status=prospect", ["P-CUATRO"]),
        ("region=Andalucía", []),
        ("q=zafiro", ["Z-DOS", "Z-UNO"]),
        ("q=o-tres", ["O-TRES"]),
        ("abc=A", ["O-TRES", "Z-UNO"]),
        ("abc=A&abc=C", ["O-TRES", "Z-DOS", "Z-UNO"]),
        ("abc=C&city=Sevilla", []),
        # RFM of three clients, by hand: Uno R4 F4 (loyal); Dos R2 F1 and Tres R1 F1
        # (hibernating).
        ("rfm=champions&rfm=loyal", ["Z-UNO"]),
        ("rfm=hibernating", ["O-TRES", "Z-DOS"]),
        ("last_before=2026-05-01", ["O-TRES"]),
        ("last_from=2026-05-01", ["Z-DOS", "Z-UNO"]),
        ("last_from=2026-04-01&last_before=2026-06-01", ["O-TRES", "Z-DOS"]),
        ("product=GAZ-1", ["Z-UNO"]),
        ("family=Cremas", ["O-TRES", "Z-DOS"]),
        ("family=Cremas&city=Sevilla", ["O-TRES"]),
        ("contact=rocío", ["Z-UNO"]),
        ("special=on", ["Z-DOS"]),
    ],
)
def test_filters_combine_like_a_spreadsheet(book, query, expected):
    metrics_refresh()
    assert _codes(book.manager, query) == expected


def test_the_salesperson_filter_is_for_managers_only(book):
    metrics_refresh()
    assert _codes(book.manager, f"owner={book.luis.pk}") == ["O-TRES"]
    assert "owner" not in AccountFilterForm(user=book.ana.user).fields
    # A salesperson's list is their own book whatever the query string says.
    assert _codes(book.ana.user, f"owner={book.luis.pk}") == ["P-CUATRO", "Z-DOS", "Z-UNO"]
    assert _codes(book.ana.user, "city=Sevilla") == ["Z-UNO"]


def test_an_invalid_filter_lists_nothing_rather_than_everything(book):
    assert _codes(book.manager, "last_from=not-a-date") == []


def test_the_rating_and_overdue_filters_can_register_later():
    names = [f.name for f in registered_filters()]
    assert names[:3] == ["q", "kind", "status"]
    assert {
        "abc",
        "rfm",
        "last_from",
        "last_before",
        "product",
        "family",
        "contact",
        "special",
    } <= set(names)


def test_sort_parsing_falls_back_to_the_name():
    assert parse_sort("-revenue") == (SORTS["revenue"], True)
    assert parse_sort("city") == (SORTS["city"], False)
    assert parse_sort("-nonsense") == (SORTS["name"], False)
    assert parse_sort(None) == (SORTS["name"], False)


def _walk(queryset, sort_key, descending, size, walk):
    sort = SORTS[sort_key]
    pages, after = [], None
    while True:
        page = keyset_page(
            queryset, sort=sort, descending=descending, after=after, size=size, walk=walk
        )
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = page.next_cursor


names = st.sampled_from(["Alfa", "Beta", "Gamma"])  # few values: many ties
revenues = st.one_of(st.none(), st.sampled_from([Decimal(0), Decimal("10.50"), Decimal(99)]))
purchases = st.one_of(st.none(), st.sampled_from([dt.date(2026, 1, 1), dt.date(2026, 2, 1)]))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.tuples(names, revenues, purchases), min_size=0, max_size=14),
    sort_key=st.sampled_from(sorted(SORTS)),
    descending=st.booleans(),
    size=st.integers(min_value=1, max_value=5),
    walk=st.booleans(),
)
def test_keyset_pages_walked_forward_and_back_give_the_ordered_list(
    db, rows, sort_key, descending, size, walk
):
    owner = SalespersonFactory()
    created = []
    for index, (name, revenue, last) in enumerate(rows):
        account = AccountFactory(legal_name=name, city=name, owner=owner, code=f"K{index:03d}")
        created.append(account)
        if revenue is not None:
            ClientMetrics.objects.create(
                account=account,
                movement="retained",
                window_revenue=revenue,
                last_purchase=last,
                clv=revenue,
            )
    try:
        queryset = listed_with_columns(Account.objects.filter(owner=owner))
        expected = list(ordered(queryset, SORTS[sort_key], descending).values_list("pk", flat=True))
        pages = _walk(queryset, sort_key, descending, size, walk)
        forward = [a.pk for p in pages for a in p.rows]
        assert forward == expected
        assert all(len(p.rows) == size for p in pages[:-1])
        # Back from the last page, page by page, the same rows in the same order.
        back, before = [], pages[-1].previous_cursor
        while before is not None:
            page = keyset_page(
                queryset,
                sort=SORTS[sort_key],
                descending=descending,
                before=before,
                size=size,
                walk=walk,
            )
            back = [a.pk for a in page.rows] + back
            before = page.previous_cursor
        assert back + [a.pk for a in pages[-1].rows] == expected
    finally:
        ClientMetrics.objects.filter(account__in=created).delete()
        Account.objects.filter(pk__in=[a.pk for a in created]).delete()
        owner.delete()


def test_a_tampered_cursor_restarts_the_list(book):
    queryset = listed_with_columns(Account.objects.all())
    first = keyset_page(queryset, sort=SORTS["name"], descending=False, size=2)
    page = keyset_page(queryset, sort=SORTS["name"], descending=False, after="%%garbage", size=2)
    assert [a.code for a in page.rows] == [a.code for a in first.rows]
    assert page.previous_cursor is None


def test_a_long_list_is_walked_through_the_sort_index_with_the_same_rows(
    book, monkeypatch, django_assert_max_num_queries
):
    from cartera.clients import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 2)  # three Sevilla/Cádiz… matches: "long"
    monkeypatch.setattr(listing, "_FIRST_CHUNK", 1)  # sparse chunks: the walk must grow
    form = AccountFilterForm(QueryDict("kind=clients"), user=book.manager)
    accounts = accounts_listed(user=book.manager, form=form)
    found = listing.list_page(accounts, sort=SORTS["code"], descending=False, size=2)
    assert (found.count, found.more) == (2, True)
    assert [a.code for a in found.page.rows] == ["O-TRES", "Z-DOS"]
    with django_assert_max_num_queries(12):
        rest = listing.list_page(
            accounts, sort=SORTS["code"], descending=False, after=found.page.next_cursor, size=2
        )
    assert [a.code for a in rest.page.rows] == ["Z-UNO"]
    assert rest.page.next_cursor is None
