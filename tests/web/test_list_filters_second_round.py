"""The client list's rating and overdue filters (issue 9 "Client list"; S2.4, S4.5, S1.8).

The book of ``conftest.build_book`` with, on top:

- ratings: Uno A (rank 1), Tres C (rank 3), Dos "5" at rank 1 on a former star scale;
- receivables, every date counted back from today (T). The book's invoices of 2026 are
  paid in full, then:

  ========  =====  ==================================  ============  ===============
  client    owner  invoice (date → due)                paid          open, overdue
  ========  =====  ==================================  ============  ===============
  Z-UNO     Ana    T-75 → T-45, 100.00                 40.00         60.00, 45 days
  Z-DOS     Ana    T-130 → T-100, 30.00                —             30.00, 100 days
  O-TRES    Luis   T-40 → T-10, 50.00                  50.00         —
  O-TRES    Luis   T-5 → T+25, 20.00                   —             20.00, not due
  O-CINCO   Luis   T-65 → T-35, 80.00                  —             80.00, 35 days
  ========  =====  ==================================  ============  ===============
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from decimal import Decimal

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from cartera.analytics.rating import Bands, default_policy
from cartera.catalog.models import Product
from cartera.clients.filters import AccountFilterForm, registered_filters
from cartera.clients.listing import accounts_listed
from cartera.metrics.models import ClientMetrics
from cartera.metrics.services import metrics_refresh, metrics_refresh_if_stale
from cartera.ratings.models import Rating, RatingPolicyVersion, RatingRun
from cartera.receivables.list_filters import clients_overdue
from cartera.receivables.services import payment_record
from cartera.sales.models import Sale
from cartera.sales.services import LineInput, sale_record
from cartera.web.models import SavedView
from tests.factories import AccountFactory
from tests.web.conftest import Book, build_book

pytestmark = pytest.mark.django_db


@dataclass
class Ledger:
    book: Book
    today: dt.date


def _days(today: dt.date, n: int) -> dt.date:
    return today + dt.timedelta(days=n)


def _invoice(number: str, account, date: dt.date, due: dt.date, euros: int) -> Sale:
    return sale_record(
        number=number,
        account=account,
        date=date,
        due_date=due,
        lines=[LineInput(product=Product.objects.get(sku="GAZ-1"), quantity=Decimal(euros // 10))],
    )


def _pay(reference: str, sale: Sale, date: dt.date, amount: Decimal) -> None:
    payment_record(reference=reference, account=sale.account, sale=sale, date=date, amount=amount)


def _rate(book: Book) -> None:
    old = RatingPolicyVersion.objects.create(
        name="default", version=1, definition=replace(default_policy(), scale=Bands(0, 5)).to_dict()
    )
    run = RatingRun.objects.create(policy=old, as_of=dt.date(2026, 6, 10))
    for account, level, rank, score in (
        (book.uno, "A", 1, 90),
        (book.tres, "C", 3, 40),
        (book.dos, "5", 1, 95),
    ):
        Rating.objects.create(
            account=account,
            as_of=run.as_of,
            score=score,
            level=level,
            level_rank=rank,
        )


@pytest.fixture
def ledger() -> Ledger:
    book = build_book()
    today = timezone.localdate()
    for sale in Sale.objects.all():
        _pay(f"OLD-{sale.number}", sale, sale.due_date, sale.total)
    uno = _invoice("N-1", book.uno, _days(today, -75), _days(today, -45), 100)
    _pay("N-P1", uno, _days(today, -50), Decimal("40.00"))
    _invoice("N-2", book.dos, _days(today, -130), _days(today, -100), 30)
    paid = _invoice("N-3", book.tres, _days(today, -40), _days(today, -10), 50)
    _pay("N-P3", paid, _days(today, -12), Decimal("50.00"))
    _invoice("N-4", book.tres, _days(today, -5), _days(today, 25), 20)
    cinco = AccountFactory(code="O-CINCO", legal_name="Ópalo Cinco S.L.", owner=book.luis)
    _invoice("N-5", cinco, _days(today, -65), _days(today, -35), 80)
    _rate(book)
    metrics_refresh()
    return Ledger(book, today)


def _codes(user, query: str) -> list[str]:
    form = AccountFilterForm(QueryDict(query), user=user)
    return sorted(accounts_listed(user=user, form=form).values_list("code", flat=True))


def test_both_filters_are_registered_for_the_folded_analytics_group():
    groups = {f.name: f.group for f in registered_filters()}
    assert (groups["rating"], groups["overdue"]) == ("analytics", "analytics")


def test_the_refresh_stores_what_is_owed_and_the_oldest_open_due_date(ledger):
    stored = {
        m.account.code: (m.open_receivable, m.oldest_open_due)
        for m in ClientMetrics.objects.select_related("account")
    }
    today = ledger.today
    assert stored == {
        "Z-UNO": (Decimal("60.00"), _days(today, -45)),  # 100 - 40
        "Z-DOS": (Decimal("30.00"), _days(today, -100)),
        "O-TRES": (Decimal("20.00"), _days(today, 25)),  # the paid one is not open
        "O-CINCO": (Decimal("80.00"), _days(today, -35)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rating=A", ["Z-UNO"]),  # Dos's rank 1 is a "5" of the star scale, not an A
        ("rating=C", ["O-TRES"]),
        ("rating=A&rating=C", ["O-TRES", "Z-UNO"]),
        ("rating=B", []),
        ("rating=A&city=Sevilla", ["Z-UNO"]),
        ("rating=C&city=Cádiz", []),
        ("overdue=any", ["O-CINCO", "Z-DOS", "Z-UNO"]),  # Tres: paid, and not yet due
        ("overdue=30", ["O-CINCO", "Z-DOS", "Z-UNO"]),  # 35, 100 and 45 days
        ("overdue=60", ["Z-DOS"]),  # Uno's 45 days are not more than 60
        ("overdue=90", ["Z-DOS"]),
        ("overdue=30&rating=A", ["Z-UNO"]),
        ("overdue=60&rating=A", []),
    ],
)
def test_rating_and_overdue_filters_for_a_manager(ledger, query, expected):
    assert _codes(ledger.book.manager, query) == expected


def test_a_salesperson_filtering_sees_only_their_own_clients(ledger):
    book = ledger.book
    assert _codes(book.ana.user, "overdue=any") == ["Z-DOS", "Z-UNO"]
    assert _codes(book.luis.user, "overdue=any") == ["O-CINCO"]
    assert _codes(book.luis.user, "overdue=60") == []
    assert _codes(book.ana.user, "rating=C") == []  # Tres is Luis's
    assert _codes(book.luis.user, "rating=C") == ["O-TRES"]


def test_overdue_days_are_counted_to_the_day_asked(ledger):
    book = ledger.book
    accounts = accounts_listed(user=book.manager, form=AccountFilterForm(user=book.manager))
    # Forty days on, nobody having paid: Uno 85 days overdue, Cinco 75, Tres 15.
    later = _days(ledger.today, 40)
    found = clients_overdue(accounts, "60", today=later).values_list("code", flat=True)
    assert sorted(found) == ["O-CINCO", "Z-DOS", "Z-UNO"]
    found = clients_overdue(accounts, "90", today=later).values_list("code", flat=True)
    assert sorted(found) == ["Z-DOS"]
    found = clients_overdue(accounts, "any", today=later).values_list("code", flat=True)
    assert sorted(found) == ["O-CINCO", "O-TRES", "Z-DOS", "Z-UNO"]


def test_an_unknown_level_or_overdue_choice_lists_nothing(ledger):
    assert _codes(ledger.book.manager, "rating=Z") == []
    assert _codes(ledger.book.manager, "overdue=45") == []


def test_the_levels_offered_are_those_of_the_active_policy(ledger):
    with translation.override("en"):
        field = AccountFilterForm(user=ledger.book.manager).fields["rating"]
        assert [(v, str(label)) for v, label in field.choices] == [
            ("A", "Level A"),
            ("B", "Level B"),
            ("C", "Level C"),
            ("D", "Level D"),
        ]
    RatingPolicyVersion.objects.filter(version=1).update(is_active=True)
    with translation.override("es"):
        field = AccountFilterForm(user=ledger.book.manager).fields["rating"]
        assert [str(label) for _v, label in field.choices] == [
            f"Nivel {n}" for n in ("5", "4", "3", "2", "1", "0")
        ]
    # On the star scale the rank-1 rating is Dos's "5"; Uno's A is of another scale.
    assert _codes(ledger.book.manager, "rating=5") == ["Z-DOS"]


def test_the_page_shows_both_filters_and_what_is_in_use(client, ledger):
    client.force_login(ledger.book.manager)
    response = client.get(
        reverse("clients:list") + "?overdue=30&rating=A", HTTP_ACCEPT_LANGUAGE="es"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="rating" value="A" checked' in page
    assert '<option value="30" selected>Vencida hace más de 30 días</option>' in page
    assert "Deuda vencida" in page
    assert "Calificación" in page
    assert "Zafiro Uno" in page
    assert "Zafiro Dos" not in page
    assert "Ópalo Cinco" not in page


def _csv_codes(client, query: str) -> list[str]:
    response = client.get(reverse("clients:export_csv") + query, HTTP_ACCEPT_LANGUAGE="en")
    _heading, *rows = csv.reader(
        io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
    )
    return [row[0] for row in rows]


def test_the_exports_hold_exactly_the_filtered_rows(client, ledger):
    client.force_login(ledger.book.manager)
    assert _csv_codes(client, "?overdue=30&sort=code") == ["O-CINCO", "Z-DOS", "Z-UNO"]
    assert _csv_codes(client, "?overdue=60") == ["Z-DOS"]
    assert _csv_codes(client, "?rating=A&rating=C&sort=code") == ["O-TRES", "Z-UNO"]
    response = client.get(reverse("clients:export_xlsx") + "?overdue=any&rating=A")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["Z-UNO"]
    client.force_login(ledger.book.luis.user)
    assert _csv_codes(client, "?overdue=30") == ["O-CINCO"]


def test_a_saved_view_keeps_both_filters(client, ledger):
    client.force_login(ledger.book.ana.user)
    client.post(reverse("clients:view_save"), {"name": "Morosos A", "query": "rating=A&overdue=30"})
    view = SavedView.objects.get()
    assert view.query == "rating=A&overdue=30"
    page = client.get(reverse("clients:list") + "?" + view.query).content.decode()
    assert "Zafiro Uno" in page
    assert "Zafiro Dos" not in page


def test_a_committed_payment_refreshes_the_overdue_filter(
    ledger, django_capture_on_commit_callbacks
):
    book = ledger.book
    first = metrics_refresh_if_stale()
    assert metrics_refresh_if_stale() == first  # nothing changed: same run
    with django_capture_on_commit_callbacks(execute=True):
        _pay("N-P1b", Sale.objects.get(number="N-1"), ledger.today, Decimal("60.00"))
    second = metrics_refresh_if_stale()
    assert second.pk != first.pk
    assert ClientMetrics.objects.get(account=book.uno).open_receivable == Decimal("0.00")
    assert _codes(book.manager, "overdue=any") == ["O-CINCO", "Z-DOS"]
