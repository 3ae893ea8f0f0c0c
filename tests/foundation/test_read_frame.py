"""read_frame returns the same typed frame whatever path it takes on each backend.

On SQLite the rows come as one JSON array per column (``json_group_array``); on
PostgreSQL through connectorx, or on Django's cursor inside a transaction. Each case
here is checked against values written through the ORM, so the paths cannot drift.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from cartera.common import arrow
from cartera.common.arrow import read_frame
from tests.factories import AccountFactory, SaleFactory, SalespersonFactory

ACCOUNT_SCHEMA = {
    "id": pl.Int64,
    "code": pl.String,
    "legal_name": pl.String,
    "is_special": pl.Boolean,
    "won_on": pl.Date,
    "created_at": pl.Datetime("us", "UTC"),
    "employees": pl.Int64,
    "credit_limit": pl.Int64,
}
SQL = (
    "SELECT id, code, legal_name, is_special, won_on, created_at, employees,"
    " credit_limit FROM clients_account"
)


def _accounts() -> list:
    owner = SalespersonFactory()
    first = AccountFactory(
        owner=owner,
        code="A-1",
        legal_name='Café "La Ñ", S.L.\nsegunda línea \\ barra',
        is_special=True,
        won_on=dt.date(2025, 3, 9),
        employees=12,
        credit_limit=Decimal("1234.56"),
    )
    second = AccountFactory(owner=owner, code="A-2", legal_name="", employees=None)
    stamp = timezone.make_aware(dt.datetime(2026, 5, 6, 7, 8, 9, 123456), dt.UTC)
    type(first).objects.filter(pk=first.pk).update(created_at=stamp)
    type(second).objects.filter(pk=second.pk).update(created_at=stamp.replace(microsecond=0))
    return [first, second]


@pytest.mark.django_db
def test_values_and_types_match_what_the_orm_wrote():
    first, second = _accounts()
    frame = read_frame(f"{SQL} ORDER BY code", schema=ACCOUNT_SCHEMA)
    assert frame.schema == pl.Schema(ACCOUNT_SCHEMA)
    assert frame.rows() == [
        (
            first.pk,
            "A-1",
            'Café "La Ñ", S.L.\nsegunda línea \\ barra',
            True,
            dt.date(2025, 3, 9),
            dt.datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC),
            12,
            123456,
        ),
        (
            second.pk,
            "A-2",
            "",
            False,
            None,
            dt.datetime(2026, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
            None,
            None,
        ),
    ]


@pytest.mark.django_db
def test_the_order_of_the_query_is_kept():
    owner = SalespersonFactory()
    codes = [f"K{n:02d}" for n in (5, 1, 9, 3, 7)]
    for code in codes:
        AccountFactory(owner=owner, code=code)
    schema = {"code": pl.String, "id": pl.Int64}
    descending = read_frame(
        "SELECT code, id FROM clients_account ORDER BY code DESC", schema=schema
    )
    assert descending["code"].to_list() == sorted(codes, reverse=True)
    # Every column follows the same row order, not only the sorted one.
    ids = dict(read_frame("SELECT code, id FROM clients_account", schema=schema).iter_rows())
    assert [ids[code] for code in descending["code"]] == descending["id"].to_list()


@pytest.mark.django_db
def test_no_rows_give_an_empty_frame_of_the_schema():
    frame = read_frame(f"{SQL} WHERE id < 0", schema=ACCOUNT_SCHEMA)
    assert frame.height == 0
    assert frame.schema == pl.Schema(ACCOUNT_SCHEMA)


@pytest.mark.django_db
def test_aggregates_of_dates_and_fractions_are_read_as_the_schema_says():
    account = AccountFactory()
    for day, total in ((dt.date(2026, 1, 5), "10.00"), (dt.date(2026, 3, 1), "15.01")):
        SaleFactory(account=account, date=day, due_date=day, total=Decimal(total))
    frame = read_frame(
        "SELECT MIN(date) AS first, MAX(date) AS last, AVG(total) AS mean,"
        " SUM(total) AS cents FROM sales_sale",
        schema={"first": pl.Date, "last": pl.Date, "mean": pl.Float64, "cents": pl.Int64},
    )
    assert frame.rows() == [(dt.date(2026, 1, 5), dt.date(2026, 3, 1), 1250.5, 2501)]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the JSON column path is SQLite's")
def test_sqlite_falls_back_to_rows_when_a_column_cannot_be_aggregated(monkeypatch):
    _accounts()
    expected = read_frame(f"{SQL} ORDER BY code", schema=ACCOUNT_SCHEMA)
    calls = []

    def too_big(*args, **kwargs):
        calls.append(args)
        from django.db import OperationalError

        raise OperationalError("string or blob too big")

    monkeypatch.setattr(arrow, "_sqlite_columns", too_big)
    assert read_frame(f"{SQL} ORDER BY code", schema=ACCOUNT_SCHEMA).equals(expected)
    assert len(calls) == 1


@pytest.mark.django_db
def test_days_before_1970_are_read_as_themselves():
    # Day numbers before 1970 are negative and must not round towards zero.
    for day in (dt.date(1969, 12, 31), dt.date(1900, 1, 1), dt.date(2026, 11, 22)):
        SaleFactory(date=day, due_date=day)
    frame = read_frame(
        "SELECT date, NULL AS unknown FROM sales_sale ORDER BY date",
        schema={"date": pl.Date, "unknown": pl.Date},
    )
    assert frame.rows() == [
        (dt.date(1900, 1, 1), None),
        (dt.date(1969, 12, 31), None),
        (dt.date(2026, 11, 22), None),
    ]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite stores dates as text")
def test_sqlite_text_with_a_time_of_day_is_read_as_its_day():
    frame = read_frame(
        "SELECT '1969-12-31 23:00:00' AS late, '2026-11-22 10:30:00' AS morning",
        schema={"late": pl.Date, "morning": pl.Date},
    )
    assert frame.rows() == [(dt.date(1969, 12, 31), dt.date(2026, 11, 22))]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite types values, not columns")
def test_sqlite_text_in_a_number_column_is_never_read_as_more_rows():
    # Numbers are read one per line: a stray line break must not split a row in two.
    with pytest.raises(pl.exceptions.PolarsError):
        read_frame("SELECT '1' || char(10) || '2' AS n", schema={"n": pl.Int64})
    frame = read_frame("SELECT 7 AS n, '3.5' AS x", schema={"n": pl.Int64, "x": pl.Float64})
    assert frame.rows() == [(7, 3.5)]


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'"
    return repr(value)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the column path is SQLite's")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(
            st.none() | st.integers(min_value=-(2**62), max_value=2**62),
            st.none() | st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
            st.none() | st.booleans(),
            st.none() | st.floats(allow_nan=False, allow_infinity=False, width=32),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_any_numbers_dates_and_nulls_read_the_same_by_columns_and_by_rows(rows):
    values = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)
    sql = (
        f"SELECT column1 AS n, column2 AS day, column3 AS flag, column4 AS x FROM (VALUES {values})"
    )
    schema = {"n": pl.Int64, "day": pl.Date, "flag": pl.Boolean, "x": pl.Float64}
    by_rows = arrow._through_django(connection, sql, schema)
    by_columns = arrow._sqlite_columns(connection, sql, schema)  # no fallback to rows
    assert by_columns.drop("x").equals(by_rows.drop("x"))
    # SQLite writes a real with 15 significant digits, as its JSON always did.
    assert_series_equal(by_columns["x"], by_rows["x"], rel_tol=1e-14, abs_tol=0.0)
