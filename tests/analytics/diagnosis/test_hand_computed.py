"""Every figure of the seven-client portfolio in portfolio.py, computed by hand (issue 3, point 1).

The arithmetic is in the comments; requirement IDs name what each figure serves.
"""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from cartera.analytics.diagnosis import diagnose
from tests.analytics.diagnosis import portfolio

D = dt.date


@pytest.fixture(scope="module")
def diagnosis():
    return diagnose(portfolio.sales(), activities=portfolio.activities())


def test_as_of_defaults_to_the_latest_sale_and_sets_both_windows(diagnosis):
    assert diagnosis.as_of == D(2025, 12, 31)
    assert (diagnosis.window.start, diagnosis.window.end) == (D(2025, 1, 1), D(2025, 12, 31))
    assert (diagnosis.previous_window.start, diagnosis.previous_window.end) == (
        D(2024, 1, 1),
        D(2024, 12, 31),
    )


def test_client_counts_S0_4_S3_9_6(diagnosis):
    counts = diagnosis.clients
    # 7 clients ever; active A1 B2 C3 E5 G7; new C3 G7; lost D4; 2024 actives A1 B2 D4.
    assert (counts.total, counts.active, counts.new, counts.lost) == (7, 5, 2, 1)
    assert (counts.previous_active, counts.retained, counts.reactivated) == (3, 2, 1)


def test_revenue_and_growth_S3_8(diagnosis):
    # 900 + 150 + 80 + 70 + 50 = 1250; 2024: 400 + 200 + 120 = 720; 1250 / 720 - 1.
    assert diagnosis.revenue.window == Decimal("1250.00")
    assert diagnosis.revenue.previous_window == Decimal("720.00")
    assert diagnosis.revenue.growth == pytest.approx(0.7361111111)


def test_abc_classes_S3_7(diagnosis):
    # Sorted 900 (A1), 150 (B2), 80 (C3), 70 (E5), 50 (G7); shares before each:
    # 0 → A, 0.72 → A, 0.84 → B, 0.904 → B, 0.96 → C.
    got = [(c.label, c.clients, c.revenue, c.revenue_share) for c in diagnosis.abc.classes]
    assert got == [
        ("A", 2, Decimal("1050.00"), pytest.approx(0.84)),
        ("B", 2, Decimal("150.00"), pytest.approx(0.12)),
        ("C", 1, Decimal("50.00"), pytest.approx(0.04)),
    ]
    table = diagnosis.client_table
    assert table.select("client", "abc_class").rows() == [
        ("A1", "A"),
        ("B2", "A"),
        ("C3", "B"),
        ("E5", "B"),
        ("G7", "C"),
        ("D4", None),
        ("F6", None),
    ]


def test_concentration_and_the_quarter_alert_S4_4(diagnosis):
    c = diagnosis.concentration
    # Shares 0.72, 0.12, 0.064, 0.056, 0.04.
    assert c.top1_share == pytest.approx(0.72)
    assert c.top5_share == pytest.approx(1.0)
    assert c.top10_share == pytest.approx(1.0)
    # 0.5184 + 0.0144 + 0.004096 + 0.003136 + 0.0016
    assert c.hhi == pytest.approx(0.541632)
    # Ascending 50 70 80 150 900: 2 × (50 + 140 + 240 + 600 + 4500) / (5 × 1250) − 6/5
    assert c.gini == pytest.approx(0.5696)
    assert c.alert is True
    assert c.over_threshold == (("A1", pytest.approx(0.72)),)


def test_recurrence_S3_9_1_S3_10(diagnosis):
    # Purchase days in 2025: A1 2, B2 1, C3 1, E5 1 (two invoices, one day), G7 2.
    assert diagnosis.recurrence.repeat_clients == 2
    assert diagnosis.recurrence.repeat_clients_share == pytest.approx(0.4)
    assert diagnosis.recurrence.mean_purchase_days == pytest.approx(7 / 5)


