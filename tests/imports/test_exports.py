"""Export writing and filtering, without a database (issue 5, point 4; S2.7)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartera.analytics.io import NumberFormat, parse_cents
from cartera.imports.exports import ExportError, _units, apply_filters

FRAME = pl.DataFrame(
    {
        "city": ["Madrid", "madrid", "Lisboa", None],
        "credit_limit_cents": [150_000, 99_999, None, 0],
        "last_purchase": [dt.date(2026, 1, 5), dt.date(2025, 12, 31), None, dt.date(2026, 2, 1)],
        "is_special": [True, False, False, True],
    }
)


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        (["city=MADRID"], [0, 1]),
        (["city!=madrid"], [2, 3]),  # as in a spreadsheet, blanks are not "madrid"
        (["credit_limit>=1000"], [0]),
        (["credit_limit<999.99"], [3]),
        (["last_purchase>=2026-01-01", "is_special=sí"], [0, 3]),
        (["city="], [3]),
    ],
)
def test_filters_keep_the_rows_a_spreadsheet_filter_would(filters, kept):
    indexed = FRAME.with_row_index("i")
    assert apply_filters(indexed, filters)["i"].to_list() == kept


@pytest.mark.parametrize(
    "bad", ["size=big", "credit_limit>=lots", "no operator", "last_purchase<ayer"]
)
def test_a_filter_that_fits_no_column_is_refused(bad):
    with pytest.raises(ExportError):
        apply_filters(FRAME, [bad])


@given(st.lists(st.integers(min_value=-(10**15), max_value=10**15), min_size=1, max_size=20))
def test_money_written_to_csv_reads_back_to_the_same_cents(cents):
    written = _units(pl.DataFrame({"amount_cents": cents}), as_text=True)
    read = written.select(parse_cents(pl.col("amount"), NumberFormat.DECIMAL_POINT))
    assert read["amount"].to_list() == cents
