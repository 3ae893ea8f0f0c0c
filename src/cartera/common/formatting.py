"""Numbers, money, percentages and dates written the way the reader's locale writes them.

One module for every page, export and e-mail: ``1.234,56 €`` for a Spanish reader,
``€ 1.234,56`` in Brazil, ``€1,234.56`` in English. Formatting is Babel's (CLDR data);
money is :class:`~decimal.Decimal` (or integer cents) and never a float, rounded half-up
to the cent before it is written.

The pure functions take the locale and currency explicitly; :func:`current_locale` and
:func:`current_currency` give the ones of the request being served (the active Django
language, refined by the company's own locale when it is of that language).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal
from functools import lru_cache
from typing import Final

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as babel_format_percent
from django.utils import translation

from cartera.common.money import from_cents, quantize

EMPTY: Final = "—"
DEFAULT_LOCALES: Final[dict[str, str]] = {"es": "es_ES", "pt": "pt_BR", "en": "en_US"}
"""The locale of each interface language when the company's locale is of another one."""
_COMPANY_SECONDS: Final = 60


_company: tuple[float, tuple[str, str]] | None = None


def _company_format() -> tuple[str, str]:
    """Return the company's (locale, currency), read at most once a minute per process.

    Kept in a module variable rather than the cache: a page writes hundreds of amounts
    and dates, and a cache read per amount (unpickling included) cost more than the
    formatting itself.
    """
    global _company
    now = time.monotonic()
    if _company is None or now - _company[0] > _COMPANY_SECONDS:
        from cartera.common.models import CompanySettings

        row = CompanySettings.objects.filter(pk=1).values_list("locale", "currency").first()
        _company = (now, (row[0] or "es", row[1] or "EUR") if row else ("es", "EUR"))
    return _company[1]


def forget_company_format() -> None:
    """Make the next format read the company's locale and currency again (tests, admin)."""
    global _company
    _company = None


def locale_for(language: str, company_locale: str = "") -> str:
    """Return the Babel locale for an interface ``language`` and the company's locale.

    The company's locale wins when it is of the same language (``es_MX`` for a Mexican
    company read in Spanish); otherwise the language's default region is used.
    """
    base = (language or "es").split("-")[0].split("_")[0].lower()
    company = company_locale.replace("-", "_")
    if company.split("_")[0].lower() == base and "_" in company:
        return company
    return DEFAULT_LOCALES.get(base, DEFAULT_LOCALES["es"])


def current_locale() -> str:
    """Return the Babel locale of the request being served."""
    return locale_for(translation.get_language() or "es", _company_format()[0])


def current_currency() -> str:
    """Return the company's currency (ISO 4217)."""
    return _company_format()[1]


@lru_cache(maxsize=32)
def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def format_money(amount: Decimal | int | None, *, currency: str, locale: str) -> str:
    """Return ``amount`` in ``currency`` as ``locale`` writes it, rounded half-up to cents."""
    if amount is None:
        return EMPTY
    if isinstance(amount, float):
        raise TypeError("money must be a Decimal or an int, never a float")
    return format_currency(quantize(amount), currency, locale=_locale(locale))


def format_cents(cents: int | None, *, currency: str, locale: str) -> str:
    """Return integer ``cents`` as money (see :func:`format_money`)."""
    if cents is None:
        return EMPTY
    return format_money(from_cents(int(cents)), currency=currency, locale=locale)


def format_number(value: int | float | Decimal | None, *, locale: str, digits: int = 0) -> str:
    """Return ``value`` with the locale's grouping and exactly ``digits`` decimals."""
    if value is None:
        return EMPTY
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale(locale))


@lru_cache(maxsize=64)
def _percent_pattern(locale: str, digits: int) -> str:
    # Keep the locale's own pattern (Spanish puts a space before %) and give it decimals.
    pattern = Locale.parse(locale).percent_formats[None].pattern
    decimals = "0." + "0" * digits if digits > 0 else "0"
    return re.sub(r"0(?!.*0)", decimals, pattern, count=1)


def format_percent(share: float | None, *, locale: str, digits: int = 1) -> str:
    """Return a share (0.253) as a percentage (``25,3 %`` in Spanish, ``25.3%`` in English)."""
    if share is None:
        return EMPTY
    return babel_format_percent(
        share, format=_percent_pattern(locale, digits), locale=_locale(locale)
    )


def format_day(day: dt.date | dt.datetime | None, *, locale: str, style: str = "medium") -> str:
    """Return a date as ``locale`` writes it (``22 nov 2026``; style short/medium/long)."""
    if day is None:
        return EMPTY
    if isinstance(day, dt.datetime):
        day = day.date()
    return babel_format_date(day, format=style, locale=_locale(locale))


def format_month(day: dt.date | None, *, locale: str) -> str:
    """Return the month of ``day`` as ``locale`` names it (``nov 2026``, ``Nov 2026``)."""
    if day is None:
        return EMPTY
    return format_skeleton("yMMM", day, locale=_locale(locale))
