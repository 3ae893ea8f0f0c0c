"""Monthly revenue series from sales lines (S3.5, S3.8)."""

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.forecast import UNASSIGNED, check_monthly, monthly_revenue
from cartera.analytics.frames import FrameError

SALES = pl.DataFrame(
    {
        "client": ["a", "b", "a", "c", "a"],
        "date": [
            dt.date(2024, 1, 5),
            dt.date(2024, 3, 9),
            dt.date(2024, 4, 1),
            dt.date(2024, 2, 2),
            dt.date(2024, 1, 30),
        ],
        "amount": [10.5, 3.0, 1.0, 2.0, 0.25],
        "salesperson": ["ana", "bea", "ana", None, "ana"],
    }
)


def test_company_series_adds_the_lines_of_each_month_in_cents():
    result = monthly_revenue(SALES)
    assert result.columns == ["series", "month", "revenue_cents"]
    assert result.rows() == [
        ("total", dt.date(2024, 1, 1), 1075),
        ("total", dt.date(2024, 2, 1), 200),
        ("total", dt.date(2024, 3, 1), 300),
        ("total", dt.date(2024, 4, 1), 100),
    ]


def test_breakdown_fills_silent_months_with_zero_up_to_the_last_month_of_the_data():
    result = monthly_revenue(SALES, by="salesperson")
    assert result.rows() == [
        (UNASSIGNED, dt.date(2024, 2, 1), 200),
        (UNASSIGNED, dt.date(2024, 3, 1), 0),
        (UNASSIGNED, dt.date(2024, 4, 1), 0),
        ("ana", dt.date(2024, 1, 1), 1075),
        ("ana", dt.date(2024, 2, 1), 0),
        ("ana", dt.date(2024, 3, 1), 0),
        ("ana", dt.date(2024, 4, 1), 100),
        ("bea", dt.date(2024, 3, 1), 300),
        ("bea", dt.date(2024, 4, 1), 0),
    ]
    assert result.schema == pl.Schema(
        {"series": pl.String, "month": pl.Date, "revenue_cents": pl.Int64}
    )


def test_through_drops_later_lines_and_extends_series_to_that_month():
    result = monthly_revenue(SALES, by="salesperson", through=dt.date(2024, 5, 20))
    assert result.filter(pl.col("series") == "bea").rows() == [
        ("bea", dt.date(2024, 3, 1), 300),
        ("bea", dt.date(2024, 4, 1), 0),
        ("bea", dt.date(2024, 5, 1), 0),
    ]
    early = monthly_revenue(SALES, through=dt.date(2024, 2, 29))
    assert early["revenue_cents"].to_list() == [1075, 200]


def test_missing_breakdown_column_is_named():
    with pytest.raises(FrameError, match="segment") as raised:
        monthly_revenue(SALES, by="segment")
    assert raised.value.column == "segment"


def test_check_monthly_rejects_a_skipped_month():
    frame = pl.DataFrame(
        {
            "series": ["x", "x"],
            "month": [dt.date(2024, 1, 1), dt.date(2024, 3, 1)],
            "revenue_cents": [1, 2],
        }
    )
    with pytest.raises(FrameError, match="'x' skips a month"):
        check_monthly(frame)


def test_check_monthly_rejects_a_repeated_month():
    frame = pl.DataFrame(
        {
            "series": ["x", "x"],
            "month": [dt.date(2024, 1, 1), dt.date(2024, 1, 1)],
            "revenue_cents": [1, 2],
        }
    )
    with pytest.raises(FrameError, match="repeats a month"):
        check_monthly(frame)
