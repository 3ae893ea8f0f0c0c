"""Libraries that check one value at a time run once per distinct value (issue 5, point 2)."""

from __future__ import annotations

import polars as pl
import pytest
from django.utils import translation

from cartera.imports import validators
from cartera.imports.validators import ERROR, RESULT, distinct_results


@pytest.mark.parametrize("parallel_from", [10_000, 2])
def test_phones_are_checked_per_distinct_value_and_joined_back(monkeypatch, parallel_from):
    monkeypatch.setattr(validators, "PARALLEL_FROM", parallel_from)
    frame = pl.DataFrame(
        {
            "phone": ["912 345 678", "912 345 678", "212345678", "12", None],
            "region": ["ES", "ES", "PT", "ES", "ES"],
        }
    )
    checked = distinct_results(frame, ["phone", "region"], validators.phone)
    assert checked[RESULT].to_list() == [
        "+34912345678",
        "+34912345678",
        "+351212345678",
        None,
        None,
    ]
    assert [e is not None for e in checked[ERROR].to_list()] == [False, False, False, True, False]


@pytest.mark.parametrize(
    ("value", "country", "valid"),
    [
        ("B12345674", "ES", True),
        ("X1234567L", "ES", True),
        ("B12345670", "ES", False),
        ("501964843", "PT", True),
        ("390.533.447-05", "BR", True),
        ("11.222.333/0001-81", "BR", True),
        ("GODE561231GR8", "MX", True),
        ("76.086.428-5", "CL", True),
        ("900.373.913-4", "CO", True),
        ("20-26756539-3", "AR", True),
        ("20-26756539-4", "AR", False),
        ("anything", "FR", True),  # no rule for the country: kept as written
    ],
)
def test_tax_ids_are_checked_for_their_country(value, country, valid):
    if valid:
        assert validators.tax_id(value, country) == value
    else:
        with translation.override("en"), pytest.raises(ValueError, match=f"valid .* of {country}"):
            validators.tax_id(value, country)