def test_retention_and_attrition_S0_4(diagnosis):
    r = diagnosis.retention
    # Of A1 B2 D4, A1 and B2 bought again: 2 / 3. D4's 2024 revenue was 120.
    assert r.rate == pytest.approx(2 / 3)
    assert r.attrition_rate == pytest.approx(1 / 3)
    assert (r.lost, r.lost_revenue, r.new, r.new_revenue) == (
        1,
        Decimal("120.00"),
        2,
        Decimal("130.00"),
    )
    assert r.replacement_ratio == pytest.approx(2.0)


def test_average_ticket_counts_distinct_invoices_S3_9_2(diagnosis):
    # Invoices in 2025: F1 F2 F3 F5 F8 F9 F11 F12 = 8; 1250 / 8.
    assert diagnosis.average_ticket.tickets == 8
    assert diagnosis.average_ticket.average == Decimal("156.25")
    assert diagnosis.average_ticket.counted_by == "invoice"


def test_average_ticket_without_invoices_counts_client_days():
    sales = portfolio.sales().drop("invoice")
    ticket = diagnose(sales).average_ticket
    # Client-days in 2025: A1 2, B2 1, C3 1, E5 1, G7 2 = 7; 1250 / 7 = 178.571… → 178.57.
    assert (ticket.tickets, ticket.average, ticket.counted_by) == (
        7,
        Decimal("178.57"),
        "client-day",
    )


def test_new_clients_S3_9_6(diagnosis):
    # C3 80 + G7 50 = 130 of 1250.
    assert diagnosis.new_clients.count == 2
    assert diagnosis.new_clients.revenue == Decimal("130.00")
    assert diagnosis.new_clients.revenue_share == pytest.approx(0.104)


def test_rfm_values_scores_and_segments(diagnosis):
    table = diagnosis.client_table.filter(pl.col("rfm_segment").is_not_null()).sort("client")
    # Population: the six clients with a line in 2024-2025 (F6 is out).
    # R by last purchase, ascending D4 B2 A1 G7 C3 E5 → 1 + floor(5 × worse / 6) = 1 1 2 3 4 5.
    # F (days in 24 months) C3 1, D4 1, E5 1, B2 2, G7 2, A1 3 → 1 1 1 3 3 5 (ties together).
    # M (24-month revenue) G7 50, E5 70, C3 80, D4 120, B2 350, A1 1300 → 1 1 2 3 4 5.
    assert table.select(
        "client", "recency_days", "frequency", "monetary_cents", "rfm_score", "rfm_segment"
    ).rows() == [
        ("A1", 199, 3, 130000, "255", "cant_lose"),
        ("B2", 333, 2, 35000, "134", "at_risk"),
        ("C3", 41, 1, 8000, "412", "promising"),
        ("D4", 542, 1, 12000, "113", "hibernating"),
        ("E5", 0, 1, 7000, "511", "new"),
        ("G7", 113, 2, 5000, "331", "need_attention"),
    ]
    segments = dict(diagnosis.rfm.segments.select("segment", "clients").rows())
    assert segments == {
        "champions": 0,
        "loyal": 0,
        "potential_loyalist": 0,
        "new": 1,
        "promising": 1,
        "need_attention": 1,
        "about_to_sleep": 0,
        "cant_lose": 1,
        "at_risk": 1,
        "hibernating": 1,
    }
    assert diagnosis.rfm.population == 6


def test_client_table_statuses_and_dates_S2_7(diagnosis):
    table = diagnosis.client_table.sort("client")
    assert table.select("client", "status", "first_purchase", "last_purchase").rows() == [
        ("A1", "retained", D(2024, 5, 5), D(2025, 6, 15)),
        ("B2", "retained", D(2024, 2, 2), D(2025, 2, 1)),
        ("C3", "new", D(2025, 11, 20), D(2025, 11, 20)),
        ("D4", "lost", D(2024, 7, 7), D(2024, 7, 7)),
        ("E5", "reactivated", D(2023, 3, 3), D(2025, 12, 31)),
        ("F6", "inactive", D(2023, 1, 10), D(2023, 1, 10)),
        ("G7", "new", D(2025, 4, 4), D(2025, 9, 9)),
    ]


