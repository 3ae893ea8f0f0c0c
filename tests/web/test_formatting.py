"""Money, numbers and dates are written the way the reader's locale writes them (issue 9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartera.common.formatting import (
    format_cents,
    format_day,
    format_money,
    format_month,
    format_number,
    format_percent,
    locale_for,
)

NBSP, NNBSP = "\xa0", "\u202f"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("es_ES", f"1.234,56{NBSP}€"),
        ("pt_BR", f"€{NBSP}1.234,56"),
        ("en_US", "€1,234.56"),
    ],
)
def test_money_is_written_in_the_readers_locale(locale, expected):
    assert format_money(Decimal("1234.56"), currency="EUR", locale=locale) == expected


def test_money_rounds_half_up_to_the_cent():
    # Decimal's default (half-even) would give 0,12 and 2,34.
    assert format_money(Decimal("0.125"), currency="EUR", locale="es_ES") == f"0,13{NBSP}€"
    assert format_money(Decimal("2.345"), currency="EUR", locale="en_US") == "€2.35"


def test_money_from_cents_and_in_other_currencies():
    assert format_cents(123456789, currency="BRL", locale="pt_BR") == f"R${NBSP}1.234.567,89"
    assert format_cents(-5, currency="EUR", locale="es_ES") == f"-0,05{NBSP}€"


def test_a_float_is_refused_as_money():
    with pytest.raises(TypeError, match="never a float"):
        format_money(12.5, currency="EUR", locale="es_ES")  # type: ignore[arg-type]


def test_missing_values_are_a_dash():
    assert format_money(None, currency="EUR", locale="es_ES") == "—"
    assert format_percent(None, locale="es_ES") == "—"
    assert format_day(None, locale="es_ES") == "—"


def test_numbers_percentages_and_dates():
    assert format_number(2000, locale="es_ES") == "2.000"
    assert format_number(1234.5, locale="en_US", digits=2) == "1,234.50"
    assert format_percent(0.2534, locale="es_ES") == f"25,3{NBSP}%"
    assert format_percent(0.2534, locale="en_US") == "25.3%"
    day = dt.date(2026, 11, 22)
    assert format_day(day, locale="es_ES") == "22 nov 2026"
    assert format_day(day, locale="pt_BR") == "22 de nov. de 2026"
    assert format_day(day, locale="en_US") == "Nov 22, 2026"
    assert format_month(day, locale="en_US") == "Nov 2026"


def test_the_company_locale_wins_only_within_its_language():
    assert locale_for("es", "es_MX") == "es_MX"
    assert locale_for("pt", "es_MX") == "pt_BR"
    assert locale_for("en", "") == "en_US"
    assert locale_for("pt-br", "pt_PT") == "pt_PT"


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_cents_written_in_spanish_read_back_to_the_same_amount(cents):
    text = format_cents(cents, currency="EUR", locale="es_ES")
    digits = text.replace(f"{NBSP}€", "").replace(".", "").replace(",", ".")
    assert Decimal(digits) == Decimal(cents) / 100
