"""The demo portfolio is realistic, deterministic and loads on both databases (issue 2)."""

from __future__ import annotations

import datetime as dt

import phonenumbers
import polars as pl
import pytest
from email_validator import validate_email
from stdnum.es import cif, dni
from stdnum.pt import nif

from cartera.demo.generate import DemoSpec, generate

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo():
    return generate(DemoSpec(clients=2000, years=3, seed=7, today=TODAY))


def test_same_seed_and_date_give_the_same_portfolio(demo):
    again = generate(DemoSpec(clients=2000, years=3, seed=7, today=TODAY))
    for name, frame in demo.tables.items():
        assert frame.equals(again.tables[name]), name


def test_another_seed_gives_another_portfolio(demo):
    other = generate(DemoSpec(clients=2000, years=3, seed=8, today=TODAY))
    assert not other.tables["sales"].equals(demo.tables["sales"])


def test_two_thousand_clients_and_prospects_on_top(demo):
    statuses = demo.tables["accounts"]["status"].value_counts()
    counts = dict(statuses.iter_rows())
    assert counts["client"] + counts["inactive"] + counts["lost"] == 2000
    assert counts["prospect"] > 0
    assert counts["qualified"] > 0


def test_revenue_is_skewed_with_one_client_near_a_quarter(demo):
    sales = demo.tables["sales"].filter(pl.col("date") > TODAY - dt.timedelta(days=365))
    by_client = (
        sales.group_by("account_id").agg(pl.col("total").sum()).sort("total", descending=True)
    )
    shares = (by_client["total"] / by_client["total"].sum()).to_list()
    assert 0.18 < shares[0] < 0.32
    # Pareto: a small share of clients holds most of the revenue.
    top_fifth = sum(shares[: len(shares) // 5])
    assert top_fifth > 0.6


def test_sales_have_summer_seasonality(demo):
    sales = demo.tables["sales"].filter(pl.col("kind") == "invoice")
    monthly = sales.group_by(pl.col("date").dt.month().alias("m")).agg(pl.col("total").sum())
    by_month = dict(monthly.iter_rows())
    assert by_month[7] > 1.3 * by_month[2]


def test_new_clients_arrive_every_month_of_the_last_year(demo):
    accounts = demo.tables["accounts"].filter(pl.col("code").str.starts_with("CL"))
    first = demo.tables["sales"].group_by("account_id").agg(pl.col("date").min())
    recent = first.filter(pl.col("date") > TODAY - dt.timedelta(days=365))
    months = recent["date"].dt.strftime("%Y-%m").unique()
    assert len(months) >= 12
    assert accounts.height == 2000


def test_lost_clients_have_a_date_and_a_reason_including_the_leaver(demo):
    lost = demo.tables["accounts"].filter(pl.col("status") == "lost")
    assert lost.height > 50
    assert lost["lost_on"].null_count() == 0
    reasons = set(lost["lost_reason"].to_list())
    assert {"salesperson_left", "bankrupt", "competitor", "moved"} <= reasons


def test_one_salesperson_left_and_their_book_was_handed_over(demo):
    people = demo.tables["salespeople"]
    assert 6 <= people.height <= 10
    left = people.filter(~pl.col("is_active"))
    assert left.height == 1
    leaver = left["id"][0]
    periods = demo.tables["ownership"]
    held = periods.filter(pl.col("salesperson_id") == leaver)
    assert held.height > 20
    assert held["ended_on"].null_count() == 0
    handed = periods.filter(pl.col("account_id").is_in(held["account_id"].implode()))
    assert handed.filter(pl.col("ended_on").is_null()).height == held.height


def test_receivables_hold_overdue_and_partly_paid_invoices(demo):
    invoices = demo.tables["sales"].filter(pl.col("kind") == "invoice")
    paid = demo.tables["payments"].group_by("sale_id").agg(pl.col("amount").sum(), pl.len())
    joined = invoices.join(paid, left_on="id", right_on="sale_id", how="left")
    overdue_unpaid = joined.filter(
        pl.col("amount").is_null() & (pl.col("due_date") < TODAY - dt.timedelta(days=90))
    )
    assert overdue_unpaid.height > 20
    assert joined.filter(pl.col("len") == 2).height > 20  # paid in two parts
    assert demo.tables["sales"].filter(pl.col("kind") == "credit_note").height > 10


def test_recent_orders_are_waiting_to_be_invoiced(demo):
    orders = demo.tables["sales"].filter(pl.col("kind") == "order")
    assert orders.height > 10
    assert orders["date"].min() >= TODAY - dt.timedelta(days=5)
    assert orders["number"].str.starts_with("PED").all()
    paid = demo.tables["payments"]["sale_id"].drop_nulls()
    assert not orders["id"].is_in(paid.implode()).any()


def test_activities_of_every_kind_and_contacts_due(demo):
    activities = demo.tables["activities"]
    kinds = set(activities["kind"].unique().to_list())
    assert kinds == {"visit", "call", "email", "meeting", "offer", "survey", "complaint", "note"}
    due = activities.filter(pl.col("next_action_on") <= TODAY)
    assert due.height > 10


def test_campaigns_have_costs_and_won_clients(demo):
    assert demo.tables["campaigns"]["cost"].min() > 0
    assert demo.tables["accounts"]["campaign_id"].drop_nulls().n_unique() >= 5


def test_goals_for_the_current_year_sum_up_by_month(demo):
    goals = demo.tables["goals"]
    for person in goals["salesperson_id"].drop_nulls().unique():
        mine = goals.filter(pl.col("salesperson_id") == person)
        year = mine.filter(pl.col("month").is_null())["target"][0]
        assert mine.filter(pl.col("month").is_not_null())["target"].sum() == year


def test_contact_data_is_valid(demo):
    accounts = demo.tables["accounts"]
    contacts = demo.tables["contacts"]
    sample = pl.concat([accounts["phone"].head(300), contacts["phone"].head(300)])
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in sample)
    for email in pl.concat([accounts["email"].head(200), contacts["email"].head(200)]):
        validate_email(email, check_deliverability=False)
    for tax_id, country, kind in accounts.select("tax_id", "country", "kind").head(400).iter_rows():
        if country == "PT":
            assert nif.is_valid(tax_id), tax_id
        elif kind == "individual":
            assert dni.is_valid(tax_id), tax_id
        else:
            assert cif.is_valid(tax_id), tax_id


def test_every_client_has_a_purchasing_contact_first(demo):
    contacts = demo.tables["contacts"]
    first = contacts.group_by("account_id").agg(pl.col("role").first())
    assert first["role"].unique().to_list() == ["Compras"]
    assert first.height == demo.tables["accounts"].height


@pytest.mark.django_db(transaction=True)
def test_demo_loads_into_the_database_and_logins_work(client):
    from django.urls import reverse

    from cartera.clients.models import Account, Status
    from cartera.demo.load import load_demo
    from cartera.sales.models import Sale

    data = generate(DemoSpec(clients=60, years=1, seed=3, today=TODAY))
    loaded = load_demo(data)
    from cartera.receivables.models import ProvisionOverride

    bankrupt = ProvisionOverride.objects.get()
    assert bankrupt.account.lost_reason == "bankrupt"
    assert bankrupt.percent == 100
    assert (
        Account.objects.filter(status__in=[Status.CLIENT, Status.INACTIVE, Status.LOST]).count()
        == 60
    )
    assert Sale.objects.count() == data.tables["sales"].height
    from cartera.audit.models import AuditEvent

    logged = dict(AuditEvent.objects.filter(action="demo load").values_list("detail", "count"))
    assert logged["sales"] == data.tables["sales"].height
    assert logged["accounts"] == data.tables["accounts"].height
    manager = next(lg for lg in loaded.logins if lg.role == "manager")
    seller = next(lg for lg in loaded.logins if lg.role == "salesperson")
    assert client.login(username=manager.username, password=loaded.password)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "<b>60</b>" in page
    client.logout()
    assert client.login(username=seller.username, password=loaded.password)
    own = Account.objects.filter(
        owner__user__username=seller.username,
        status__in=[Status.CLIENT, Status.INACTIVE, Status.LOST],
    ).count()
    page = client.get(reverse("web:dashboard")).content.decode()
    assert f"<b>{own}</b>" in page
    assert 0 < own < 60
