"""The salespeople pages and the hand-over wizard (issue 9, S0.4, S1.5).

On the hand-made book of tests/web/conftest.py, read on 2026-11-22: Ana holds Z-UNO
(Sevilla, bars; 600,00 € in two purchases) and Z-DOS (Cádiz, hotels; 30,00 €) and the
prospect P-CUATRO (Huelva, bars); Luis holds O-TRES (370,00 €). Nothing is paid, and
every invoice fell due 30 days after it, before that day. Ana's goal for 2026 is
1.200,00 €, spread evenly (under two years of history).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cartera.clients.models import Account, OwnershipPeriod
from cartera.goals.models import Goal
from cartera.team.models import Salesperson
from cartera.team.selectors import team_rows
from tests.factories import SalespersonFactory
from tests.web.conftest import build_book

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def team(db):
    book = build_book()
    Goal.objects.create(salesperson=book.ana, year=2026, target=Decimal("1200.00"))
    book.eva = SalespersonFactory(name="Eva Estrada", user__username="eva")
    return book


def test_one_row_per_salesperson_with_every_figure(team):
    rows = {row.salesperson.name: row for row in team_rows(user=team.manager, as_of=AS_OF)}
    assert list(rows) == ["Ana Abril", "Eva Estrada", "Luis Lago"]
    ana, luis = rows["Ana Abril"], rows["Luis Lago"]
    assert (ana.clients, ana.prospects, luis.clients, luis.prospects) == (2, 1, 1, 0)
    figures = ana.figures
    assert figures["revenue_cents"] == 63_000
    assert figures["average_ticket_cents"] == 21_000  # three invoices
    assert figures["repeat_clients_share"] == 0.5  # Z-UNO bought twice, Z-DOS once
    assert (figures["lost"], figures["attrition_rate"]) == (0, None)
    assert (figures["open_cents"], figures["overdue_cents"]) == (63_000, 63_000)
    assert luis.figures["open_cents"] == 37_000
    # Goal to date: January–October of 100,00 € a month against 630,00 € sold.
    assert (figures["goal_cents"], figures["ytd_goal_cents"]) == (120_000, 100_000)
    assert figures["attainment"] == pytest.approx(0.63)
    assert luis.figures["goal_cents"] is None
    assert rows["Eva Estrada"].figures["revenue_cents"] is None


def test_a_salesperson_sees_only_their_own_row(client, team):
    client.force_login(team.ana.user)
    response = client.get(reverse("team:index"))
    assert [row.salesperson.name for row in response.context["rows"]] == ["Ana Abril"]
    assert "Luis Lago" not in response.content.decode()


def test_the_manager_sees_everyone(client, team):
    client.force_login(team.manager)
    response = client.get(reverse("team:index"))
    page = response.content.decode()
    assert all(name in page for name in ("Ana Abril", "Luis Lago", "Eva Estrada"))


def test_a_salespersons_page_lists_their_book(client, team):
    client.force_login(team.ana.user)
    response = client.get(reverse("team:detail", args=[team.ana.pk]))
    assert response.status_code == 200
    assert [a.code for a in response.context["book"]] == ["Z-DOS", "Z-UNO", "P-CUATRO"]
    assert reverse("team:hand_over", args=[team.ana.pk]) not in response.content.decode()


def test_another_salespersons_page_is_not_found(client, team):
    client.force_login(team.ana.user)
    assert client.get(reverse("team:detail", args=[team.luis.pk])).status_code == 404
    assert client.get(reverse("team:hand_over", args=[team.luis.pk])).status_code == 404
    assert client.get(reverse("team:detail", args=[987_654])).status_code == 404


def test_the_wizard_is_refused_to_a_salesperson(client, team):
    client.force_login(team.ana.user)
    url = reverse("team:hand_over", args=[team.ana.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"step": "confirm", "receivers": [team.luis.pk], "reason": "Mía", "on": "2026-11-01"}
    )
    assert response.status_code == 403
    assert Account.objects.get(pk=team.uno.pk).owner == team.ana


def _wizard(client, team, step: str, **data):
    url = reverse("team:hand_over", args=[team.ana.pk])
    return client.post(url, {"step": step, "reason": "Reparto de zona", "on": "2026-11-01", **data})


def test_the_preview_shows_who_gets_which_clients_and_changes_nothing(client, team):
    client.force_login(team.manager)
    response = _wizard(client, team, "preview", receivers=[team.luis.pk], city="Sevilla")
    assert response.context["step"] == 2
    plan = response.context["plan"]
    assert [(s.receiver.name, [a.code for a in s.accounts]) for s in plan.shares] == [
        ("Luis Lago", ["Z-UNO"])
    ]
    assert Account.objects.get(pk=team.uno.pk).owner == team.ana


def test_confirming_hands_the_filtered_clients_over_with_their_history(client, team):
    client.force_login(team.manager)
    response = _wizard(client, team, "confirm", receivers=[team.luis.pk], city="Sevilla")
    assert response.context["step"] == 3
    assert response.context["handed"] == {"Luis Lago": 1}
    owners = dict(Account.objects.filter(owner__isnull=False).values_list("code", "owner__name"))
    assert owners == {
        "Z-UNO": "Luis Lago", "Z-DOS": "Ana Abril", "P-CUATRO": "Ana Abril", "O-TRES": "Luis Lago",
    }  # fmt: skip
    period = OwnershipPeriod.objects.get(account=team.uno, ended_on__isnull=True)
    assert (period.salesperson, period.started_on, period.reason, period.handed_over_by) == (
        team.luis, dt.date(2026, 11, 1), "Reparto de zona", team.manager,
    )  # fmt: skip


def test_several_receivers_share_the_clients_by_value(client, team):
    client.force_login(team.manager)
    response = _wizard(
        client, team, "confirm", receivers=[team.luis.pk, team.eva.pk], segment="Bares"
    )
    assert response.context["handed"] == {"Eva Estrada": 1, "Luis Lago": 1}
    # No ratings, so every value is 0: dealt in id order to the receivers by name.
    assert Account.objects.get(pk=team.uno.pk).owner == team.eva
    assert Account.objects.get(pk=team.cuatro.pk).owner == team.luis
    assert Account.objects.get(pk=team.dos.pk).owner == team.ana


def test_a_departure_deals_the_whole_book_out_and_closes_the_login(client, team):
    client.force_login(team.manager)
    response = _wizard(client, team, "confirm", receivers=[team.luis.pk, team.eva.pk], leaving="on")
    # Snake order: Z-UNO to Eva, Z-DOS and P-CUATRO to Luis.
    assert response.context["handed"] == {"Eva Estrada": 1, "Luis Lago": 2}
    assert not Account.objects.filter(owner=team.ana).exists()
    ana = Salesperson.objects.get(pk=team.ana.pk)
    assert (ana.is_active, ana.left_on, ana.user.is_active) == (False, dt.date(2026, 11, 1), False)


def test_a_departure_with_filters_is_sent_back_to_the_first_step(client, team):
    client.force_login(team.manager)
    response = _wizard(client, team, "preview", receivers=[team.luis.pk], leaving="on", city="X")
    assert response.context["step"] == 1
    assert response.context["form"].non_field_errors()
    assert Account.objects.filter(owner=team.ana).count() == 3


def test_back_from_the_preview_keeps_the_choices(client, team):
    client.force_login(team.manager)
    response = _wizard(client, team, "edit", receivers=[team.luis.pk], city="Sevilla")
    form = response.context["form"]
    assert (response.context["step"], form["city"].value()) == (1, "Sevilla")
