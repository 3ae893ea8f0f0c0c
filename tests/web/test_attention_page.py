"""Attention against value (S2.3): contacts by ABC class against revenue, per book.

The book of ``conftest`` plus four visits in the window: three with Z-DOS, one with
Z-UNO, none with O-TRES. Company revenue 1000.00: Z-UNO 600.00 is A (nothing before
it), O-TRES 370.00 is A (60 % before it, under 80 %), Z-DOS 30.00 is C (97 % before it).
So class A holds 1 of the 4 contacts (25 %) and 97 % of the revenue; class C 3 contacts
(75 %) and 3 %, an attention index of 25. A contacted client had 1 or 3 contacts: the
typical (median) is 2, so Z-DOS (3) is over-served and Z-UNO (1) and O-TRES (0) are
under-served. Ana's book alone: Z-UNO A (600 / 630 = 95.2 %), Z-DOS C (600 / 630 before
it, over 95 %).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cartera.activities.services import activity_log
from tests.factories import ActivityFactory


@pytest.fixture
def contacted(book):
    for day in (dt.date(2026, 5, 2), dt.date(2026, 5, 20), dt.date(2026, 6, 1)):
        ActivityFactory(account=book.dos, date=day)
    ActivityFactory(account=book.uno, date=dt.date(2026, 6, 5))
    # Outside the window (12 months up to the latest sale, 2026-06-10): not counted.
    ActivityFactory(account=book.tres, date=dt.date(2025, 1, 10))
    return book


def _get(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("web:attention"))
    assert response.status_code == 200
    return response


def _classes(part):
    return {
        c["abc_class"]: (c["clients"], c["contacts"], c["contact_share"], c["revenue_share"])
        for c in part["classes"]
    }


def test_shares_of_contacts_and_revenue_by_class(client, contacted):
    scope = _get(client, contacted.manager).context["scope"]
    classes = _classes(scope)
    assert classes["A"] == (2, 1, 0.25, pytest.approx(0.97))
    assert classes["C"] == (1, 3, 0.75, pytest.approx(0.03))
    index = {c["abc_class"]: c["attention_index"] for c in scope["classes"]}
    assert index["C"] == pytest.approx(25.0)
    assert scope["book"].attention.typical_contacts == 2.0
    assert scope["book"].attention.contacts_total == 4


def test_over_served_c_and_under_served_a_link_to_the_client_files(client, contacted):
    response = _get(client, contacted.manager)
    scope = response.context["scope"]
    assert [(r["client"], r["contacts"]) for r in scope["over"]] == [("Z-DOS", 3)]
    assert [(r["client"], r["contacts"]) for r in scope["under"]] == [
        ("Z-UNO", 1),
        ("O-TRES", 0),
    ]
    content = response.content.decode()
    for account in (contacted.dos, contacted.uno, contacted.tres):
        assert reverse("clients:detail", args=[account.pk]) in content
    assert "<svg" in content


def test_a_manager_sees_each_salespersons_book(client, contacted):
    books = {p["book"].salesperson: p for p in _get(client, contacted.manager).context["books"]}
    assert set(books) == {"Ana Abril", "Luis Lago"}
    ana = books["Ana Abril"]
    assert _classes(ana)["A"] == (1, 1, 0.25, pytest.approx(600 / 630))
    assert _classes(ana)["C"] == (1, 3, 0.75, pytest.approx(30 / 630))
    assert [r["client"] for r in ana["over"]] == ["Z-DOS"]
    assert [r["client"] for r in ana["under"]] == ["Z-UNO"]
    luis = books["Luis Lago"]
    assert luis["book"].attention.contacts_total == 0
    assert luis["over"] == []
    assert luis["under"] == []


def test_a_salesperson_sees_their_own_book_as_the_manager_does(client, contacted):
    manager_view = {
        p["book"].salesperson: p for p in _get(client, contacted.manager).context["books"]
    }["Ana Abril"]
    response = _get(client, contacted.ana.user)
    mine = response.context["scope"]
    assert response.context["books"] == []
    assert _classes(mine) == _classes(manager_view)
    assert [r["client"] for r in mine["over"]] == ["Z-DOS"]
    assert "Ópalo" not in response.content.decode()


def test_a_salesperson_never_sees_another_books_clients(client, contacted):
    response = _get(client, contacted.luis.user)
    content = response.content.decode()
    assert "Zafiro" not in content
    assert "Ana Abril" not in content
    assert _classes(response.context["scope"]) == {"A": (1, 0, None, 1.0)}


def test_the_reports_page_links_every_report(client, book):
    client.force_login(book.manager)
    content = client.get(reverse("web:reports")).content.decode()
    for name in ("web:diagnosis", "web:value", "web:attention", "goals:index"):
        assert f'href="{reverse(name)}"' in content


def test_a_logged_contact_shows_on_the_next_read(
    client, contacted, django_capture_on_commit_callbacks
):
    assert _get(client, contacted.manager).context["scope"]["book"].attention.contacts_total == 4
    with django_capture_on_commit_callbacks(execute=True):
        activity_log(account=contacted.tres, kind="call", date=dt.date(2026, 6, 9))
    scope = _get(client, contacted.manager).context["scope"]
    assert scope["book"].attention.contacts_total == 5
    # Contacted clients now have 1, 1 and 3 contacts: the typical is 1, so no A client
    # is under-served any more and Z-DOS still is over-served.
    assert scope["book"].attention.typical_contacts == 1.0
    assert scope["under"] == []
    assert [r["client"] for r in scope["over"]] == ["Z-DOS"]
