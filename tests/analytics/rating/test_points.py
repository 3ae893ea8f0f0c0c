"""Whole points add up exactly to the rounded total, each within one of its raw value."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cartera.analytics.rating.points import round_half_up, whole_points


def test_three_thirds_of_100_make_100():
    assert whole_points([[100 / 3, 100 / 3, 100 / 3]]).tolist() == [[34, 33, 33]]


def test_the_units_missing_go_to_the_largest_remainders():
    # 17.5 + 1.667 + 0.835 - 8.5 = 11.502 -> 12; floors 17 + 1 + 0 - 9 = 9; 3 units to
    # the remainders 0.835, 0.667 and the first of the two 0.5 (17.5 before -8.5).
    assert whole_points([[17.5, 1.6667, 0.835, -8.5]]).tolist() == [[18, 2, 1, -9]]


def test_halves_round_away_from_zero():
    assert round_half_up([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999]).tolist() == [1, 2, 3, -1, -3, 2]


def test_float_noise_does_not_move_a_point():
    # 0.285 * 100 is 28.499999999999996 in binary floating point.
    assert whole_points([[0.285 * 100, 0.215 * 100]]).tolist() == [[29, 21]]


@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 20), st.integers(1, 8)), elements=st.floats(-100, 100)
    )
)
def test_rows_add_up_and_cells_stay_within_one_point(raw):
    points = whole_points(raw)
    assert (points.sum(axis=1) == round_half_up(np.round(raw, 9).sum(axis=1))).all()
    assert (np.abs(points - raw) < 1 + 1e-9).all()
