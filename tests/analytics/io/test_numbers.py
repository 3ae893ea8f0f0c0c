"""Numbers decided per column and money parsed exactly to cents (frames contract)."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartera.analytics.io.numbers import (
    NumberFormat,
    decide_format,
    format_votes,
    parse_cents,
    parse_number,
)

COMMA, POINT = NumberFormat.DECIMAL_COMMA, NumberFormat.DECIMAL_POINT


def _cents(values, fmt):
    return (
        pl.DataFrame({"v": values}, schema={"v": pl.String})
        .select(parse_cents(pl.col("v"), fmt))["v"]
        .to_list()
    )


def _decide(values, prefer=None):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    votes = frame.select(format_votes(pl.col("v"), "v")).row(0, named=True)
    return decide_format(votes, "v", prefer=prefer)


def test_decimal_comma_amounts_parse_to_exact_cents():
    values = [
        "1.234,56",
        "0,285",
        "-12,5",
        "(3,00)",
        "€ 1.234.567,891",
        "12",
        "R$ 10,005",
        "1 234,5",
    ]
    assert _cents(values, COMMA) == [123456, 29, -1250, -300, 123456789, 1200, 1001, 123450]


def test_decimal_point_amounts_parse_to_exact_cents_half_away_from_zero():
    values = ["1,234.56", "0.285", "-0.005", "1234", "1.5", "$ 2,000,000.004", "7-"]
    assert _cents(values, POINT) == [123456, 29, -1, 123400, 150, 200000000, -700]


def test_text_that_is_not_a_number_in_the_column_format_gives_null():
    assert _cents(["abc", "", None, "-", "1.23,4", "1,234.56", "1e5"], COMMA) == [None] * 7


def test_numbers_parse_to_float_in_the_column_format():
    frame = pl.DataFrame({"v": ["1.234,5", "-0,25", "3"]})
    assert frame.select(parse_number(pl.col("v"), COMMA))["v"].to_list() == [1234.5, -0.25, 3.0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234,56", "12"], COMMA),
        (["12,5", "1.000"], COMMA),
        (["1,234.56", "12"], POINT),
        (["12.5", "1,000"], POINT),
        (["1.234", "2.500"], COMMA),  # only grouped thousands: a money column's usual meaning
        (["1,234", "12"], POINT),
        (["1.234,56", "1.234,56", "12.5"], COMMA),  # the majority wins; 12.5 will be reported
    ],
)
def test_the_format_is_decided_by_the_whole_column(values, expected):
    assert _decide(values) is expected


def test_an_ambiguous_column_takes_the_format_the_file_prefers():
    assert _decide(["1.234", "5"], prefer=POINT) is POINT
    assert _decide(["10", "20"], prefer=COMMA) is COMMA


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_formatting_cents_in_either_style_and_parsing_gives_them_back(cents):
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}"
    english = f"{sign}{grouped}.{rest:02d}"
    spanish = f"{sign}{grouped.replace(',', '.')},{rest:02d}"
    assert _cents([english], POINT) == [cents]
    assert _cents([spanish], COMMA) == [cents]
