"""The diagnosis does not depend on how the sales arrive (issue 3; S1.10, S3.7).

Integer or text client ids, text or Categorical attributes, an eager frame or a lazy
Parquet scan, one thread or two: the same portfolio gives the same figures.
"""

import dataclasses
import datetime as dt
from unittest import mock

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from cartera.analytics.diagnosis import abc_classes, client_table, diagnose, parallel

D = dt.date
_DAYS = (D(2025, 12, 31) - D(2019, 1, 1)).days
FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def portfolios(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(min_value=1, max_value=40))
    numbers = draw(st.lists(st.integers(0, 120), min_size=n, max_size=n))
    offsets = draw(st.lists(st.integers(0, _DAYS), min_size=n, max_size=n))
    offsets[-1] = _DAYS
    amounts = draw(st.lists(st.integers(-(10**5), 10**7), min_size=n, max_size=n))
    maybe = st.one_of(st.none(), st.sampled_from(["Ana", "Luis", "Rui"]))
    families = st.one_of(st.none(), st.sampled_from(["Bebidas", "Snacks", "Lácteos"]))
    invoices = st.sampled_from(["F1", "F2", "F3", None])
    return pl.DataFrame(
        {
            "client": numbers,
            "date": [D(2019, 1, 1) + dt.timedelta(days=o) for o in offsets],
            "amount_cents": amounts,
            "invoice": draw(st.lists(invoices, min_size=n, max_size=n)),
            "salesperson": draw(st.lists(maybe, min_size=n, max_size=n)),
            "family": draw(st.lists(families, min_size=n, max_size=n)),
        },
        schema_overrides={"client": pl.UInt32},
    )


def _same(first, second):
    for field in dataclasses.fields(first):
        a, b = getattr(first, field.name), getattr(second, field.name)
        if isinstance(a, pl.DataFrame):
            assert_frame_equal(a, b, check_exact=True)
        elif isinstance(a, dict):
            assert a.keys() == b.keys()
            for key in a:
                assert_frame_equal(a[key], b[key], check_exact=True)
        elif dataclasses.is_dataclass(a):
            _same(a, b)
        else:
            assert a == b, field.name


@FEW
@given(portfolios())
def test_integer_ids_diagnose_as_their_text(sales):
    as_text = sales.with_columns(pl.col("client").cast(pl.String))
    _same(diagnose(sales), diagnose(as_text))


@FEW
@given(portfolios())
def test_categorical_attributes_diagnose_as_text(sales):
    compact = sales.with_columns(pl.col("salesperson", "family").cast(pl.Categorical))
    _same(diagnose(sales), diagnose(compact))


@FEW
@given(portfolios())
def test_one_task_at_a_time_gives_what_two_give(sales):
    together = diagnose(sales)
    with mock.patch.object(parallel, "workers", return_value=1):
        alone = diagnose(sales)
    _same(together, alone)


def test_a_parquet_scan_diagnoses_as_the_frame(tmp_path):
    sales = pl.DataFrame(
        {
            "client": ["A", "B", "A", "C"],
            "date": [D(2024, 3, 1), D(2025, 2, 1), D(2025, 6, 1), D(2025, 12, 31)],
            "amount_cents": [1000, 2500, 400, 700],
            "quantity": [1.0, 2.0, 1.0, 3.0],
        }
    )
    path = tmp_path / "ventas.parquet"
    sales.write_parquet(path)
    _same(diagnose(sales), diagnose(pl.scan_parquet(path)))


def test_lines_far_back_and_before_1970_count_only_for_first_purchase():
    sales = pl.DataFrame(
        {
            "client": ["X", "X", "Y", "Z"],
            "date": [D(1965, 6, 1), D(2025, 5, 1), D(1969, 12, 31), D(2025, 12, 31)],
            "amount_cents": [100, 200, 300, 400],
        }
    )
    table, period = client_table(sales)
    rows = {r["client"]: r for r in table.iter_rows(named=True)}
    assert (rows["X"]["first_purchase"], rows["X"]["last_purchase"]) == (
        D(1965, 6, 1),
        D(2025, 5, 1),
    )
    assert (rows["X"]["purchase_days"], rows["X"]["previous_purchase_days"]) == (1, 0)
    # Only May 2025 is among the 64 months of the mask: bit 63 is December 2025.
    assert rows["X"]["month_mask"] == 1 << (63 - 7)
    assert (rows["Y"]["first_purchase"], rows["Y"]["last_purchase"]) == (
        D(1969, 12, 31),
        D(1969, 12, 31),
    )
    assert (rows["Y"]["status"], rows["Y"]["month_mask"]) == ("inactive", 0)
    assert period.as_of == D(2025, 12, 31)


def test_the_parallel_runner_returns_every_result_by_name():
    assert parallel.run_all({"a": lambda: 1, "b": lambda: "two"}) == {"a": 1, "b": "two"}


@FEW
@given(portfolios(), st.randoms(use_true_random=False))
def test_abc_classes_of_a_reordered_table_are_the_same(sales, random):
    # client_table hands its rows over in ABC order; any other order is sorted again.
    table, _ = client_table(sales)
    order = list(range(table.height))
    random.shuffle(order)
    by_id = table.sort("client")
    expected = abc_classes(table)
    assert_frame_equal(abc_classes(table[order]), expected, check_exact=True)
    assert_frame_equal(abc_classes(by_id), expected, check_exact=True)
