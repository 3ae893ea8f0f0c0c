"""The receivables pages show the selectors' figures, each user's own book only (issue 9).

Every expected figure is worked out by hand in ``conftest.py``; the pages are read in
Spanish (the default language), so amounts are written ``1.234,56 €``.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cartera.users.models import User
from tests.receivables.web.conftest import AS_OF

pytestmark = pytest.mark.django_db

PAGES = ("index", "provisions", "dunning", "cashflow", "credit")
LUIS_MARKERS = ("Ópalo Tres", "O-TRES", "Luis Lago", "Iñigo Pedidos", "F-2")


def _as(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def _get(client, name: str, **params):
    response = client.get(reverse(f"receivables:{name}"), {"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200, (name, response.status_code)
    return response


def _text(response) -> str:
    # Amounts are written with a no-break space before the currency sign.
    return response.content.decode().replace("\xa0", " ")


# --- ageing -----------------------------------------------------------------------------


def test_the_ageing_shows_each_bucket_the_totals_and_the_provision_to_a_manager(
    ledger_book, client
):
    response = _get(_as(client, "gerente"), "index")
    context = response.context
    assert context["aged"].total_open == Decimal("860.00")
    assert context["aged"].total_overdue == Decimal("840.00")
    assert context["provision"].total == Decimal("62.00")
    assert [(b["name"], b["amount"], b["provision"]) for b in context["buckets"]] == [
        ("No vencido", Decimal("20.00"), Decimal("0.00")),
        ("1–30", Decimal("500.00"), Decimal("5.00")),
        ("31–60", Decimal("0.00"), Decimal("0.00")),
        ("61–90", Decimal("300.00"), Decimal("45.00")),
        ("91–180", Decimal("40.00"), Decimal("12.00")),
        ("181–365", Decimal("0.00"), Decimal("0.00")),
        ("> 365", Decimal("0.00"), Decimal("0.00")),
    ]
    assert [(r["client"], r["overdue_cents"]) for r in context["top"]] == [
        ("Z-UNO", 54_000),
        ("O-TRES", 30_000),
    ]
    assert [
        (r["salesperson"], r["open_cents"], r["overdue_cents"]) for r in context["by_salesperson"]
    ] == [
        ("Ana Abril", 56_000, 54_000),
        ("Luis Lago", 30_000, 30_000),
    ]
    text = _text(response)
    for shown in ("860,00 €", "840,00 €", "62,00 €", "Zafiro Uno S.L.", "Ópalo Tres S.A."):
        assert shown in text
    assert reverse("clients:detail", args=[ledger_book.uno.pk]) in text
    assert "<svg" in text


def test_a_salesperson_sees_the_ageing_of_their_own_clients_only(ledger_book, client):
    response = _get(_as(client, "ana"), "index")
    context = response.context
    assert context["aged"].total_open == Decimal("560.00")
    assert context["aged"].total_overdue == Decimal("540.00")
    assert context["provision"].total == Decimal("17.00")
    assert context["by_salesperson"] is None
    text = _text(response)
    assert "560,00 €" in text
    assert "17,00 €" in text
    for marker in LUIS_MARKERS:
        assert marker not in text


def test_the_date_defaults_to_today_and_a_wrong_one_is_reported(ledger_book, client):
    _as(client, "gerente")
    response = client.get(reverse("receivables:index"))
    assert response.context["as_of"] == timezone.localdate()
    assert f'value="{timezone.localdate().isoformat()}"' in _text(response)
    response = client.get(reverse("receivables:index"), {"as_of": "20-07-2026x"})
    assert response.status_code == 200
    assert response.context["as_of"] == timezone.localdate()
    assert response.context["form"].errors


# --- provisions -------------------------------------------------------------------------


def test_the_provision_moves_from_the_last_month_end_client_by_client(ledger_book, client):
    response = _get(_as(client, "gerente"), "provisions")
    movement = response.context["movement"]
    assert movement.start == dt.date(2026, 6, 30)
    assert (movement.opening, movement.closing) == (Decimal("21.30"), Decimal("62.00"))
    assert (movement.charge, movement.release, movement.net) == (
        Decimal("41.00"),
        Decimal("0.30"),
        Decimal("40.70"),
    )
    assert [
        (r["client"], r["charge_cents"], r["release_cents"]) for r in response.context["moved"]
    ] == [
        ("O-TRES", 3000, 0),
        ("Z-UNO", 1100, 0),
        ("Z-DOS", 0, 30),
    ]
    assert [(r["client"], r["provision_cents"]) for r in response.context["by_client"]] == [
        ("O-TRES", 4500),
        ("Z-UNO", 1700),
    ]
    text = _text(response)
    for shown in ("21,30 €", "62,00 €", "41,00 €", "0,30 €", "40,70 €"):
        assert shown in text


def test_a_salesperson_sees_the_provision_of_their_own_clients_only(ledger_book, client):
    response = _get(_as(client, "ana"), "provisions")
    movement = response.context["movement"]
    assert (movement.opening, movement.closing, movement.charge, movement.release) == (
        Decimal("6.30"),
        Decimal("17.00"),
        Decimal("11.00"),
        Decimal("0.30"),
    )
    text = _text(response)
    for marker in LUIS_MARKERS:
        assert marker not in text


# --- dunning ----------------------------------------------------------------------------


def test_the_dunning_list_puts_the_oldest_debt_first_with_whom_to_call(ledger_book, client):
    response = _get(_as(client, "gerente"), "dunning")
    rows = [
        (
            r["client"],
            r["overdue_cents"],
            r["oldest_days_overdue"],
            str(r["action_label"]),
            r["contact"],
        )
        for r in response.context["rows"]
    ]
    assert rows == [
        ("Z-UNO", 54_000, 102, "Agencia de recobro", "Rocío Compras"),
        ("O-TRES", 30_000, 80, "Suspender el crédito", "Iñigo Pedidos"),
    ]
    assert [i["invoice"] for i in response.context["rows"][0]["items"]] == ["F-1", "F-4"]
    assert response.context["total"] == 84_000
    assert "840,00 €" in _text(response)


def test_a_salesperson_chases_only_their_own_clients(ledger_book, client):
    response = _get(_as(client, "ana"), "dunning")
    assert [r["client"] for r in response.context["rows"]] == ["Z-UNO"]
    text = _text(response)
    for marker in LUIS_MARKERS:
        assert marker not in text


# --- cash flow --------------------------------------------------------------------------


def test_the_cash_flow_expects_each_client_at_its_usual_delay(ledger_book, client):
    response = _get(_as(client, "gerente"), "cashflow")
    expected = [
        (r["month"], r["expected_cents"], r["invoices"]) for r in response.context["expected"]
    ]
    # Everything overdue is expected tomorrow; F-5 (due 14 Aug) at Z-DOS's 48 days: 1 Oct.
    assert expected == [
        (dt.date(2026, 7, 1), 84_000, 3),
        (dt.date(2026, 8, 1), 0, 0),
        (dt.date(2026, 9, 1), 0, 0),
    ]
    assert response.context["forecast"].later == Decimal("20.00")
    months = {r["month"]: r for r in response.context["months"]}
    assert months[dt.date(2026, 6, 1)]["net_sales_cents"] == 50_000
    assert months[dt.date(2026, 7, 1)]["collected_cents"] == 3_000
    assert months[dt.date(2026, 7, 1)]["receivables_cents"] == 86_000
    response = _get(client, "cashflow", months=4)
    assert response.context["expected"][-1]["expected_cents"] == 2_000
    assert response.context["forecast"].later == Decimal("0.00")


def test_a_salesperson_expects_only_their_own_collections(ledger_book, client):
    response = _get(_as(client, "ana"), "cashflow")
    assert response.context["expected"][0]["expected_cents"] == 54_000
    text = _text(response)
    for marker in LUIS_MARKERS:
        assert marker not in text


def test_months_ahead_out_of_range_are_reported_and_three_are_shown(ledger_book, client):
    response = _get(_as(client, "gerente"), "cashflow", months=40)
    assert response.context["form"].errors
    assert len(response.context["expected"]) == 3
    assert 'name="months" id="id_months" value="3"' in _text(response)


# --- credit -----------------------------------------------------------------------------


def test_the_credit_page_sets_exposure_against_limits_and_dso_by_salesperson(ledger_book, client):
    response = _get(_as(client, "gerente"), "credit")
    context = response.context
    assert (context["over_limit"], context["without_limit"]) == (1, 1)
    assert [
        (r["client"], r["exposure_cents"], r["limit_cents"], r["headroom_cents"])
        for r in context["clients"]
    ] == [
        ("Z-UNO", 54_000, 40_000, -14_000),
        ("O-TRES", 30_000, 100_000, 70_000),
        ("Z-DOS", 2_000, None, None),
    ]
    people = {r["salesperson"]: r for r in context["people"]}
    # Ana owes 560.00 against 550.00 of sales in the 90 days to 20 July: 560 / 550 × 90.
    assert people["Ana Abril"]["dso"] == pytest.approx(91.636, abs=1e-3)
    assert people["Luis Lago"]["dso"] is None  # no sale of Luis's in those 90 days
    assert people["Ana Abril"]["limit_cents"] == 40_000
    text = _text(response)
    assert "-140,00 €" in text
    assert "por encima del límite" in text


def test_a_salesperson_sees_the_credit_of_their_own_clients_only(ledger_book, client):
    response = _get(_as(client, "ana"), "credit")
    assert [r["client"] for r in response.context["clients"]] == ["Z-UNO", "Z-DOS"]
    assert [r["salesperson"] for r in response.context["people"]] == ["Ana Abril"]
    text = _text(response)
    for marker in LUIS_MARKERS:
        assert marker not in text


# --- workbooks --------------------------------------------------------------------------


def _workbook(response) -> openpyxl.Workbook:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _cells(book: openpyxl.Workbook) -> str:
    return " ".join(
        str(value) for sheet in book for row in _rows(sheet) for value in row if value is not None
    )


def test_the_ageing_workbook_carries_the_totals(ledger_book, client):
    book = _workbook(_get(_as(client, "gerente"), "ageing_xlsx"))
    assert book.sheetnames == ["Resumen", "Por cliente", "Facturas pendientes"]
    summary = {row[0]: row for row in _rows(book["Resumen"])}
    assert summary["Total"][1:] == (860.0, 4, None, 62.0)
    assert summary["61–90"][1:] == (300.0, 1, 15.0, 45.0)
    assert summary["Vencido"][1] == 840.0
    clients = _rows(book["Por cliente"])
    assert [row[0] for row in clients[1:]] == ["Z-UNO", "O-TRES", "Z-DOS"]
    invoices = _rows(book["Facturas pendientes"])
    assert sorted(row[0] for row in invoices[1:]) == ["F-1", "F-2", "F-4", "F-5"]


def test_a_salespersons_ageing_workbook_holds_their_clients_only(ledger_book, client):
    book = _workbook(_get(_as(client, "ana"), "ageing_xlsx"))
    summary = {row[0]: row for row in _rows(book["Resumen"])}
    assert summary["Total"][1:] == (560.0, 3, None, 17.0)
    cells = _cells(book)
    for marker in LUIS_MARKERS:
        assert marker not in cells


def test_the_provisions_workbook_carries_the_movement(ledger_book, client):
    book = _workbook(_get(_as(client, "gerente"), "provisions_xlsx"))
    movement = {row[0]: row[2] for row in _rows(book["Movimiento"])[1:]}
    assert movement == {
        "Provisión inicial": 21.3,
        "Dotación": 41.0,
        "Reversión": 0.3,
        "Provisión final": 62.0,
        "Movimiento neto": 40.7,
    }
    summary = {row[0]: row for row in _rows(book["Resumen"])}
    assert summary["Total"][4] == 62.0
    by_client = {row[0]: row[2:] for row in _rows(book["Movimiento por cliente"])[1:]}
    assert by_client["Z-DOS"] == (0.3, 0.0, 0.0, 0.3)


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PAGES, "ageing_xlsx", "provisions_xlsx"])
def test_the_pages_need_a_login_and_are_read_only(ledger_book, client, name):
    url = reverse(f"receivables:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    _as(client, "gerente")
    assert client.post(url).status_code == 405
