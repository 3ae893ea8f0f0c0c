"""Dense codes, text ranks and array reductions under the diagnosis (issue 3, S1.10).

The engine's per-client figures are indexed reductions over dense client codes; these
tests pin the codes (order, keys, every input dtype, the hash-collision fallback)
and the reductions (exact sums past 2**53, empty slots) with hand-written values.
"""

import dataclasses
import datetime as dt

import numpy as np
import polars as pl
import pytest

from cartera.analytics.diagnosis.clients import _tickets, decoded_lines
from cartera.analytics.diagnosis.coding import dense_codes, text_ranks
from cartera.analytics.diagnosis.grouped import bit_sets, distinct, flat, maxima, minima, sums


def _decoded(coded):
    return coded.keys.gather(pl.Series(coded.codes)).to_list()


def test_text_ids_are_numbered_in_text_order():
    column = pl.Series("client", ["b", "a", "c", "a", "b"])
    coded = dense_codes(column, sort=True, many=True)
    assert coded.keys.to_list() == ["a", "b", "c"]
    assert coded.codes.tolist() == [1, 0, 2, 0, 1]
    assert _decoded(coded) == column.to_list()


def test_integer_ids_become_text_and_sort_as_text():
    # As text, "10" comes before "9": ties in ABC break by the id as the contract's text.
    column = pl.Series("client", [9, 10, 9, 100, 2], dtype=pl.UInt32)
    coded = dense_codes(column, sort=True, many=True)
    assert coded.keys.dtype == pl.String
    assert coded.keys.to_list() == ["10", "100", "2", "9"]
    assert coded.codes.tolist() == [3, 0, 3, 1, 2]


@pytest.mark.parametrize("values", [[-5, 7, -5], [2**40, 3, 2**40]])
def test_integer_ids_outside_a_slot_table_are_ranked(values):
    coded = dense_codes(pl.Series("client", values, dtype=pl.Int64), sort=True)
    assert _decoded(coded) == [str(v) for v in values]
    assert coded.keys.to_list() == sorted({str(v) for v in values})


def test_categorical_ids_keep_their_dtype_and_sort_as_text():
    column = pl.Series("client", ["zeta", "alfa", "zeta", "beta"]).cast(pl.Categorical)
    coded = dense_codes(column, sort=True, many=True)
    assert coded.keys.dtype == pl.Categorical
    assert coded.keys.cast(pl.String).to_list() == ["alfa", "beta", "zeta"]
    assert [str(v) for v in _decoded(coded)] == ["zeta", "alfa", "zeta", "beta"]


def test_enum_ids_sort_in_the_enum_order():
    column = pl.Series("client", ["b", "a", "b"]).cast(pl.Enum(["b", "a"]))
    coded = dense_codes(column, sort=True)
    assert coded.keys.to_list() == ["b", "a"]
    assert coded.codes.tolist() == [0, 1, 0]


def test_a_hash_collision_cannot_merge_two_clients(monkeypatch):
    # Every text hashed alike: the check against the texts must catch it.
    monkeypatch.setattr(pl.Series, "hash", lambda self, *a, **k: pl.Series([0] * self.len()))
    column = pl.Series("client", ["b", "a", "b", "c"])
    coded = dense_codes(column, sort=True, many=True)
    assert coded.keys.to_list() == ["a", "b", "c"]
    assert coded.codes.tolist() == [1, 0, 1, 2]


def test_text_ranks_follow_text_order_and_mark_nulls():
    column = pl.Series("city", ["Porto", None, "Lima", "Porto"])
    ranked = text_ranks(column)
    assert ranked.values.to_list() == ["Lima", "Porto"]
    assert ranked.ranks().tolist() == [1, -1, 0, 1]
    assert ranked.codes[1] == ranked.null_code


def test_text_ranks_of_a_column_without_values():
    ranked = text_ranks(pl.Series("city", [None, None], dtype=pl.String))
    assert ranked.values.to_list() == []
    assert ranked.ranks().tolist() == [-1, -1]


def test_sums_are_exact_past_float_precision():
    # 2**53 + 1 is not a float: a float accumulation would lose the 1.
    index = np.array([0, 0, 1])
    values = np.array([2**53, 1, 5], dtype=np.int64)
    assert sums(index, values, 3).tolist() == [2**53 + 1, 5, 0]


def test_extremes_leave_empty_slots_marked():
    index = np.array([2, 0, 2], dtype=np.int32)
    days = np.array([-3, 10, 7], dtype=np.int32)
    assert minima(index, days, 3).tolist() == [10, np.iinfo(np.int32).max, -3]
    assert maxima(index, days, 3, empty=-99).tolist() == [10, -99, 7]


def test_bit_sets_and_distinct():
    assert bit_sets(np.array([0, 0, 1]), np.array([0, 3, 63]), 2).tolist() == [9, 1 << 63]
    assert distinct(np.array([5, 1, 5, 3, 1])).tolist() == [1, 3, 5]


def test_flat_joins_chunks():
    chunked = pl.concat([pl.Series([1, 2]), pl.Series([3])], rechunk=False)
    assert chunked.n_chunks() == 2
    assert flat(chunked).tolist() == [1, 2, 3]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Equal top bits: the top slice merges them, the bottom one does not.
        (0xABCD_0000_0000_0001, 0xABCD_0000_0000_0002),
        # Equal bottom bits: the other way round.
        (0x1000_0000_0000_0007, 0x2000_0000_0000_0007),
    ],
)
def test_two_invoices_sharing_a_hash_slice_are_two_tickets(first, second):
    sales = pl.DataFrame(
        {
            "client": ["A", "A", "A", "B"],
            "date": [dt.date(2025, 3, 1)] * 3 + [dt.date(2025, 12, 31)],
            "amount_cents": [100, 200, 300, 400],
            "invoice": ["F1", "F2", "F1", "F9"],
        }
    )
    lines, period, _ = decoded_lines(sales, None, groupings=())
    # F1 (twice) and F2 hash to two values that agree on one slice of their bits.
    crafted = np.array([first, second, first, 7], dtype=np.uint64)
    assert _tickets(dataclasses.replace(lines, invoice=crafted), period).tolist() == [2, 1]
