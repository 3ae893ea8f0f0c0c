"""summarize: from sales lines to (frequency, recency, T, monetary) — S1.7, S0.4."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartera.analytics.clv import ClvInputError, summarize


def test_cdnow_calibration_summary_reproduces_the_published_file(
    cdnow_sales: pl.DataFrame, cdnow_with_spend: pl.DataFrame
) -> None:
    summary = summarize(cdnow_sales, calibration_end=dt.date(1997, 9, 30), period="week")
    joined = cdnow_with_spend.join(summary, on="client", how="full", coalesce=True)
    assert summary.height == cdnow_with_spend.height == joined.height == 2357
    assert (joined["x"] == joined["frequency"]).all()
    # The published file gives weeks = days / 7 to 2 decimals and zbar to the cent,
    # half up; summarize keeps exact values, so compare at the file's precision.
    assert (joined["t_x"] == joined["recency"].round(2)).all()
    assert (joined["T"] == joined["T_right"].round(2)).all()
    cents = (joined["monetary"] * 100 + 0.5 + 1e-9).floor() / 100
    assert (joined["zbar"] == cents.round(2)).all()


def test_cdnow_first_client_by_hand(cdnow_sales: pl.DataFrame) -> None:
    # Client 1 bought on 1997-01-01, -01-18, -08-02 and -12-12 (29.33, 29.73, 14.96, 26.48).
    summary = summarize(cdnow_sales, calibration_end="1997-09-30").filter(client="1")
    assert summary.row(0) == ("1", 2, 213 / 7, 272 / 7, pytest.approx((29.73 + 14.96) / 2))


def test_purchases_on_one_day_are_one_transaction_and_the_first_is_not_counted() -> None:
    sales = pl.DataFrame(
        {
            "client": ["a", "a", "a", "a", "b"],
            "date": [dt.date(2026, 1, d) for d in (1, 1, 8, 8, 15)],
            "amount_cents": [1000, 500, 200, 300, 999],
        }
    )
    summary = summarize(sales, period="day")
    # a: days 1 (15.00, acquisition) and 8 (5.00); b, acquired on the last day, has
    # T = 0 and no information, so it is left out.
    assert summary.to_dicts() == [
        {"client": "a", "frequency": 1, "recency": 7.0, "T": 14.0, "monetary": 5.0}
    ]


def test_custom_column_names_and_units() -> None:
    sales = pl.DataFrame(
        {
            "cliente": ["x", "x", "x"],
            "fecha": ["2026-01-01", "2026-01-15", "2026-01-29"],
            "importe": [10.0, 20.0, 40.0],
        }
    )
    summary = summarize(
        sales, client="cliente", date="fecha", amount="importe", calibration_end="2026-02-12"
    )
    assert summary.to_dicts() == [
        {"client": "x", "frequency": 2, "recency": 4.0, "T": 6.0, "monetary": 30.0}
    ]


def test_calibration_end_excludes_later_sales() -> None:
    sales = pl.DataFrame(
        {
            "client": ["x", "x", "x"],
            "date": [dt.date(2026, 1, 1), dt.date(2026, 1, 8), dt.date(2026, 3, 1)],
            "amount": [1, 2, 3],
        }
    )
    summary = summarize(sales, calibration_end=dt.date(2026, 1, 31), period="day")
    assert summary.select("frequency", "recency", "T").row(0) == (1, 7.0, 30.0)


def test_without_amount_there_is_no_monetary_column() -> None:
    sales = pl.DataFrame({"client": ["x", "x"], "date": [dt.date(2026, 1, 1), dt.date(2026, 1, 8)]})
    summary = summarize(sales, amount=None, period="day", calibration_end="2026-01-10")
    assert summary.columns == ["client", "frequency", "recency", "T"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client": "customer"}, "no column 'customer' for the client"),
        ({"amount": "value"}, "no column 'value' for the amount"),
        ({"period": "month"}, "period must be 'day' or 'week'"),
        ({"calibration_end": "30/09/1997"}, "is not a date"),
    ],
)
def test_bad_input_names_the_problem(kwargs: dict[str, str], message: str) -> None:
    sales = pl.DataFrame({"client": ["x"], "date": [dt.date(2026, 1, 1)], "amount": [1.0]})
    with pytest.raises(ClvInputError, match=message):
        summarize(sales, **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcde"),
            st.integers(min_value=0, max_value=60),
            st.integers(min_value=1, max_value=10_000),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_summary_invariants(lines: list[tuple[str, int, int]]) -> None:
    start = dt.date(2026, 1, 1)
    sales = pl.DataFrame(
        {
            "client": [c for c, _, _ in lines],
            "date": [start + dt.timedelta(days=d) for _, d, _ in lines],
            "amount_cents": [a for _, _, a in lines],
        }
    )
    end = start + dt.timedelta(days=61)
    summary = summarize(sales, calibration_end=end, period="day")
    for row in summary.iter_rows(named=True):
        days = sorted({d for c, d, _ in lines if c == row["client"]})
        assert row["frequency"] == len(days) - 1
        assert row["recency"] == days[-1] - days[0]
        assert row["T"] == 61 - days[0]
        assert 0 <= row["recency"] <= row["T"]
        first_day_total = sum(a for c, d, a in lines if c == row["client"] and d == days[0])
        total = sum(a for c, _, a in lines if c == row["client"])
        expected = (total - first_day_total) / 100 / max(row["frequency"], 1)
        assert row["monetary"] == pytest.approx(expected)
