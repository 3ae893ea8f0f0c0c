"""The prospects pages: the board, moves, the checklist and acquisition cost (issue 9).

On top of the hand-made book (tests/web/conftest.py), a small pipeline:

========  =====  =====================  ============================================
code      owner  campaign               history
========  =====  =====================  ============================================
P-CUATRO  Ana    —                      a prospect outside the pipeline ("new")
P-CINCO   Ana    —                      new 2026-01-05 → contacted 2026-02-01
P-SEIS    Luis   Alimentaria (1.000 €)  new 2024-01-02 → won 2024-02-01; buys 20 u
                                        (200,00 €) on 2024-03-01
P-SIETE   Luis   Alimentaria            new 2024-01-02 → disqualified 2024-01-20
========  =====  =====================  ============================================

Alimentaria (a trade fair): 2 prospects, 1 won (win rate 50 %), cost per client won
1.000,00 €, first-year revenue per client 200,00 €, ratio 5,00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cartera.catalog.models import Product
from cartera.clients.models import Account, Status
from cartera.common.scoping import SYSTEM
from cartera.prospecting.board import pipeline_board
from cartera.prospecting.models import QualificationItem, StageChange
from cartera.prospecting.services import prospect_disqualify, prospect_stage_set, prospect_win
from cartera.sales.services import LineInput, sale_record
from tests.factories import AccountFactory, CampaignFactory
from tests.web.conftest import build_book

pytestmark = pytest.mark.django_db


def _pipeline():
    book = build_book()
    feria = CampaignFactory(name="Alimentaria", source="trade_fair", cost=Decimal("1000.00"))
    cinco = AccountFactory(
        code="P-CINCO", legal_name="Perla Cinco S.L.", owner=book.ana, status=Status.PROSPECT
    )
    seis = AccountFactory(
        code="P-SEIS", legal_name="Perla Seis S.L.", owner=book.luis, status=Status.PROSPECT,
        campaign=feria,
    )  # fmt: skip
    siete = AccountFactory(
        code="P-SIETE", legal_name="Perla Siete S.L.", owner=book.luis, status=Status.PROSPECT,
        campaign=feria,
    )  # fmt: skip
    prospect_stage_set(account=cinco, stage="new", by=SYSTEM, on=dt.date(2026, 1, 5))
    prospect_stage_set(account=cinco, stage="contacted", by=SYSTEM, on=dt.date(2026, 2, 1))
    for account in (seis, siete):
        prospect_stage_set(account=account, stage="new", by=SYSTEM, on=dt.date(2024, 1, 2))
    prospect_win(account=seis, by=SYSTEM, on=dt.date(2024, 2, 1))
    prospect_disqualify(account=siete, reason="no_budget", by=SYSTEM, on=dt.date(2024, 1, 20))
    sale_record(
        number="F-SEIS",
        account=Account.objects.get(pk=seis.pk),
        date=dt.date(2024, 3, 1),
        lines=[LineInput(product=Product.objects.get(sku="GAZ-1"), quantity=Decimal(20))],
    )
    book.cinco, book.seis, book.siete, book.feria = cinco, seis, siete, feria
    return book


@pytest.fixture
def pipeline(db):
    return _pipeline()


def _codes(columns) -> dict[str, list[str]]:
    return {c.stage: [card.account.code for card in c.cards] for c in columns}


def test_the_board_puts_each_open_prospect_in_its_stage_with_days_there(pipeline):
    columns = pipeline_board(user=pipeline.manager, today=dt.date(2026, 3, 3))
    assert _codes(columns) == {
        "new": ["P-CUATRO"], "contacted": ["P-CINCO"], "qualified": [], "proposal": [],
    }  # fmt: skip
    (cinco,) = columns[1].cards
    assert cinco.days_in_stage == 30  # 2026-02-01 → 2026-03-03
    assert [m.key for m in cinco.marks] == ["needs_confirmed", "payment_capacity", "profile_fit"]
    assert {m.state for m in cinco.marks} == {"unknown"}
    assert [m.tickable for m in cinco.marks] == [True, False, False]


def test_a_salesperson_sees_only_their_own_prospects_on_the_page(client, pipeline):
    client.force_login(pipeline.luis.user)
    response = client.get(reverse("prospecting:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Perla Cinco" not in page
    assert "Perla Cuatro" not in page
    summary = response.context["summary"]
    assert (summary.prospects, summary.open, summary.won, summary.lost) == (2, 0, 1, 1)
    assert "pool" not in response.context  # no checklist editor


def test_the_manager_sees_the_funnel_and_conversion(client, pipeline):
    client.force_login(pipeline.manager)
    response = client.get(reverse("prospecting:index"))
    funnel = {r["step"]: (r["reached"], r["open"]) for r in response.context["funnel"]}
    # Three prospects in the pipeline (P-CUATRO has no stage yet): all reached "new",
    # P-CINCO and P-SEIS "contacted" (a win passes every stage), P-SEIS won.
    assert funnel == {1: (3, 0), 2: (2, 1), 3: (1, 0), 4: (1, 0), 5: (1, 1)}
    by_campaign = {
        r["campaign"]: (r["created"], r["won"], r["win_rate"])
        for r in response.context["by_campaign"]
    }
    assert by_campaign == {"Alimentaria": (2, 1, 0.5), "—": (1, 0, 0.0)}


def test_moving_a_prospect_records_the_stage_change(client, pipeline):
    client.force_login(pipeline.ana.user)
    response = client.post(
        reverse("prospecting:move", args=[pipeline.cinco.pk]), {"stage": "proposal"}
    )
    assert response.status_code == 302
    cinco = Account.objects.get(pk=pipeline.cinco.pk)
    assert (cinco.pipeline_stage, cinco.status) == ("proposal", Status.QUALIFIED)
    last = StageChange.objects.filter(account=cinco).latest("id")
    assert (last.from_stage, last.stage, last.changed_by) == (
        "contacted", "proposal", pipeline.ana.user,
    )  # fmt: skip


def test_htmx_gets_the_board_back_with_the_card_moved(client, pipeline):
    client.force_login(pipeline.ana.user)
    response = client.post(
        reverse("prospecting:move", args=[pipeline.cuatro.pk]),
        {"stage": "qualified"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.templates[0].name == "prospecting/_board.html"
    assert _codes(response.context["columns"])["qualified"] == ["P-CUATRO"]


def test_winning_and_disqualifying_from_the_board(client, pipeline):
    client.force_login(pipeline.ana.user)
    client.post(reverse("prospecting:win", args=[pipeline.cinco.pk]))
    client.post(reverse("prospecting:disqualify", args=[pipeline.cuatro.pk]), {"reason": "no_need"})
    cinco, cuatro = (Account.objects.get(pk=a.pk) for a in (pipeline.cinco, pipeline.cuatro))
    assert (cinco.status, cinco.pipeline_stage, cinco.won_on) == (
        Status.CLIENT, "won", timezone.localdate(),
    )  # fmt: skip
    assert (cuatro.pipeline_stage, cuatro.disqualified_reason) == ("lost", "no_need")


def test_a_disqualification_without_reason_is_refused_with_a_message(client, pipeline):
    client.force_login(pipeline.ana.user)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("prospecting:disqualify", args=[pipeline.cinco.pk]), {"reason": ""}, follow=True
    )
    assert "Say why the prospect is discarded." in response.content.decode()
    assert Account.objects.get(pk=pipeline.cinco.pk).pipeline_stage == "contacted"


@pytest.mark.parametrize("name", ["move", "win", "disqualify", "tick"])
def test_another_salespersons_prospect_is_not_found(client, pipeline, name):
    client.force_login(pipeline.ana.user)
    response = client.post(
        reverse(f"prospecting:{name}", args=[pipeline.siete.pk]),
        {"stage": "contacted", "reason": "no_need", "key": "needs_confirmed", "value": "1"},
    )
    assert response.status_code == 404
    assert StageChange.objects.filter(account=pipeline.siete).count() == 2


def test_ticking_a_yes_no_item_answers_it_for_that_prospect(client, pipeline):
    client.force_login(pipeline.ana.user)
    client.cookies["django_language"] = "en"
    client.post(
        reverse("prospecting:tick", args=[pipeline.cinco.pk]),
        {"key": "needs_confirmed", "value": "1"},
    )
    assert Account.objects.get(pk=pipeline.cinco.pk).attributes["needs_confirmed"] is True
    columns = pipeline_board(user=pipeline.ana.user)
    (cinco,) = columns[1].cards
    assert cinco.marks[0].state == "met"
    response = client.post(
        reverse("prospecting:tick", args=[pipeline.cinco.pk]),
        {"key": "profile_fit", "value": "1"},
        follow=True,
    )
    assert "This item is not answered by hand." in response.content.decode()


def test_the_manager_ticks_the_checklist_in_force(client, pipeline):
    client.force_login(pipeline.manager)
    client.post(
        reverse("prospecting:checklist"),
        {"item": ["needs_confirmed", "profile_fit"], "value-profile_fit": "70"},
    )
    stored = list(QualificationItem.objects.values_list("key", "value"))
    assert stored == [("needs_confirmed", None), ("profile_fit", 70)]


def test_a_salesperson_may_not_change_the_checklist(client, pipeline):
    client.force_login(pipeline.ana.user)
    response = client.post(reverse("prospecting:checklist"), {"item": ["profile_fit"]})
    assert response.status_code == 403
    assert not QualificationItem.objects.exists()


def test_acquisition_cost_per_campaign_against_first_year_revenue(client, pipeline):
    client.force_login(pipeline.manager)
    response = client.get(reverse("prospecting:acquisition"))
    (_title, _name, campaigns), (_t, _n, sources) = response.context["tables"]
    (feria,) = campaigns
    assert (feria["campaign"], feria["cost_cents"], feria["prospects"], feria["won"]) == (
        "Alimentaria", 100_000, 2, 1,
    )  # fmt: skip
    assert feria["cac_cents"] == 100_000
    assert feria["first_year_revenue_per_client_cents"] == 20_000
    assert feria["cac_to_first_year"] == pytest.approx(5.0)
    assert str(sources[0]["source"]) == "Feria"  # trade_fair, in Spanish
    page = response.content.decode()
    assert "<svg" in page
    assert "1.000,00" in page  # the cost, in Spanish


def test_a_salesperson_gets_no_acquisition_cost(client, pipeline):
    client.force_login(pipeline.luis.user)
    response = client.get(reverse("prospecting:acquisition"))
    assert response.status_code == 200
    assert response.context["charts"] == []
    assert client.get(reverse("prospecting:acquisition_xlsx")).status_code == 403


def test_the_acquisition_workbook_downloads(client, pipeline):
    client.force_login(pipeline.manager)
    response = client.get(reverse("prospecting:acquisition_xlsx"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
