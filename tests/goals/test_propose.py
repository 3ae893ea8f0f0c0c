"""Next year's goals proposed from the forecast and stored by a manager (S3.5).

Ana's portfolio sells 100,000 × a known seasonal index every month of 2024 – 2026,
Bruno's 50,000 × the same indices, and an account nobody owns 10,000 flat. A series
that repeats itself exactly is forecast to repeat: next year's base is about
1,200,000 for Ana, and her goal with 8 % growth is that base × 1.08, spread over the
months by the indices (not evenly).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from cartera.audit.models import AuditEvent
from cartera.goals.models import Goal
from cartera.goals.services import goals_accept, goals_propose
from tests.factories import AccountFactory, ManagerFactory, SalespersonFactory
from tests.goals.months import months

pytestmark = pytest.mark.django_db

PROFILE = (0.6, 0.7, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.1, 1.0, 0.9, 1.2)
AS_OF = dt.date(2026, 12, 31)


@pytest.fixture
def team(record_sales):
    ana = SalespersonFactory(name="Ana Souto")
    bruno = SalespersonFactory(name="Bruno Lage")
    rows = []
    for owner, level in ((ana, 100_000), (bruno, 50_000), (None, None)):
        account = AccountFactory(owner=owner)
        for day in months(dt.date(2024, 1, 1), 36):
            index = Decimal(str(PROFILE[day.month - 1]))
            rows.append((account, day, Decimal(10_000) if level is None else level * index))
    record_sales(rows)
    return ana, bruno


@pytest.fixture
def proposal(team):
    return goals_propose(year=2027, growth="0.08", acting_user=ManagerFactory(), as_of=AS_OF)


def test_each_active_salesperson_and_the_company_get_a_goal(team, proposal):
    ana, bruno = team
    assert proposal.salesperson_ids == {"Ana Souto": ana.pk, "Bruno Lage": bruno.pk}
    assert proposal.skipped == ("(unassigned)",)
    assert proposal.through == dt.date(2026, 12, 1)
    assert sorted(proposal.salespeople.annual["series"]) == ["Ana Souto", "Bruno Lage"]


def test_the_goal_is_the_forecast_year_plus_growth(proposal):
    for part in (proposal.company, proposal.salespeople):
        for row in part.annual.iter_rows(named=True):
            grown = (Decimal(row["base_cents"]) * Decimal("1.08")).quantize(
                Decimal(1), ROUND_HALF_UP
            )
            assert row["goal_cents"] == int(grown)
    ana = proposal.salespeople.annual.filter(pl.col("series") == "Ana Souto").row(0, named=True)
    assert ana["base_cents"] == pytest.approx(120_000_000, rel=0.01)
    company = proposal.company.annual.row(0, named=True)
    assert company["base_cents"] == pytest.approx(120_000_000 * 1.5 + 12_000_000, rel=0.01)


def test_the_months_follow_the_season_and_add_up_to_the_year(proposal):
    ana = proposal.salespeople.monthly.filter(pl.col("series") == "Ana Souto").sort("month")
    goal = int(proposal.salespeople.annual.filter(pl.col("series") == "Ana Souto")["goal_cents"][0])
    assert ana["goal_cents"].sum() == goal
    for cents, index in zip(ana["goal_cents"], PROFILE, strict=True):
        assert cents == pytest.approx(goal * index / 12, abs=1)


def test_accepting_stores_a_year_and_twelve_months_per_goal(team, proposal):
    ana, _bruno = team
    manager = ManagerFactory()
    assert goals_accept(proposal=proposal, acting_user=manager) == 39
    stored = Goal.objects.filter(year=2027)
    assert stored.count() == 39
    yearly = stored.get(salesperson=ana, month__isnull=True).target
    months_ = stored.filter(salesperson=ana, month__isnull=False)
    assert sum(g.target for g in months_) == yearly
    assert int(yearly * 100) == int(
        proposal.salespeople.annual.filter(pl.col("series") == "Ana Souto")["goal_cents"][0]
    )
    event = AuditEvent.objects.get(action="goals_accept")
    assert (event.user, event.model, event.count) == (manager, "goals.goal", 39)
    # Accepting again replaces the year's goals instead of adding to them.
    goals_accept(proposal=proposal, acting_user=manager)
    assert Goal.objects.filter(year=2027).count() == 39


def test_only_a_manager_proposes_and_accepts(team, proposal):
    ana, _bruno = team
    with pytest.raises(PermissionDenied):
        goals_propose(year=2027, growth="0.08", acting_user=ana.user, as_of=AS_OF)
    with pytest.raises(PermissionDenied):
        goals_accept(proposal=proposal, acting_user=ana.user)
    assert not Goal.objects.exists()


def test_a_closed_year_cannot_be_proposed(team):
    with pytest.raises(ValueError, match="2025"):
        goals_propose(year=2025, growth="0.08", acting_user=ManagerFactory(), as_of=AS_OF)
