"""Provision for doubtful debts and its movement, worked out by hand (S1.11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from cartera.analytics.receivables import (
    Buckets,
    ProvisionPolicy,
    ageing,
    provision,
    provision_movement,
)
from tests.analytics.receivables.receivables_cases import (
    ON_APRIL_30,
    ON_JUNE_30,
    ON_MARCH_31,
    invoices,
    payments,
)

BANKRUPT_GAMA = ProvisionPolicy(overrides={"GAMA": Decimal(100)})


def _at(as_of, policy=None):
    return provision(ageing(invoices(), payments(), as_of=as_of), policy)


def test_provision_on_march_31_with_the_default_percentages():
    # F2 500 × 1 % = 5.00; F1 300 × 5 % = 15.00; G1 1 300 × 30 % = 390.00.
    result = _at(ON_MARCH_31)
    assert dict(result.items.select("invoice", "provision_cents").iter_rows()) == {
        "F1": 1_500,
        "F2": 500,
        "G1": 39_000,
    }
    assert result.total == Decimal("410.00")
    by_bucket = {b.key: (b.percent, b.open, b.amount) for b in result.by_bucket}
    assert by_bucket["d91_180"] == (Decimal(30), Decimal("1300.00"), Decimal("390.00"))
    assert by_bucket["not_due"] == (Decimal(0), Decimal("0.00"), Decimal("0.00"))


def test_provision_on_april_30_with_the_default_percentages():
    # F3 800 not due: 0; F1 300 × 15 % = 45.00; G1 1 300 × 60 % = 780.00.
    result = _at(ON_APRIL_30)
    assert result.total == Decimal("825.00")
    assert dict(result.by_client.select("client", "provision_cents").iter_rows()) == {
        "GAMA": 78_000,
        "ACME": 4_500,
    }


def test_a_bankrupt_client_is_provisioned_in_full_whatever_the_age():
    # GAMA at 100 %: 1 300.00 instead of 390.00; ACME unchanged (20.00).
    result = _at(ON_MARCH_31, BANKRUPT_GAMA)
    assert result.total == Decimal("1320.00")
    assert result.overridden == Decimal("1300.00")
    gama = result.items.filter(pl.col("client") == "GAMA").row(0, named=True)
    assert gama["overridden"] is True
    assert gama["percent"] == 100.0
    # The bucket summary leaves overridden clients out, so it adds up with them.
    assert sum(b.amount for b in result.by_bucket) + result.overridden == result.total


def test_movement_from_march_to_april_is_all_charge():
    # ACME 20.00 → 45.00: charge 25.00; GAMA 390.00 → 780.00: charge 390.00.
    movement = provision_movement(_at(ON_MARCH_31), _at(ON_APRIL_30))
    assert movement.by_client.rows() == [
        ("ACME", 2_000, 4_500, 2_500, 0, 2_500),
        ("GAMA", 39_000, 78_000, 39_000, 0, 39_000),
    ]
    assert (movement.charge, movement.release, movement.net) == (
        Decimal("415.00"),
        Decimal("0.00"),
        Decimal("415.00"),
    )


def test_movement_from_april_to_june_releases_what_was_paid():
    # ACME 45.00 → F3 100 × 5 % = 5.00: release 40.00; GAMA stays at 780.00 (181–365).
    movement = provision_movement(_at(ON_APRIL_30), _at(ON_JUNE_30))
    assert movement.by_client.rows() == [("ACME", 4_500, 500, 0, 4_000, -4_000)]
    assert (movement.opening, movement.closing) == (Decimal("825.00"), Decimal("785.00"))
    assert movement.release == Decimal("40.00")
    assert movement.entries().rows() == [(ON_JUNE_30, "release", 4_000)]


def test_charges_and_releases_are_not_netted_across_clients():
    # March → June: ACME 20.00 → 5.00 (release 15.00), GAMA 390.00 → 780.00 (charge).
    movement = provision_movement(_at(ON_MARCH_31), _at(ON_JUNE_30))
    assert (movement.charge, movement.release, movement.net) == (
        Decimal("390.00"),
        Decimal("15.00"),
        Decimal("375.00"),
    )
    assert movement.entries()["movement"].to_list() == ["charge", "release"]


def test_each_invoice_is_rounded_half_up_to_the_cent():
    # 0.50 × 1 % = 0.005 → 0.01; 123.45 × 1 % = 1.2345 → 1.23; 0.49 × 1 % → 0.00.
    inv = pl.DataFrame(
        {
            "invoice": ["a", "b", "c"],
            "client": ["X", "Y", "Z"],
            "date": [dt.date(2026, 1, 1)] * 3,
            "due_date": [dt.date(2026, 1, 31)] * 3,
            "amount_cents": [50, 12_345, 49],
        }
    )
    pay = pl.DataFrame(
        schema={
            "payment": pl.String,
            "client": pl.String,
            "date": pl.Date,
            "amount_cents": pl.Int64,
        }
    )
    result = provision(ageing(inv, pay, as_of=dt.date(2026, 2, 10)))
    assert result.items.sort("invoice")["provision_cents"].to_list() == [1, 123, 0]


def test_a_policy_needs_one_percentage_per_bucket():
    with pytest.raises(ValueError, match="3 percentages for 7 buckets"):
        ProvisionPolicy(percents=(Decimal(0), Decimal(50), Decimal(100)))


def test_a_percentage_above_100_or_too_precise_is_refused():
    with pytest.raises(ValueError, match="between 0 and 100"):
        ProvisionPolicy(overrides={"GAMA": Decimal(120)})
    with pytest.raises(ValueError, match="two decimal places"):
        ProvisionPolicy(overrides={"GAMA": Decimal("12.345")})


def test_policy_and_ageing_must_share_buckets():
    aged = ageing(invoices(), payments(), as_of=ON_MARCH_31, buckets=Buckets((0, 90)))
    with pytest.raises(ValueError, match="different buckets"):
        provision(aged)


def test_a_movement_backwards_in_time_is_refused():
    with pytest.raises(ValueError, match="after the closing"):
        provision_movement(_at(ON_APRIL_30), _at(ON_MARCH_31))


def test_the_policy_does_not_follow_later_edits_of_the_overrides_dict():
    overrides = {"GAMA": Decimal(100)}
    policy = ProvisionPolicy(overrides=overrides)
    overrides["ACME"] = Decimal(100)
    assert set(policy.overrides) == {"GAMA"}
