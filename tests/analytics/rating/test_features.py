"""Client features measured by hand on a small sales log (S3.9, S3.10, S4.5)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cartera.analytics.frames import FrameError
from cartera.analytics.rating import client_features

D = dt.date
AS_OF = D(2025, 12, 31)


@pytest.fixture
def sales() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "client": ["a", "a", "b", "c", "c", "c", "c", "c"],
            "date": [
                D(2025, 3, 1),
                D(2025, 9, 1),
                D(2025, 6, 1),
                D(2024, 6, 1),  # previous window
                D(2024, 12, 31),  # last day of the previous window
                D(2025, 1, 5),
                D(2025, 11, 1),
                D(2026, 1, 2),  # after as_of: ignored
            ],
            "amount": [100.0, 200.0, 50.0, 300.0, 20.0, 400.0, 10.0, 999.0],
            "cost": [60.0, 100.0, None, 200.0, 1.0, 200.0, 5.0, 1.0],
            "invoice": ["1", "2", "3", "4", "5", "6", "6", "7"],
            "salesperson": ["ana", "ana", "bo", "bo", "bo", None, "ana", "zoe"],
        }
    )


def test_features_are_measured_over_the_window_and_the_previous_one(sales):
    features = client_features(sales, as_of=AS_OF, last_seen=("salesperson", "invoice"))
    features = features.sort("client")
    assert features["revenue_cents"].to_list() == [30_000, 5_000, 41_000]
    assert features["revenue_previous_cents"].to_list() == [0, 0, 32_000]
    assert features["revenue_percentile"].to_list() == [50.0, 0.0, 100.0]
    assert features["purchase_days"].to_list() == [2, 1, 2]
    assert features["active_months"].to_list() == [2, 1, 2]
    assert features["tenure_days"].to_list() == [305, 213, 578]
    assert features["days_since_last"].to_list() == [121, 213, 60]
    # The latest known value: c's sale of 5 Jan has no salesperson; 1 Nov is ana's.
    assert features["salesperson"].to_list() == ["ana", "bo", "ana"]
    assert features["invoice"].to_list() == ["2", "3", "6"]


def test_growth_needs_previous_revenue(sales):
    growth = client_features(sales, as_of=AS_OF).sort("client")["growth_pct"].to_list()
    # c: (41000 - 32000) / 32000 = 28.125 %
    assert growth[:2] == [None, None]
    assert growth[2] == pytest.approx(28.125)


def test_margin_counts_only_lines_with_a_cost(sales):
    features = client_features(sales, as_of=AS_OF).sort("client")
    # a: 300 - 160 = 140 of 300; b has no cost at all; c: 410 - 205 = 205 of 410.
    assert features["margin_cents"].to_list() == [14_000, None, 20_500]
    assert features["margin_pct"].to_list() == pytest.approx([46.666666, None, 50.0], nan_ok=True)


def test_payments_and_attributes_are_joined(sales):
    payments = pl.DataFrame({"client": ["a", "c"], "days_late": [34, 0]})
    attributes = pl.DataFrame(
        {"client": ["a", "b"], "icp_fit": [80, 20], "strategic": [1, 0], "industry": ["x", "y"]}
    )
    features = client_features(sales, as_of=AS_OF, payments=payments, attributes=attributes).sort(
        "client"
    )
    assert features["days_late"].to_list() == [34.0, None, 0.0]
    assert features["icp_fit"].to_list() == [80.0, 20.0, None]
    assert features["strategic"].to_list() == [True, False, None]
    assert features["industry"].to_list() == ["x", "y", None]


def test_an_attribute_named_like_a_feature_is_refused(sales):
    with pytest.raises(FrameError, match="revenue_cents"):
        client_features(
            sales, as_of=AS_OF, attributes=pl.DataFrame({"client": ["a"], "revenue_cents": [1]})
        )


def test_a_client_twice_in_payments_is_refused(sales):
    with pytest.raises(FrameError, match="client a appears more than once"):
        client_features(
            sales, as_of=AS_OF, payments=pl.DataFrame({"client": ["a", "a"], "days_late": [1, 2]})
        )


def test_the_receivables_behaviour_frame_is_accepted_as_it_is(sales):
    behaviour = pl.DataFrame(
        {
            "client": ["a", "b"],
            "invoices": [3, 1],
            "avg_days_late": [12.5, None],
            "share_on_time": [0.25, None],
        }
    )
    features = client_features(sales, as_of=AS_OF, payments=behaviour).sort("client")
    assert features["days_late"].to_list() == [12.5, None, None]
    assert features["on_time_share"].to_list() == [0.25, None, None]
    assert "invoices" not in features.columns
