"""Every page is scoped by role: denials, 404 for another's client, pinned query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cartera.activities.models import Activity
from cartera.metrics.services import metrics_refresh
from cartera.web.models import SavedView
from tests.factories import AccountFactory, ActivityFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("web:dashboard", []),
    ("web:reports", []),
    ("web:diagnosis", []),
    ("web:diagnosis_xlsx", []),
    ("web:value", []),
    ("web:value_xlsx", []),
    ("clients:list", []),
    ("clients:export_csv", []),
    ("clients:export_xlsx", []),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, book, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("clients:detail", "get"),
        ("clients:log_activity", "post"),
    ],
)
def test_anothers_client_is_not_found_not_forbidden(client, book, name, method):
    client.force_login(book.ana.user)
    response = getattr(client, method)(reverse(name, args=[book.tres.pk]), {"kind": "visit"})
    assert response.status_code == 404
    assert not Activity.objects.filter(account=book.tres).exists()


def test_a_client_that_does_not_exist_is_not_found(client, book):
    client.force_login(book.manager)
    assert client.get(reverse("clients:detail", args=[999_999])).status_code == 404


@pytest.mark.parametrize("who", ["ana", "manager", "admin"])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_answers_each_role(client, book, who, name, args):
    user = {"ana": book.ana.user, "manager": book.manager, "admin": book.admin}[who]
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    # The value pages redirect with a message: three clients are too few to fit the models.
    assert response.status_code in (200, 302)
    if name == "web:value_xlsx":
        assert response.status_code == 302


def test_salesperson_sees_their_book_on_every_page(client, book):
    metrics_refresh()
    client.force_login(book.ana.user)
    for name in ("web:dashboard", "clients:list", "web:diagnosis"):
        page = client.get(reverse(name)).content.decode()
        assert "Zafiro Uno" in page, name
        assert "Ópalo Tres" not in page, name


def test_only_managers_may_recompute_the_metrics(client, book):
    client.force_login(book.ana.user)
    assert client.post(reverse("web:refresh_metrics")).status_code == 403
    client.force_login(book.manager)
    response = client.post(reverse("web:refresh_metrics"), {"next": reverse("clients:list")})
    assert response.status_code == 302
    assert response.url == reverse("clients:list")


def test_post_only_actions_refuse_a_get(client, book):
    client.force_login(book.manager)
    assert client.get(reverse("web:refresh_metrics")).status_code == 405
    assert client.get(reverse("clients:log_activity", args=[book.uno.pk])).status_code == 405
    assert client.get(reverse("clients:view_save")).status_code == 405


def test_the_dashboard_shows_the_figures_of_the_portfolio(client, book):
    client.force_login(book.manager)
    page = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "1.000,00\xa0€" in page  # 600 + 370 + 30
    # Uno holds 60 % and Tres 37 %: both at or over a quarter of the revenue (S4.4).
    assert "Alerta de concentración" in page
    assert "(60,0\xa0%)" in page
    assert "(37,0\xa0%)" in page
    client.force_login(book.ana.user)
    page = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "630,00\xa0€" in page


def test_contacts_due_today_leave_out_the_ones_already_done(client, book):
    today = timezone.localdate()
    ActivityFactory(
        account=book.uno, date=today - dt.timedelta(days=9), next_action_on=today,
        next_action="Llevar muestras",
    )  # fmt: skip
    done = ActivityFactory(
        account=book.dos, date=today - dt.timedelta(days=9), next_action_on=today,
        next_action="Enviar tarifa",
    )  # fmt: skip
    ActivityFactory(account=book.dos, date=today - dt.timedelta(days=1), summary="Tarifa enviada")
    ActivityFactory(
        account=book.tres, date=today, next_action_on=today, next_action="Cobrar factura"
    )
    assert done.next_action_on == today
    client.force_login(book.ana.user)
    page = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 contact due today" in page
    assert "Llevar muestras" in page
    assert "Enviar tarifa" not in page  # done: a later activity was logged
    assert "Cobrar factura" not in page  # Luis's client


def test_the_client_file_holds_what_s26_asks_for(client, book):
    metrics_refresh()
    client.force_login(book.ana.user)
    page = client.get(
        reverse("clients:detail", args=[book.uno.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    for expected in (
        "Zafiro Uno S.L.",
        "Rocío Compras",  # the purchasing contact
        "Gazpacho",  # products bought, with dates
        "10 mar 2026",
        "10 jun 2026",
        "600,00\xa0€",
        "F-4",
        "Ana Abril",  # ownership
    ):
        assert expected in page, expected


def test_a_visit_is_logged_from_the_client_file_with_htmx(client, book):
    client.force_login(book.ana.user)
    response = client.post(
        reverse("clients:log_activity", args=[book.uno.pk]),
        {
            "kind": "visit",
            "date": "2026-06-15",
            "summary": "Presentada la nueva carta",
            "next_action_on": "2026-07-01",
            "next_action": "Llamar para el pedido",
        },
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="timeline">')  # a fragment, not a page
    assert "Presentada la nueva carta" in body
    assert "Follow-up logged." in body
    logged = Activity.objects.get(account=book.uno)
    assert (logged.kind, logged.salesperson, logged.next_action_on) == (
        "visit",
        book.ana,
        dt.date(2026, 7, 1),
    )


def test_a_bad_follow_up_is_shown_with_its_errors_and_not_saved(client, book):
    client.force_login(book.ana.user)
    response = client.post(
        reverse("clients:log_activity", args=[book.uno.pk]),
        {"kind": "telepathy", "date": "yesterday"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Activity.objects.exists()


def test_without_htmx_a_follow_up_redirects_back_to_the_file(client, book):
    client.force_login(book.manager)
    response = client.post(
        reverse("clients:log_activity", args=[book.tres.pk]), {"kind": "call", "date": "2026-06-15"}
    )
    assert response.status_code == 302
    # A manager who is not a salesperson logs it for the client's owner.
    assert Activity.objects.get(account=book.tres).salesperson == book.luis


def test_exports_hold_exactly_the_filtered_list(client, book):
    metrics_refresh()
    client.force_login(book.manager)
    response = client.get(
        reverse("clients:export_csv") + "?city=Sevilla&sort=-revenue", HTTP_ACCEPT_LANGUAGE="es"
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Código", "Razón social", "Nombre comercial"]
    assert [(r[0], r[14]) for r in rows[1:]] == [("Z-UNO", "600,00"), ("O-TRES", "370,00")]
    response = client.get(reverse("clients:export_xlsx") + "?abc=A&sort=code")
    book_xlsx = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book_xlsx.active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(v[0], v[14]) for v in values] == [("O-TRES", 370.0), ("Z-UNO", 600.0)]


def test_a_salespersons_export_is_their_book_only(client, book):
    client.force_login(book.ana.user)
    response = client.get(reverse("clients:export_csv"), HTTP_ACCEPT_LANGUAGE="en")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    heading, *rows = csv.reader(io.StringIO(text))
    assert heading[0] == "Code"
    assert sorted(r[0] for r in rows) == ["P-CUATRO", "Z-DOS", "Z-UNO"]


def test_saved_views_belong_to_their_user(client, book):
    client.force_login(book.ana.user)
    response = client.post(
        reverse("clients:view_save"), {"name": "Sevilla", "query": "city=Sevilla&abc=A"}
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.user, view.query) == (book.ana.user, "city=Sevilla&abc=A")
    page = client.get(reverse("clients:list")).content.decode()
    assert "?city=Sevilla" in page
    client.force_login(book.luis.user)
    assert "Sevilla</a>" not in client.get(reverse("clients:list")).content.decode()
    assert client.post(reverse("clients:view_delete", args=[view.pk])).status_code == 404
    client.force_login(book.ana.user)
    assert client.post(reverse("clients:view_delete", args=[view.pk])).status_code == 302
    assert not SavedView.objects.exists()


def test_a_page_cursor_is_not_saved_with_a_view(client, book):
    client.force_login(book.ana.user)
    client.post(reverse("clients:view_save"), {"name": "x", "query": "city=Sevilla&after=abc"})
    assert SavedView.objects.get().query == "city=Sevilla"


def _accounts(owner, n, start=0):
    for i in range(start, start + n):
        AccountFactory(owner=owner, code=f"Q{i:04d}", legal_name=f"Cliente {i:04d}")


@pytest.mark.parametrize("who", ["ana", "manager"])
def test_the_client_list_costs_the_same_queries_for_10_or_60_clients(
    client, book, who, django_assert_max_num_queries
):
    metrics_refresh()
    user = book.ana.user if who == "ana" else book.manager
    client.force_login(user)
    client.get(reverse("clients:list"))  # warm the suggestion cache
    _accounts(book.ana, 10)
    with django_assert_max_num_queries(12):
        client.get(reverse("clients:list") + "?sort=-revenue")
    _accounts(book.ana, 50, start=10)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("clients:list") + "?sort=-revenue&abc=A&city=Sevilla")
    assert response.status_code == 200


def test_dashboard_and_client_file_query_counts_are_pinned(
    client, book, django_assert_max_num_queries
):
    metrics_refresh()
    for i in range(8):
        ActivityFactory(account=book.uno, date=dt.date(2026, 1, 1 + i), summary=f"Nota {i}")
    client.force_login(book.ana.user)
    client.get(reverse("web:dashboard"))  # computes and caches the diagnosis
    with django_assert_max_num_queries(14):
        client.get(reverse("web:dashboard"))
    # The client file grew a rating, receivables and history (issue 9): see
    # tests/web/test_client_file.py for where its queries go.
    with django_assert_max_num_queries(33):
        client.get(reverse("clients:detail", args=[book.uno.pk]))


def test_money_on_the_list_is_decimal_from_the_metrics(book):
    metrics_refresh()
    from cartera.metrics.models import ClientMetrics

    assert ClientMetrics.objects.get(account=book.tres).window_revenue == Decimal("370.00")