def test_breakdown_by_salesperson_at_the_latest_line_S3_2(diagnosis):
    # A1's latest line is Luis's: Luis has A1 C3 F6, Ana has B2 D4 E5 G7.
    rows = {r["salesperson"]: r for r in diagnosis.breakdowns["salesperson"].iter_rows(named=True)}
    luis, ana = rows["Luis"], rows["Ana"]
    assert [luis[k] for k in ("clients", "active", "new", "lost", "previous_active")] == [
        3,
        2,
        1,
        0,
        1,
    ]
    assert [ana[k] for k in ("clients", "active", "new", "lost", "previous_active")] == [
        4,
        3,
        1,
        1,
        2,
    ]
    assert (luis["revenue_cents"], ana["revenue_cents"]) == (98000, 27000)
    assert (luis["previous_revenue_cents"], ana["previous_revenue_cents"]) == (40000, 32000)
    assert luis["growth"] == pytest.approx(1.45)
    assert ana["growth"] == pytest.approx(-0.15625)
    assert (luis["retention_rate"], ana["retention_rate"]) == (1.0, 0.5)
    assert (luis["attrition_rate"], ana["attrition_rate"]) == (0.0, 0.5)
    assert ana["replacement_ratio"] == 1.0
    assert ana["lost_revenue_cents"] == 12000
    assert (luis["a_clients"], luis["b_clients"], luis["c_clients"]) == (1, 1, 0)
    assert (ana["a_clients"], ana["b_clients"], ana["c_clients"]) == (1, 1, 1)
    # Tickets: Luis F1 F2 F5 = 3 → 980 / 3; Ana F3 F8 F9 F11 F12 = 5 → 270 / 5.
    assert luis["average_ticket_cents"] == pytest.approx(98000 / 3)
    assert ana["average_ticket_cents"] == pytest.approx(5400)
    assert (luis["repeat_clients_share"], ana["repeat_clients_share"]) == (
        0.5,
        pytest.approx(1 / 3),
    )
    assert (luis["revenue_share"], ana["revenue_share"]) == (
        pytest.approx(0.784),
        pytest.approx(0.216),
    )
    assert luis["top1_share"] == pytest.approx(900 / 980)
    assert diagnosis.breakdowns["salesperson"]["salesperson"].to_list() == ["Luis", "Ana"]


def test_margin_S3_11(diagnosis):
    m = diagnosis.margin
    # Cost 60 % everywhere except A1's 300.00 line at 240.00: 600 + 90 + 48 + 42 + 30 = 810.
    assert (m.revenue, m.cost, m.margin) == (
        Decimal("1250.00"),
        Decimal("810.00"),
        Decimal("440.00"),
    )
    assert m.margin_rate == pytest.approx(0.352)
    assert m.by_class.select("abc_class", "margin_cents").rows() == [
        ("A", 36000),
        ("B", 6000),
        ("C", 2000),
    ]


def test_product_mix_S3_9_4(diagnosis):
    mix = diagnosis.product_mix
    # Bebidas 600 + 150 + 40, Snacks 300 + 80, Lácteos 30 + 50.
    assert mix.families.select("family", "revenue_cents").rows() == [
        ("Bebidas", 79000),
        ("Snacks", 38000),
        ("Lácteos", 8000),
    ]
    assert mix.families["share"].to_list() == pytest.approx([0.632, 0.304, 0.064])
    # Families per active client: A1 2, B2 1, C3 1, E5 2, G7 1.
    assert mix.families_per_client == pytest.approx(1.4)


def test_new_products_S3_9_5(diagnosis):
    new = diagnosis.new_products
    # Only P2 (launched 2025-05-01) is within the 12 months: A1 300 + C3 80.
    assert (new.products, new.revenue, new.launch_inferred) == (1, Decimal("380.00"), False)
    assert new.revenue_share == pytest.approx(0.304)


def test_revenue_sources_S3_1(diagnosis):
    channel = diagnosis.sources["channel"]
    assert channel.select("value", "revenue_cents", "previous_revenue_cents").rows() == [
        ("B2B", 105000, 72000),
        ("e-commerce", 13000, 0),
        ("B2C", 7000, 0),
    ]


