"""The prospect pipeline on the database: stages, history, win, funnel, cycle, CAC (issue 7;
S0.5, S0.6, S1.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cartera.clients.models import OwnershipPeriod, Status
from cartera.prospecting.models import StageChange
from cartera.prospecting.selectors import pipeline_summary, qualification_for
from cartera.prospecting.services import (
    prospect_disqualify,
    prospect_reopen,
    prospect_stage_set,
    prospect_win,
    qualification_checklist_set,
)
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    ManagerFactory,
    SaleFactory,
    SalespersonFactory,
)

JAN = dt.date(2025, 1, 10)


@pytest.fixture
def team(db):
    return {"ana": SalespersonFactory(name="Ana"), "luis": SalespersonFactory(name="Luis"),
            "manager": ManagerFactory()}  # fmt: skip


def _prospect(code, owner, **fields):
    account = AccountFactory(code=code, owner=owner, status=Status.PROSPECT, **fields)
    OwnershipPeriod.objects.create(
        account=account, salesperson=owner, started_on=JAN, reason="Asignación"
    )
    return account


def _history(account):
    return list(
        StageChange.objects.filter(account=account)
        .order_by("date", "id")
        .values_list("from_stage", "stage", "date", "reason")
    )


def test_a_prospect_moves_through_the_stages_and_is_won_on_the_same_account(team):
    ana = team["ana"]
    account = _prospect("P1", ana)
    for stage, day in (
        ("new", JAN),
        ("contacted", dt.date(2025, 1, 20)),
        ("qualified", dt.date(2025, 2, 1)),
        ("proposal", dt.date(2025, 2, 15)),
    ):
        prospect_stage_set(account=account, stage=stage, by=ana.user, on=day)  # fmt: skip
    account.refresh_from_db()
    assert account.status == Status.QUALIFIED  # qualified and proposal: a qualified prospect

    won = prospect_win(account=account, by=ana.user, on=dt.date(2025, 3, 11))

    assert won.pk == account.pk
    assert (won.status, won.pipeline_stage, won.won_on) == ("client", "won", dt.date(2025, 3, 11))
    assert _history(account) == [
        ("", "new", JAN, ""),
        ("new", "contacted", dt.date(2025, 1, 20), ""),
        ("contacted", "qualified", dt.date(2025, 2, 1), ""),
        ("qualified", "proposal", dt.date(2025, 2, 15), ""),
        ("proposal", "won", dt.date(2025, 3, 11), ""),
    ]
    # The first owner's period is kept: winning is not a hand-over.
    assert list(OwnershipPeriod.objects.filter(account=account).values_list(
        "salesperson__name", "started_on", "ended_on")) == [("Ana", JAN, None)]  # fmt: skip


def test_disqualifying_needs_a_reason_and_closes_the_prospect(team):
    ana = team["ana"]
    account = _prospect("P2", ana)
    prospect_stage_set(account=account, stage="contacted", by=ana.user, on=JAN)
    with pytest.raises(ValidationError):
        prospect_disqualify(account=account, reason="", by=ana.user)
    prospect_disqualify(account=account, reason="no_budget", by=ana.user, on=dt.date(2025, 2, 9))
    account.refresh_from_db()
    assert (account.pipeline_stage, account.disqualified_reason) == ("lost", "no_budget")
    with pytest.raises(ValidationError):
        prospect_win(account=account, by=ana.user)
    with pytest.raises(ValidationError):
        prospect_stage_set(account=account, stage="qualified", by=ana.user)
    prospect_reopen(account=account, by=ana.user, on=dt.date(2025, 3, 1))
    account.refresh_from_db()
    assert (account.pipeline_stage, account.disqualified_reason) == ("contacted", "")


def test_a_salesperson_moves_only_their_own_prospects(team):
    mine = _prospect("P3", team["ana"])
    with pytest.raises(PermissionDenied):
        prospect_stage_set(account=mine, stage="contacted", by=team["luis"].user)
    with pytest.raises(PermissionDenied):
        prospect_win(account=mine, by=team["luis"].user)
    with pytest.raises(PermissionDenied):
        qualification_checklist_set(items=[], by=team["ana"].user)
    prospect_stage_set(account=mine, stage="contacted", by=team["manager"])


def test_funnel_cycle_and_acquisition_cost_as_computed_by_hand(team):
    """Four prospects of one fair costing 1,000.00: one won after 60 days, one discarded
    at contacted, one qualified, one new. Reached: new 4, contacted 3, qualified 2,
    proposal 1, won 1; CAC 1,000.00 ÷ 1 won; first-year revenue 400.00 (S1.4)."""
    ana, manager = team["ana"], team["manager"]
    fair = CampaignFactory(name="Feria", source="trade_fair", cost=Decimal("1000.00"))
    accounts = {code: _prospect(code, ana, campaign=fair, source="trade_fair")
                for code in ("W", "L", "Q", "N")}  # fmt: skip
    start = dt.date(2025, 1, 1)
    for account in accounts.values():
        prospect_stage_set(account=account, stage="new", by=ana.user, on=start)
    for code in ("W", "L", "Q"):
        prospect_stage_set(account=accounts[code], stage="contacted", by=ana.user, on=start)
    prospect_disqualify(account=accounts["L"], reason="no_budget", by=ana.user,
                        on=dt.date(2025, 1, 21))  # fmt: skip
    prospect_stage_set(account=accounts["Q"], stage="qualified", by=ana.user, on=start)
    prospect_stage_set(account=accounts["W"], stage="qualified", by=ana.user, on=start)
    prospect_stage_set(account=accounts["W"], stage="proposal", by=ana.user, on=start)
    prospect_win(account=accounts["W"], by=ana.user, on=dt.date(2025, 3, 2))
    SaleFactory(account=accounts["W"], date=dt.date(2025, 4, 1), due_date=dt.date(2025, 5, 1),
                total=Decimal("400.00"))  # fmt: skip

    summary = pipeline_summary(manager, as_of=dt.date(2026, 6, 30))

    assert (summary.prospects, summary.open, summary.won, summary.lost) == (4, 2, 1, 1)
    funnel = {r["stage"]: (r["reached"], r["open"], r["lost_here"])
              for r in summary.funnel.iter_rows(named=True)}  # fmt: skip
    assert funnel == {"new": (4, 1, 0), "contacted": (3, 0, 1), "qualified": (2, 1, 0),
                      "proposal": (1, 0, 0), "won": (1, 1, 0)}  # fmt: skip
    assert summary.funnel["conversion"].to_list()[1:] == [0.75, 2 / 3, 0.5, 1.0]
    cycle = summary.cycle.row(0, named=True)
    assert (cycle["won"], cycle["median_days"], cycle["median_days_to_discard"]) == (1, 60.0, 20.0)
    assert summary.lost_reasons.select("lost_reason", "prospects").rows() == [("no_budget", 1)]
    cost = summary.cost_by_campaign.row(0, named=True)
    assert (cost["campaign"], cost["cost_cents"], cost["won"], cost["cac_cents"]) == (
        "Feria", 100_000, 1, 100_000)  # fmt: skip
    assert cost["first_year_revenue_per_client_cents"] == 40_000
    assert cost["cac_to_first_year"] == 2.5
    by_source = summary.cost_by_source.row(0, named=True)
    assert (by_source["source"], by_source["cac_cents"]) == ("trade_fair", 100_000)

    # A salesperson sees their own funnel; the company's campaign costs are not theirs.
    assert pipeline_summary(team["luis"].user).prospects == 0
    assert pipeline_summary(ana.user).cost_by_campaign.is_empty()


def test_the_qualification_checklist_says_what_is_still_to_ask(team):
    ana, manager = team["ana"], team["manager"]
    qualification_checklist_set(
        items=[
            {"key": "needs", "label": "Needs confirmed", "attribute": "needs_confirmed",
             "op": "true"},
            {"key": "credit", "label": "Credit rating ≥ 600", "attribute": "credit_rating",
             "op": "gte", "value": 600},
        ],
        by=manager,
    )  # fmt: skip
    ready = _prospect("R", ana, attributes={"needs_confirmed": True, "credit_rating": 700})
    weak = _prospect("S", ana, attributes={"needs_confirmed": True, "credit_rating": 450})
    unknown = _prospect("U", ana, attributes={})
    for account in (ready, weak, unknown):
        prospect_stage_set(account=account, stage="contacted", by=ana.user, on=JAN)

    checked = {r["code"]: (r["qualified"], r["failed"], r["unknown"])
               for r in qualification_for(ana.user).iter_rows(named=True)}  # fmt: skip

    assert checked == {
        "R": (True, [], []),
        "S": (False, ["credit"], []),
        "U": (False, [], ["needs", "credit"]),
    }


def test_a_bad_checklist_item_is_refused_naming_the_field(team):
    with pytest.raises(ValidationError) as refused:
        qualification_checklist_set(
            items=[{"key": "x", "attribute": "fit", "op": "gte", "value": "high"}],
            by=team["manager"],
        )
    assert "value" in refused.value.message_dict
