"""Invariants of the diagnosis on random portfolios (issue 3, point 2; S3.7, S4.4)."""

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartera.analytics.diagnosis import diagnose

D = dt.date
_DAYS = (D(2025, 12, 31) - D(2023, 1, 1)).days


@st.composite
def portfolios(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(min_value=1, max_value=40))
    clients = draw(
        st.lists(st.sampled_from([f"K{i:02d}" for i in range(15)]), min_size=n, max_size=n)
    )
    offsets = draw(st.lists(st.integers(0, _DAYS), min_size=n, max_size=n))
    amounts = draw(st.lists(st.integers(1, 10**7), min_size=n, max_size=n))
    sellers = draw(st.lists(st.sampled_from(["Ana", "Luis", "Rui"]), min_size=n, max_size=n))
    # The last line is dated as_of so that every portfolio has a window to look at.
    offsets[-1] = _DAYS
    return pl.DataFrame(
        {
            "client": clients,
            "date": [D(2023, 1, 1) + dt.timedelta(days=o) for o in offsets],
            "amount_cents": amounts,
            "invoice": [f"F{i}" for i in range(n)],
            "salesperson": sellers,
        }
    )


FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(portfolios())
def test_invariants_of_a_diagnosis(sales):
    d = diagnose(sales)
    # ABC class revenues add up to the window revenue (S3.7).
    assert sum(c.revenue for c in d.abc.classes) == d.revenue.window
    assert sum(c.clients for c in d.abc.classes) == d.clients.active
    # HHI between 1/n and 1, Gini between 0 and (n - 1)/n, top-k shares ordered (S4.4).
    n = d.concentration.clients
    assert 1 / n - 1e-12 <= d.concentration.hhi <= 1 + 1e-12
    assert 0 <= d.concentration.gini <= (n - 1) / n + 1e-12
    assert d.concentration.top1_share <= d.concentration.top5_share <= d.concentration.top10_share
    # Groups add up to the portfolio (S3.2).
    table = d.breakdowns["salesperson"]
    assert table["clients"].sum() == d.clients.total
    assert table["active"].sum() == d.clients.active
    assert table["lost"].sum() == d.clients.lost
    assert table["revenue_cents"].sum() == int(d.revenue.window * 100)
    # RFM scores 1-5 over the clients active in either window.
    scored = d.client_table.filter(pl.col("rfm_segment").is_not_null())
    for column in ("r_score", "f_score", "m_score"):
        assert 1 <= scored[column].min() <= scored[column].max() <= 5
    assert scored.height == d.rfm.population == d.clients.active + d.clients.lost


@FEWER
@given(portfolios(), st.floats(0.5, 0.9), st.floats(0.01, 0.09))
def test_class_a_holds_at_least_its_threshold(sales, a, gap):
    d = diagnose(sales, abc_thresholds=(a, a + gap))
    # The client that crosses the threshold is still A, so A reaches it.
    assert d.abc["A"].revenue_share >= a - 1e-12 or d.clients.active == 1
    assert d.abc["A"].clients >= 1


@FEWER
@given(portfolios(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(sales, random):
    order = list(range(sales.height))
    random.shuffle(order)
    first, second = diagnose(sales), diagnose(sales[order])
    assert first.client_table.equals(second.client_table)
    assert first.abc.classes == second.abc.classes
    assert first.abc.curve.equals(second.abc.curve)
    assert first.concentration == second.concentration
    assert first.retention == second.retention
    assert first.rfm.segments.equals(second.rfm.segments)
    assert first.breakdowns["salesperson"].equals(second.breakdowns["salesperson"])
    assert first.cohorts.equals(second.cohorts)
    assert first.monthly.months.equals(second.monthly.months)