def test_monthly_statistics_S3_8(diagnosis):
    months = diagnosis.monthly.months
    row = {r["month"]: r for r in months.iter_rows(named=True)}
    dec, nov, feb = row[D(2025, 12, 1)], row[D(2025, 11, 1)], row[D(2025, 2, 1)]
    assert (dec["revenue_cents"], dec["active_clients"], dec["new_clients"]) == (7000, 1, 0)
    assert (nov["revenue_cents"], nov["new_clients"]) == (8000, 1)
    # (October 0 + November 80 + December 70) / 3 = 50.
    assert dec["moving_average_3m_cents"] == 5000
    # February: 150 against 200 a year before.
    assert feb["yoy_growth"] == pytest.approx(-0.25)
    assert months["month"].min() == D(2023, 1, 1)
    assert months.height == 36
    # The 12 months of 2025: 0 0 150 … mean 1250 / 12.
    assert diagnosis.monthly.mean == pytest.approx(1250 / 12)
    assert diagnosis.monthly.best_month == D(2025, 3, 1)


def test_cohort_retention(diagnosis):
    cells = {
        (r["cohort"], r["offset"]): (r["size"], r["active"])
        for r in diagnosis.cohorts.iter_rows(named=True)
    }
    # A1 first bought 2024-05 and again 2025-03 (k = 10) and 2025-06 (k = 13).
    assert cells[(D(2024, 5, 1), 0)] == (1, 1)
    assert cells[(D(2024, 5, 1), 1)] == (1, 0)
    assert cells[(D(2024, 5, 1), 10)] == (1, 1)
    assert cells[(D(2024, 5, 1), 13)] == (1, 1)
    # G7: 2025-04 and 2025-09 (k = 5); C3's cohort has only k = 0 and 1 up to as_of.
    assert cells[(D(2025, 4, 1), 5)] == (1, 1)
    assert sorted(k for c, k in cells if c == D(2025, 11, 1)) == [0, 1]
    # E5 and F6 first bought in 2023, before the 24 cohorts shown.
    assert sorted({c for c, _ in cells}) == [
        D(2024, 2, 1),
        D(2024, 5, 1),
        D(2024, 7, 1),
        D(2025, 4, 1),
        D(2025, 11, 1),
    ]


def test_attention_against_value_S2_3(diagnosis):
    a = diagnosis.attention
    # Contacts in 2025 with active clients: B2 1, C3 3, G7 5 (G7's 2024 visit is out).
    assert a.contacts_total == 9
    assert a.by_class.select("abc_class", "contacts").rows() == [("A", 1), ("B", 3), ("C", 5)]
    assert a.by_class["attention_index"].to_list() == pytest.approx(
        [(1 / 9) / 0.84, (3 / 9) / 0.12, (5 / 9) / 0.04]
    )
    # Median of 1, 3, 5 contacts: 3.
    assert a.typical_contacts == 3.0
    assert a.over_served_c["client"].to_list() == ["G7"]
    assert a.under_served_a["client"].to_list() == ["A1", "B2"]


def test_risk_times_profitability_hook_S1_9():
    risk = pl.DataFrame({"client": ["A1", "C3"], "risk": ["high", "low"]})
    matrix = diagnose(portfolio.sales(), payment_risk=risk).risk.matrix
    assert matrix.select("risk", "abc_class", "clients", "revenue_cents").rows() == [
        ("high", "A", 1, 90000),
        ("low", "B", 1, 8000),
        ("unknown", "A", 1, 15000),
        ("unknown", "B", 1, 7000),
        ("unknown", "C", 1, 5000),
    ]


def test_an_earlier_as_of_ignores_later_lines():
    d = diagnose(portfolio.sales(), as_of=D(2024, 12, 31))
    # 2024: A1 400, B2 200, D4 120; 2023: E5 50, F6 500.
    assert d.revenue.window == Decimal("720.00")
    assert d.revenue.previous_window == Decimal("550.00")
    assert (d.clients.total, d.clients.active, d.clients.lost) == (5, 3, 2)
