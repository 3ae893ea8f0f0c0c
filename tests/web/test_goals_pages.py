"""The forecast and goals page: figures, scoping by role, goal setting and the workbook.

With the book of ``conftest`` and today frozen at 2026-11-22, the history runs through
October 2026 (the last complete month): company revenue per month is March 100.00,
April 370.00, May 30.00, June 500.00, then four empty months. Eight months is the
``new`` tier, forecast by the mean month: 1000.00 / 8 = 125.00 a month, 1500.00 over
the next twelve. Ana's book (Z-UNO, Z-DOS) is 630.00 over eight months, 78.75 a month
(945.00); Luis's (O-TRES) 370.00 over seven months (April – October), 52.86 a month.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cartera.catalog.models import Product
from cartera.goals import reports
from cartera.goals.models import Goal
from cartera.sales.services import LineInput, sale_record

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def goals(book):
    # A flat spread (no stored months, under two years of history): 100.00 a month for
    # the company, 66.67 / 66.66 for Ana.
    Goal.objects.create(salesperson=None, year=2026, target=Decimal("1200.00"))
    Goal.objects.create(salesperson=book.ana, year=2026, target=Decimal("800.00"))
    return book


def _get(client, user, **params):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("goals:index"), params)
    assert response.status_code == 200
    return response


def test_manager_sees_the_company_forecast_and_each_salespersons(client, goals):
    response = _get(client, goals.manager)
    assert response.context["total_row"]["horizon_cents"] == 150_000
    assert response.context["total_row"]["last_12_cents"] == 100_000
    assert response.context["total_row"]["model_label"] == "Average month"
    assert [(r["series"], r["horizon_cents"]) for r in response.context["series_rows"]] == [
        ("Ana Abril", 94_500),
        ("Luis Lago", 63_432),
    ]
    first = response.context["focus_months"][0]
    assert first[0] == dt.date(2026, 11, 1)
    assert first[1] == 12_500
    content = response.content.decode()
    assert "Luis Lago" in content
    assert "<svg" in content


def test_goals_show_target_achieved_projection_and_whether_on_track(client, goals):
    rows = {r.series: r for r in _get(client, goals.manager).context["goal_rows"]}
    company, ana = rows["total"], rows["Ana Abril"]
    # Company: 1200.00 goal, 100.00 a month; Jan – Oct goal 1000.00, sold 1000.00;
    # the year ends at 1000.00 + 2 × 125.00 forecast = 1250.00, 50.00 above.
    assert (company.goal_cents, company.ytd_goal_cents, company.ytd_actual_cents) == (
        120_000,
        100_000,
        100_000,
    )
    assert (company.projected_cents, company.projected_gap_cents, company.on_track) == (
        125_000,
        5_000,
        True,
    )
    # Ana: 800.00 goal, ten months 666.68 to date, sold 630.00; 630.00 + 2 × 78.75 =
    # 787.50, 12.50 short.
    assert (ana.ytd_goal_cents, ana.ytd_actual_cents, ana.projected_cents) == (
        66_668,
        63_000,
        78_750,
    )
    assert ana.projected_gap_cents == -1_250
    assert ana.on_track is False


def test_a_salesperson_sees_only_their_own_series_and_goal(client, goals):
    response = _get(client, goals.ana.user)
    assert response.context["total_row"]["horizon_cents"] == 94_500
    assert response.context["series_rows"] == []
    assert response.context["people"] == []
    assert [r.series for r in response.context["goal_rows"]] == ["Ana Abril"]
    content = response.content.decode()
    assert "Luis" not in content
    assert "Ópalo" not in content
    # Asking for Luis's series changes nothing: a salesperson has no selector.
    other = _get(client, goals.ana.user, salesperson=goals.luis.pk)
    assert other.context["chosen"] is None
    assert "Luis" not in other.content.decode()


def test_a_manager_can_focus_on_one_salesperson(client, goals):
    response = _get(client, goals.manager, salesperson=goals.luis.pk)
    assert response.context["focus_name"] == "Luis Lago"
    # 370.00 over seven months: 52.86 a month.
    assert response.context["focus_months"][0][1] == 5_286
    assert [r.series for r in response.context["goal_rows"]] == ["total"]


def test_a_warm_page_reads_the_forecast_from_the_cache(client, goals, monkeypatch):
    _get(client, goals.manager)

    def refit(**kwargs):
        raise AssertionError("the forecast was fitted again")

    monkeypatch.setattr(reports, "forecast_report", refit)
    monkeypatch.setattr(reports, "goal_status_for", refit)
    monkeypatch.setattr(reports, "drift_check", refit)
    assert _get(client, goals.manager).context["total_row"]["horizon_cents"] == 150_000


def test_a_new_goal_is_shown_at_once(client, goals):
    _get(client, goals.manager)
    Goal.objects.filter(salesperson=None).update(target=Decimal("2400.00"))
    Goal.objects.filter(salesperson=None).first().save()  # touches updated_at
    rows = {r.series: r for r in _get(client, goals.manager).context["goal_rows"]}
    assert rows["total"].goal_cents == 240_000


def test_a_manager_sets_a_goal_through_the_service(client, book):
    client.force_login(book.manager)
    response = client.post(
        reverse("goals:set_goal"),
        {
            "salesperson": book.luis.pk,
            "year": 2027,
            "month": "",
            "target": "1200",
            "spread": "even",
        },
    )
    assert response.status_code == 302
    months = Goal.objects.filter(salesperson=book.luis, year=2027, month__isnull=False)
    assert sorted(g.target for g in months) == [Decimal("100.00")] * 12
    assert Goal.objects.get(salesperson=book.luis, year=2027, month=None).target == Decimal(
        "1200.00"
    )


def test_an_invalid_goal_is_refused_with_a_message(client, book):
    client.force_login(book.manager)
    response = client.post(reverse("goals:set_goal"), {"year": 2027, "target": "-5"}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert not Goal.objects.exists()


def test_a_salesperson_cannot_set_a_goal(client, book):
    client.force_login(book.ana.user)
    response = client.post(
        reverse("goals:set_goal"),
        {"salesperson": book.ana.pk, "year": 2027, "target": "99999", "spread": "even"},
    )
    assert response.status_code == 403
    assert not Goal.objects.exists()


def test_the_workbook_opens_with_the_forecast_and_the_goals(client, goals):
    client.force_login(goals.manager)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("goals:export_xlsx"), {"year": 2026})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Goals", "Forecast", "Models"]
    goals_sheet = list(book["Goals"].iter_rows(values_only=True))
    assert goals_sheet[1][:4] == ("Company", 1200.0, 1000.0, 1000.0)
    assert goals_sheet[2][0] == "Ana Abril"
    assert goals_sheet[2][-1] is False
    forecast = list(book["Forecast"].iter_rows(values_only=True))
    assert forecast[0][:3] == ("Series", "Month", "Forecast")
    assert forecast[1][0] == "Company"
    assert forecast[1][2] == 125.0
    assert {row[0] for row in forecast[1:]} == {"Company", "Ana Abril", "Luis Lago"}


def test_a_salespersons_workbook_holds_only_their_book(client, goals):
    client.force_login(goals.luis.user)
    response = client.get(reverse("goals:export_xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = {c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row}
    assert "Ana Abril" not in cells


def test_a_new_sale_is_forecast_on_the_next_read(client, goals, django_capture_on_commit_callbacks):
    assert _get(client, goals.manager).context["total_row"]["last_12_cents"] == 100_000
    product = Product.objects.get(sku="GAZ-1")
    with django_capture_on_commit_callbacks(execute=True):
        sale_record(
            number="F-5",
            account=goals.tres,
            date=dt.date(2026, 10, 5),
            lines=[LineInput(product=product, quantity=Decimal(20))],
        )
    row = _get(client, goals.manager).context["total_row"]
    # 1200.00 over eight months: 150.00 a month, 1800.00 over the next twelve.
    assert row["last_12_cents"] == 120_000
    assert row["horizon_cents"] == 180_000
