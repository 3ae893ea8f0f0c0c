"""DSO, days late, share on time, solvency score and proposed limits (S1.8), by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.receivables import (
    CreditPolicy,
    SolvencyWeights,
    allocate,
    days_sales_outstanding,
    open_items,
    payment_behaviour,
    propose_credit_limits,
    solvency,
)
from tests.analytics.receivables.receivables_cases import (
    ON_APRIL_30,
    ON_JUNE_30,
    invoices,
    payments,
)


def _by(frame, key, column):
    return dict(frame.select(key, column).iter_rows())


def test_dso_per_client_on_april_30():
    # Sales of 31 Jan – 30 Apr (90 days): ACME F2 500 − N1 100 + F3 800 = 1 200,
    # open 1 100 (F1 300 + F3 800): 1 100 / 1 200 × 90 = 82.5 days. BETA: B2 300
    # sold, nothing open: 0. GAMA: nothing sold in the period: undefined.
    dso = days_sales_outstanding(invoices(), open_items(invoices(), payments(), as_of=ON_APRIL_30))
    assert _by(dso, "client", "sales_cents") == {"ACME": 120_000, "BETA": 30_000, "GAMA": 0}
    assert _by(dso, "client", "dso") == {"ACME": 82.5, "BETA": 0.0, "GAMA": None}


def test_dso_per_salesperson_is_the_ratio_of_the_sums():
    # Ana: (1 100 + 0) / (1 200 + 300) × 90 = 66; Luis: no sales, undefined.
    opened = open_items(invoices(), payments(), as_of=ON_APRIL_30)
    dso = days_sales_outstanding(invoices(), opened, by="salesperson")
    assert _by(dso, "salesperson", "dso") == {"Ana": 66.0, "Luis": None}


def test_dso_of_the_whole_portfolio():
    # 2 400 open / 1 500 sold × 90 = 144 days.
    opened = open_items(invoices(), payments(), as_of=ON_APRIL_30)
    dso = days_sales_outstanding(invoices(), opened, by=None)
    assert dso.rows() == [(240_000, 150_000, 144.0)]


def test_dso_over_30_days():
    # 1–30 Apr: ACME sold F3 800, open 1 100: 41.25 days.
    opened = open_items(invoices(), payments(), as_of=ON_APRIL_30)
    dso = days_sales_outstanding(invoices(), opened, days=30)
    assert _by(dso, "client", "dso")["ACME"] == 41.25


def test_payment_behaviour_on_june_30():
    # ACME, due in the year: F1 1 000 (less N1 100 = 900: P1 600 11 days late, P3 300
    # 100 days late), F2 500 (P2, 24 days late), F3 800 (P3 700 19 days late, 100
    # still open 60 days). Weighted days: 6 600 + 30 000 + 12 000 + 13 300 + 6 000 =
    # 67 900 over 2 200 = 30.8636…; nothing on time.
    # BETA: B1 2 000 paid 15 days late; B2 300 settled by credit before its due date.
    # 30 000 / 2 300 = 13.043…; on time 300 / 2 300.
    # GAMA: G1 1 500: R1 200 66 days late, 1 300 open 242 days: 327 800 / 1 500.
    behaviour = payment_behaviour(allocate(invoices(), payments(), as_of=ON_JUNE_30))
    rows = {r["client"]: r for r in behaviour.iter_rows(named=True)}
    assert rows["ACME"]["due_cents"] == 220_000
    assert rows["ACME"]["on_time_cents"] == 0
    assert rows["ACME"]["late_cents"] == 210_000
    assert rows["ACME"]["overdue_cents"] == 10_000
    assert rows["ACME"]["avg_days_late"] == pytest.approx(67_900 / 2_200)
    assert rows["BETA"]["share_on_time"] == pytest.approx(300 / 2_300)
    assert rows["BETA"]["avg_days_late"] == pytest.approx(30_000 / 2_300)
    assert rows["GAMA"]["share_on_time"] == 0.0
    assert rows["GAMA"]["avg_days_late"] == pytest.approx(327_800 / 1_500)


def test_payment_behaviour_window_leaves_out_older_due_dates():
    # A 90-day window before 30 Jun starts 2 Apr: only F3 (due 1 May) and B2 (due
    # 19 Apr). F3: 700 × 19 + 100 × 60 = 19 300 over 800.
    behaviour = payment_behaviour(
        allocate(invoices(), payments(), as_of=ON_JUNE_30), window_days=90
    )
    assert _by(behaviour, "client", "invoices") == {"ACME": 1, "BETA": 1}
    assert _by(behaviour, "client", "avg_days_late")["ACME"] == pytest.approx(19_300 / 800)
    assert _by(behaviour, "client", "share_on_time")["BETA"] == 1.0


def test_solvency_score_of_acme_component_by_component():
    # punctuality 0 × 35 = 0; lateness (1 − 30.8636/90) × 25 = 16.4268;
    # overdue: all 100 open is 60 days overdue (> 30): 0; seniority 171 days since
    # 10 Jan: 171/730 × 10 = 2.3425; worst delay (1 − 60/180) × 10 = 6.6667.
    scores = solvency(allocate(invoices(), payments(), as_of=ON_JUNE_30), invoices())
    acme = scores.filter(pl.col("client") == "ACME").row(0, named=True)
    assert acme["punctuality_points"] == 0.0
    assert acme["lateness_points"] == pytest.approx((1 - 67_900 / 2_200 / 90) * 25)
    assert acme["overdue_points"] == 0.0
    assert acme["seniority_points"] == pytest.approx(171 / 730 * 10)
    assert acme["worst_delay_points"] == pytest.approx(10 * (1 - 60 / 180))
    assert acme["score"] == pytest.approx(25.436, abs=1e-3)
    assert acme["evidence"] is True


def test_solvency_ranks_the_defaulter_last_and_the_clean_payer_first():
    # GAMA: 0 + 0 (218 days late) + 0 + 10 × 272/730 + 0 (242 days) = 3.726.
    scores = solvency(allocate(invoices(), payments(), as_of=ON_JUNE_30), invoices())
    assert scores["client"].to_list() == ["GAMA", "ACME", "BETA"]
    assert _by(scores, "client", "score")["GAMA"] == pytest.approx(10 * 272 / 730)


def test_a_client_without_anything_due_gets_half_points_and_no_evidence():
    # On 10 Jan 2026 only B1 and G1 had fallen due; ACME's F1 is due 9 Feb.
    as_of = dt.date(2026, 1, 20)
    scores = solvency(allocate(invoices(), payments(), as_of=as_of), invoices())
    acme = scores.filter(pl.col("client") == "ACME").row(0, named=True)
    assert acme["evidence"] is False
    assert acme["punctuality_points"] == 17.5
    assert acme["lateness_points"] == 12.5


def test_solvency_weights_must_add_up_to_100():
    with pytest.raises(ValueError, match="add up to 100"):
        SolvencyWeights(punctuality=50)


def test_proposed_limits_follow_the_policy():
    # On 30 Jun ACME has 171 days of history (5.65 months): net sales of the year
    # 1 000 + 500 − 100 + 800 = 2 200 → 389.45 a month. Score 25.4 < 40: no credit.
    # BETA: 211 days, sales 2 300 over 6.96 months = 330.6 a month.
    scores = solvency(allocate(invoices(), payments(), as_of=ON_JUNE_30), invoices())
    limits = propose_credit_limits(scores, invoices(), as_of=ON_JUNE_30)
    rows = {r["client"]: r for r in limits.iter_rows(named=True)}
    assert rows["ACME"]["reason"] == "low_score"
    assert rows["ACME"]["proposed_limit_cents"] == 0
    assert rows["ACME"]["monthly_sales_cents"] == round(220_000 / (172 / (365.25 / 12)))
    beta = rows["BETA"]
    # BETA's score decides the factor; the limit is 2 months × monthly × factor,
    # rounded down to 100.00.
    monthly = 230_000 / (212 / (365.25 / 12))
    factor = 0.5 + 0.5 * min(1.0, max(0.0, (beta["score"] - 40) / 40))
    expected = int(monthly * 2 * factor // 10_000) * 10_000
    assert beta["score"] >= 40
    assert beta["proposed_limit_cents"] == expected
    assert beta["reason"] == "policy"


def test_a_short_history_gets_the_new_client_limit():
    scores = pl.DataFrame({"client": ["ACME"], "score": [90.0]})
    policy = CreditPolicy(new_client_limit_cents=50_000)
    limits = propose_credit_limits(scores, invoices(), as_of=dt.date(2026, 2, 1), policy=policy)
    assert limits.select("proposed_limit_cents", "reason").rows() == [(50_000, "short_history")]


def test_a_cap_limits_the_proposal_and_says_so():
    # BETA with a perfect score: 2 × 330.6… = 661 → capped at 500.00.
    scores = pl.DataFrame({"client": ["BETA"], "score": [100.0]})
    policy = CreditPolicy(max_limit_cents=50_000)
    limits = propose_credit_limits(scores, invoices(), as_of=ON_JUNE_30, policy=policy)
    assert limits.select("proposed_limit_cents", "reason").rows() == [(50_000, "capped")]
    uncapped = propose_credit_limits(scores, invoices(), as_of=ON_JUNE_30)
    assert uncapped["proposed_limit_cents"].to_list() == [60_000]
