"""The diagnosis's building blocks alone: windows, ABC edges, RFM grid, concentration edges."""

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from cartera.analytics.diagnosis import diagnose, previous_window, window_ending
from cartera.analytics.diagnosis.abc import check_thresholds
from cartera.analytics.diagnosis.rfm import segment_of
from cartera.analytics.diagnosis.window import add_months

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "start"),
    [
        (D(2025, 12, 31), D(2025, 1, 1)),
        (D(2025, 6, 15), D(2024, 6, 16)),
        (D(2025, 3, 31), D(2024, 4, 1)),
        (D(2024, 2, 29), D(2023, 3, 1)),
    ],
)
def test_the_window_is_the_twelve_months_ending_on_as_of(as_of, start):
    window = window_ending(as_of)
    assert (window.start, window.end) == (start, as_of)
    previous = previous_window(window)
    assert previous.end == start - dt.timedelta(days=1)


def test_add_months_clamps_to_the_last_day():
    assert add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("r", "f", "segment"),
    [
        (5, 5, "champions"),
        (5, 4, "champions"),
        (4, 5, "loyal"),
        (3, 4, "loyal"),
        (5, 2, "potential_loyalist"),
        (4, 3, "potential_loyalist"),
        (5, 1, "new"),
        (4, 1, "promising"),
        (3, 3, "need_attention"),
        (3, 2, "about_to_sleep"),
        (3, 1, "about_to_sleep"),
        (2, 5, "cant_lose"),
        (1, 4, "at_risk"),
        (2, 3, "at_risk"),
        (1, 2, "hibernating"),
        (2, 1, "hibernating"),
    ],
)
def test_rfm_segment_grid(r, f, segment):
    frame = pl.DataFrame({"r": [r], "f": [f]})
    assert frame.select(segment_of(pl.col("r"), pl.col("f"))).item() == segment


@pytest.mark.parametrize("thresholds", [(0.95, 0.8), (0.0, 0.5), (0.8, 1.2), (0.8, 0.8)])
def test_abc_thresholds_must_be_increasing_fractions(thresholds):
    with pytest.raises(ValueError, match="ABC thresholds"):
        check_thresholds(thresholds)


def _sales(rows):
    return pl.DataFrame(rows, schema=["client", "date", "amount_cents"], orient="row")


def test_one_client_holds_everything():
    d = diagnose(_sales([("X", D(2025, 5, 1), 1000)]))
    c = d.concentration
    assert (c.top1_share, c.hhi, c.gini, c.alert) == (1.0, 1.0, 0.0, True)
    assert [k.clients for k in d.abc.classes] == [1, 0, 0]


def test_a_quarter_of_the_revenue_raises_the_alert_and_less_does_not():
    # Four equal clients: each holds exactly 25 %.
    equal = [(f"K{i}", D(2025, 5, 1), 2500) for i in range(4)]
    assert diagnose(_sales(equal)).concentration.alert is True
    five = [(f"K{i}", D(2025, 5, 1), 2000) for i in range(5)]
    five[0] = ("K0", D(2025, 5, 1), 2400)  # 2400 / 10400 = 23 %
    assert diagnose(_sales(five)).concentration.alert is False


def test_amounts_in_currency_units_are_converted_to_cents():
    sales = pl.DataFrame(
        {"client": ["a", "b"], "date": [D(2025, 1, 2), D(2025, 1, 3)], "amount": [10.005, 0.285]}
    )
    assert diagnose(sales).revenue.window == Decimal("10.30")


def test_the_client_table_can_be_joined_and_filtered_by_class_and_segment():
    sales = _sales([("X", D(2025, 5, 1), 1000), ("Y", D(2025, 6, 1), 10)])
    table = diagnose(sales).client_table
    assert table.filter(pl.col("abc_class") == "A")["client"].to_list() == ["X"]
    assert set(table.columns) >= {
        "client",
        "abc_class",
        "rfm_segment",
        "status",
        "window_revenue_cents",
        "first_purchase",
        "last_purchase",
        "purchase_days",
        "r_score",
        "f_score",
        "m_score",
    }


def test_a_client_exactly_on_the_threshold_is_decided_exactly():
    # Before the second client the share is exactly 0.80 (Polars' own division gives
    # 0.7999999999999999 through the reciprocal); "below 80 %" is false, so it is B.
    sales = _sales([("X", D(2025, 5, 1), 200000), ("Y", D(2025, 5, 1), 30000)])
    sales = pl.concat([sales, _sales([("Z", D(2025, 5, 1), 20000)])])
    table = diagnose(sales).client_table
    assert table.select("client", "abc_class").rows() == [("X", "A"), ("Y", "B"), ("Z", "B")]


def test_categorical_text_gives_the_same_diagnosis_as_strings():
    from tests.analytics.diagnosis import portfolio

    sales = portfolio.sales()
    coded = sales.with_columns(pl.col("salesperson", "channel", "family").cast(pl.Categorical))
    plain, compact = diagnose(sales), diagnose(coded)
    assert plain.client_table.equals(compact.client_table)
    assert plain.breakdowns["salesperson"].equals(compact.breakdowns["salesperson"])
    assert plain.sources["family"].equals(compact.sources["family"])


def test_more_than_64_families_are_counted_without_bitmasks():
    rows = [("X", D(2025, 5, 1), 100, f"F{i:03d}") for i in range(70)]
    rows.append(("Y", D(2025, 5, 2), 100, "F000"))
    sales = pl.DataFrame(rows, schema=["client", "date", "amount_cents", "family"], orient="row")
    mix = diagnose(sales).product_mix
    # X bought 70 families, Y one: (70 + 1) / 2.
    assert mix.families_per_client == pytest.approx(35.5)
    assert mix.families.height == 70
