"""The dashboard's receivables and goals tiles and cards, per role, and their cache (issue 9).

The book of ``conftest`` with today frozen at 2026-11-22, every client on 30 days'
terms, plus one October sale and payments that leave one overdue invoice per
salesperson:

=====  ========  ===========  ==========  =======  ===========  ================
sale   client    date         due         amount   paid         open at 22 Nov
=====  ========  ===========  ==========  =======  ===========  ================
F-1    Z-UNO     2026-03-10   2026-04-09  100.00    60.00       40.00, 227 days
F-2    O-TRES    2026-04-01   2026-05-01  370.00        —      370.00, 205 days
F-3    Z-DOS     2026-05-01   2026-05-31   30.00    30.00           —
F-4    Z-UNO     2026-06-10   2026-07-10  500.00   500.00           —
F-5    Z-DOS     2026-10-05   2026-11-04   50.00    50.00           —
=====  ========  ===========  ==========  =======  ===========  ================

Both open invoices are 181–365 days overdue, provisioned at the default 60 %: Ana owes
40.00 (provision 24.00), Luis's client 370.00 (222.00); the company 410.00 (246.00).

Goals for 2026, spread evenly (under two years of history): the company 2400.00, 200.00
a month; Ana 800.00, 66.67 the first eight months and 66.66 the last four. Revenue by
month through October (the last complete month): March 100.00, April 370.00, May
30.00, June 500.00, October 50.00 (all Ana's but April). So the company has sold
1050.00 of 2000.00 due by October (52.5 %) and 50.00 of October's 200.00 (25.0 %); Ana
680.00 of 666.68 (102.0 %) and 50.00 of October's 66.66 (75.0 %).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cartera.catalog.models import Product
from cartera.goals import reports as goal_reports
from cartera.goals.models import Goal
from cartera.receivables.models import ProvisionOverride
from cartera.receivables.services import payment_record
from cartera.sales.models import Sale
from cartera.sales.services import LineInput, sale_record
from cartera.web import dashboard
from tests.factories import SalespersonFactory

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def ledger(book):
    sale_record(
        number="F-5",
        account=book.dos,
        date=dt.date(2026, 10, 5),
        lines=[LineInput(product=Product.objects.get(sku="SAL-1"), quantity=Decimal(5))],
    )
    for reference, number, day, amount in (
        ("P-1", "F-1", dt.date(2026, 4, 20), "60.00"),
        ("P-3", "F-3", dt.date(2026, 5, 30), "30.00"),
        ("P-4", "F-4", dt.date(2026, 7, 8), "500.00"),
        ("P-5", "F-5", dt.date(2026, 10, 20), "50.00"),
    ):
        sale = Sale.objects.get(number=number)
        payment_record(
            reference=reference, account=sale.account, sale=sale, date=day, amount=Decimal(amount)
        )
    Goal.objects.create(salesperson=None, year=2026, target=Decimal("2400.00"))
    Goal.objects.create(salesperson=book.ana, year=2026, target=Decimal("800.00"))
    return book


def _page(client, user, language="es"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    return response


def _tile(html: str, tile_id: str) -> str:
    found = re.search(rf'id="{tile_id}"[^>]*>(.*?)</(?:a|p)>', html, re.S)
    assert found, f"no {tile_id} on the page"
    # Collapse the template's layout only: money keeps its no-break space.
    return re.sub(r"[ \t\n]+", " ", found.group(1)).strip()


def _card(html: str, card_id: str) -> str:
    found = re.search(rf'<section class="card" id="{card_id}">(.*?)</section>', html, re.S)
    assert found, f"no {card_id} card on the page"
    return found.group(1)


def test_a_manager_sees_the_overdue_and_provision_of_both_salespeople(client, ledger):
    response = _page(client, ledger.manager)
    owed = response.context["receivables"]
    assert (owed.total_overdue, owed.provision, owed.overdue_clients) == (
        Decimal("410.00"),
        Decimal("246.00"),
        2,
    )
    html = response.content.decode()
    assert _tile(html, "overdue-tile") == (
        "<b>410,00\xa0€</b> vencido <br>2 clientes con facturas vencidas"
    )
    assert _tile(html, "provision-tile") == "<b>246,00\xa0€</b> provisión por insolvencias"
    card = _card(html, "receivables")
    # Largest overdue first, each linked to its client file.
    tres = card.index(f'href="{reverse("clients:detail", args=[ledger.tres.pk])}"')
    uno = card.index(f'href="{reverse("clients:detail", args=[ledger.uno.pk])}"')
    assert tres < uno
    for shown in ("Ópalo Tres", "370,00\xa0€", "205 días de retraso", "227 días de retraso"):
        assert shown in card
    assert f'href="{reverse("receivables:index")}"' in card
    # The 181–365 bucket holds both invoices and their provision; the total row closes it.
    assert re.search(r"<td>181–365</td><td class=\"num\">410,00\xa0€</td>", card)


def test_a_salesperson_sees_only_their_own_receivables(client, ledger):
    response = _page(client, ledger.ana.user)
    owed = response.context["receivables"]
    assert (owed.total_overdue, owed.provision, owed.overdue_clients) == (
        Decimal("40.00"),
        Decimal("24.00"),
        1,
    )
    html = response.content.decode()
    assert _tile(html, "overdue-tile").startswith("<b>40,00\xa0€</b> vencido <br>1 cliente ")
    assert _tile(html, "provision-tile").startswith("<b>24,00\xa0€</b>")
    assert "Ópalo" not in html
    assert "370,00" not in html
    # And the other way round.
    html = _page(client, ledger.luis.user).content.decode()
    assert _tile(html, "overdue-tile").startswith("<b>370,00\xa0€</b>")
    assert _tile(html, "provision-tile").startswith("<b>222,00\xa0€</b>")
    assert "Zafiro" not in html


def test_a_client_at_its_own_rate_is_provisioned_at_it(client, ledger):
    _page(client, ledger.ana.user)  # caches the summary under the old policy
    ProvisionOverride.objects.create(account=ledger.uno, percent=Decimal(100), reason="Concurso")
    owed = _page(client, ledger.ana.user).context["receivables"]
    assert (owed.provision, owed.overridden) == (Decimal("40.00"), Decimal("40.00"))


def test_the_goal_tiles_show_the_year_and_the_last_closed_month(client, ledger):
    html = _page(client, ledger.manager).content.decode()
    assert _tile(html, "goal-year-tile") == (
        "<b>52,5\xa0%</b> del objetivo de 2026 a la fecha"
        " <br>1.050,00\xa0€ vendidos de 2.400,00\xa0€ del año"
    )
    assert _tile(html, "goal-month-tile").startswith("<b>25,0\xa0%</b> del objetivo de ")
    card = _card(html, "goals")
    assert "Ana Abril" in card  # each salesperson's goal, under the company's
    assert f'href="{reverse("goals:index")}"' in card

    html = _page(client, ledger.ana.user).content.decode()
    assert _tile(html, "goal-year-tile").startswith("<b>102,0\xa0%</b>")
    assert "680,00\xa0€ vendidos de 800,00\xa0€" in _tile(html, "goal-year-tile")
    assert _tile(html, "goal-month-tile").startswith("<b>75,0\xa0%</b>")


def test_the_goals_card_lists_goal_actual_and_forecast_by_month(client, ledger):
    response = _page(client, ledger.ana.user, language="en")
    goals = response.context["goals"]
    assert goals.headline.series == "Ana Abril"
    assert goals.others == ()
    months = {m.month: m for m in goals.months}
    assert len(months) == 12
    october, november = months[dt.date(2026, 10, 1)], months[dt.date(2026, 11, 1)]
    assert (october.goal_cents, october.actual_cents) == (6_666, 5_000)
    assert (november.goal_cents, november.actual_cents) == (6_666, None)
    # Eight months of history, the mean month: 680.00 / 8.
    assert november.forecast_cents == 8_500
    assert goals.month == october


def test_without_receivables_or_goals_the_dashboard_says_so(client, book):
    newcomer = SalespersonFactory(name="Eva Nueva", user__username="eva")  # no client yet
    html = _page(client, newcomer.user, language="en").content.decode()
    assert _tile(html, "overdue-tile") == "Nothing owed."
    assert _tile(html, "goal-year-tile") == "No goals set for 2026."
    assert "Nothing owed." in _card(html, "receivables")
    assert "No goals set for 2026." in _card(html, "goals")


def test_a_warm_dashboard_reads_the_receivables_and_goals_from_the_cache(
    client, ledger, monkeypatch, django_capture_on_commit_callbacks
):
    _page(client, ledger.manager)
    _page(client, ledger.ana.user)

    def recompute(**kwargs):
        raise AssertionError("recomputed on a warm dashboard")

    monkeypatch.setattr(dashboard, "provisioned_ageing", recompute)
    monkeypatch.setattr(goal_reports, "goal_status_for", recompute)
    assert _page(client, ledger.manager).context["receivables"].total_overdue == Decimal("410.00")
    assert _page(client, ledger.ana.user).context["receivables"].provision == Decimal("24.00")
    monkeypatch.undo()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)
    # A committed payment bumps the data version: the next read recomputes.
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            reference="P-1b",
            account=ledger.uno,
            sale=Sale.objects.get(number="F-1"),
            date=dt.date(2026, 11, 20),
            amount=Decimal("40.00"),
        )
    owed = _page(client, ledger.ana.user).context["receivables"]
    assert (owed.total_overdue, owed.provision) == (Decimal("0.00"), Decimal("0.00"))
