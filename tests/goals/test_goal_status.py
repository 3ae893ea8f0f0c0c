"""Goal tracking from the database: actual vs goal vs forecast, year to date (S3.5, S3.8).

Ana's client buys 900, 1,100 and 1,300 in January – March 2026; Bruno's 2,000, 1,800
and 2,200. Ana has twelve monthly goals of 1,000 (year 12,000); Bruno only a yearly
goal of 24,000, and the company only a yearly 30,000. With three months of history the
profile is flat, so those yearly goals are spread evenly: 2,000 and 2,500 a month.
Tracked on 2026-04-10, March is the last complete month. Series under a year old are
forecast by their mean month (Ana 1,100, Bruno 2,000, company 3,100), so the projected
year is actual to date + 9 × that mean.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from cartera.goals.models import Goal
from cartera.goals.selectors import goal_status_for
from tests.factories import AccountFactory, ManagerFactory, SalespersonFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 4, 10)


@pytest.fixture
def team(record_sales):
    ana = SalespersonFactory(name="Ana Souto")
    bruno = SalespersonFactory(name="Bruno Lage")
    for person, amounts in ((ana, (900, 1100, 1300)), (bruno, (2000, 1800, 2200))):
        account = AccountFactory(owner=person)
        record_sales(
            (account, dt.date(2026, m, 10), Decimal(v)) for m, v in enumerate(amounts, start=1)
        )
    Goal.objects.create(salesperson=ana, year=2026, target=Decimal(12000))
    Goal.objects.bulk_create(
        Goal(salesperson=ana, year=2026, month=m, target=Decimal(1000)) for m in range(1, 13)
    )
    Goal.objects.create(salesperson=bruno, year=2026, target=Decimal(24000))
    Goal.objects.create(salesperson=None, year=2026, target=Decimal(30000))
    return ana, bruno


def _summary(status, series: str) -> dict:
    return status.summary.filter(pl.col("series") == series).row(0, named=True)


def test_year_to_date_gaps_and_projection_per_salesperson(team):
    tracking = goal_status_for(user=ManagerFactory(), year=2026, as_of=AS_OF)
    assert tracking.through == dt.date(2026, 3, 1)
    ana = _summary(tracking.salespeople, "Ana Souto")
    assert (
        ana["goal_cents"],
        ana["ytd_goal_cents"],
        ana["ytd_actual_cents"],
        ana["ytd_gap_cents"],
        ana["projected_cents"],
        ana["projected_gap_cents"],
    ) == (1_200_000, 300_000, 330_000, 30_000, 1_320_000, 120_000)
    assert ana["attainment"] == pytest.approx(1.1)
    bruno = _summary(tracking.salespeople, "Bruno Lage")
    assert (bruno["goal_cents"], bruno["ytd_goal_cents"], bruno["ytd_gap_cents"]) == (
        2_400_000,
        600_000,
        0,
    )
    assert bruno["projected_cents"] == 2_400_000


def test_the_company_goal_is_tracked_against_everything_sold(team):
    company = goal_status_for(user=ManagerFactory(), year=2026, as_of=AS_OF).company
    row = company.summary.row(0, named=True)
    assert (
        row["goal_cents"],
        row["ytd_goal_cents"],
        row["ytd_actual_cents"],
        row["ytd_gap_cents"],
        row["projected_cents"],
        row["projected_gap_cents"],
    ) == (3_000_000, 750_000, 930_000, 180_000, 3_720_000, 720_000)
    assert row["attainment"] == pytest.approx(1.24)


def test_month_by_month_actual_goal_forecast_and_gap(team):
    status = goal_status_for(user=ManagerFactory(), year=2026, as_of=AS_OF).salespeople
    ana = status.monthly.filter(pl.col("series") == "Ana Souto")
    march, april = ana.row(2, named=True), ana.row(3, named=True)
    assert (march["goal_cents"], march["actual_cents"], march["gap_cents"]) == (
        100_000,
        130_000,
        30_000,
    )
    assert march["ytd_gap_cents"] == 30_000
    assert (april["actual_cents"], april["forecast_cents"], april["gap_cents"]) == (
        None,
        110_000,
        None,
    )


def test_yearly_only_goals_are_spread_and_say_so(team):
    goals = goal_status_for(user=ManagerFactory(), year=2026, as_of=AS_OF).goals
    bruno = goals.filter(pl.col("series") == "Bruno Lage")
    assert bruno["goal_cents"].to_list() == [200_000] * 12
    assert set(bruno["source"]) == {"spread"}
    assert set(goals.filter(pl.col("series") == "Ana Souto")["source"]) == {"stored"}


def test_a_salesperson_tracks_only_their_own_goal(team):
    ana, _bruno = team
    tracking = goal_status_for(user=ana.user, year=2026, as_of=AS_OF)
    assert tracking.company is None
    assert tracking.salespeople.summary["series"].to_list() == ["Ana Souto"]
    assert tracking.salespeople.summary["ytd_actual_cents"].to_list() == [330_000]


def test_a_year_without_goals_has_nothing_to_track(team):
    tracking = goal_status_for(user=ManagerFactory(), year=2030, as_of=AS_OF)
    assert (tracking.company, tracking.salespeople, tracking.goals.height) == (None, None, 0)


@pytest.mark.django_db(transaction=True)
def test_status_works_on_the_demo_goals():
    from cartera.demo.generate import DemoSpec, generate
    from cartera.demo.load import load_demo

    load_demo(generate(DemoSpec(clients=150, years=3, seed=5, today=dt.date(2026, 11, 22))))
    tracking = goal_status_for(user=ManagerFactory(), year=2026, as_of=dt.date(2026, 11, 22))
    stored = dict(
        Goal.objects.filter(year=2026, month__isnull=True, salesperson__isnull=False).values_list(
            "salesperson__name", "target"
        )
    )
    summary = tracking.salespeople.summary
    assert sorted(summary["series"]) == sorted(stored)
    for row in summary.iter_rows(named=True):
        assert row["goal_cents"] == int(stored[row["series"]] * 100)
        # Ten months closed, two forecast: the projection is defined for everyone.
        assert row["projected_cents"] is not None
    company = tracking.company.summary.row(0, named=True)
    assert company["goal_cents"] == int(
        Goal.objects.get(year=2026, month__isnull=True, salesperson__isnull=True).target * 100
    )
    assert company["ytd_goal_cents"] < company["goal_cents"]
