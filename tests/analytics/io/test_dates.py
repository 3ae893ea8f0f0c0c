"""Dates decided per column: day-first unless a value can only be month-first."""

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.io.dates import DateFormat, date_votes, decide_date_format, parse_dates


def _read(values):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    fmt = decide_date_format(frame.select(date_votes(pl.col("v"), "v")).row(0, named=True), "v")
    return fmt, frame.select(parse_dates(pl.col("v"), fmt))["v"].to_list()


D = dt.date


@pytest.mark.parametrize(
    ("values", "fmt", "dates"),
    [
        (["03/01/2025", "1/2/2025 10:00"], DateFormat.DAY_FIRST, [D(2025, 1, 3), D(2025, 2, 1)]),
        (["12/31/2025", "01/02/2025"], DateFormat.MONTH_FIRST, [D(2025, 12, 31), D(2025, 1, 2)]),
        (["03-01-25", "31.12.99"], DateFormat.DAY_FIRST_SHORT, [D(2025, 1, 3), D(1999, 12, 31)]),
        (["03.01.2025"], DateFormat.DAY_FIRST, [D(2025, 1, 3)]),
        (
            ["2025-01-03", "2025-12-31T10:00:00", "2025-01-03 00:00:00"],
            DateFormat.ISO,
            [D(2025, 1, 3), D(2025, 12, 31), D(2025, 1, 3)],
        ),
        (["45658", "45658.75"], DateFormat.EXCEL_SERIAL, [D(2025, 1, 1), D(2025, 1, 1)]),
        (["20250103"], DateFormat.COMPACT, [D(2025, 1, 3)]),
        (["2025/01/03"], DateFormat.YEAR_FIRST_SLASH, [D(2025, 1, 3)]),
    ],
)
def test_each_date_format_is_recognised_and_parsed(values, fmt, dates):
    assert _read(values) == (fmt, dates)


def test_an_impossible_date_is_null_not_rolled_over():
    assert _read(["31/02/2025", "28/02/2025"]) == (DateFormat.DAY_FIRST, [None, D(2025, 2, 28)])


def test_a_column_with_values_of_both_orders_stays_day_first_and_reports_the_month_first():
    assert _read(["13/01/2025", "01/13/2025"]) == (DateFormat.DAY_FIRST, [D(2025, 1, 13), None])


def test_a_day_first_column_also_reads_the_iso_text_of_typed_spreadsheet_dates():
    values = ["05/02/2025", "2025-01-03 00:00:00", "07/02/2025"]
    assert _read(values) == (DateFormat.DAY_FIRST, [D(2025, 2, 5), D(2025, 1, 3), D(2025, 2, 7)])
