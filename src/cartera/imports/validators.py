"""Checks done by libraries that validate one value at a time: phones, e-mails, tax ids, URLs.

phonenumbers, email-validator, python-stdnum and Django's URL validator take one value
per call, so these are the only per-value Python loops of an import: each runs over
the *distinct* values of the column (a client file repeats few phones, a sales file
has none), and the results are joined back to the rows column-wise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from cartera.common.validators import normalize_email, normalize_phone

RESULT = "__result"
ERROR = "__error"


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(m) for m in exc.messages)
    return str(exc) or type(exc).__name__


def distinct_results(
    frame: pl.DataFrame, keys: list[str], check: Callable[..., str | None]
) -> pl.DataFrame:
    """Return ``frame`` with ``__result`` and ``__error`` from ``check`` on each distinct key.

    ``check`` gets the values of ``keys`` of one distinct row and returns the
    normalised value, or raises (its message becomes ``__error``). Rows whose first key
    is null get nulls.
    """
    distinct = frame.select(keys).unique().filter(pl.col(keys[0]).is_not_null())
    results: list[str | None] = []
    errors: list[str | None] = []
    for values in distinct.iter_rows():
        try:
            results.append(check(*values))
            errors.append(None)
        except (ValidationError, ValueError) as exc:
            results.append(None)
            errors.append(_message(exc))
    table = distinct.with_columns(
        pl.Series(RESULT, results, dtype=pl.String), pl.Series(ERROR, errors, dtype=pl.String)
    )
    return frame.join(table, on=keys, how="left", nulls_equal=True, maintain_order="left")


def phone(value: str, region: str | None) -> str:
    """Return ``value`` in E.164, read with ``region`` when it has no ``+`` prefix."""
    return normalize_phone(value, region=region)


def email(value: str) -> str:
    """Return ``value`` as email-validator normalises it."""
    return normalize_email(value)


_URL = URLValidator()


def url(value: str) -> str:
    """Return ``value`` as a URL; ``www.example.com`` is read as ``https://www.example.com``."""
    text = value if "://" in value else f"https://{value}"
    _URL(text)
    return text


def _stdnum(name: str) -> ModuleType:
    from importlib import import_module

    return import_module(f"stdnum.{name}")


# The tax identifiers checked per country (issue 5): each country's modules, tried in order.
TAX_IDS: Mapping[str, tuple[str, ...]] = {
    "ES": ("es.nif", "es.cif", "es.nie"),
    "PT": ("pt.nif",),
    "BR": ("br.cpf", "br.cnpj"),
    "MX": ("mx.rfc",),
    "CL": ("cl.rut",),
    "CO": ("co.nit",),
    "AR": ("ar.cuit",),
}


def tax_id(value: str, country: str | None) -> str:
    """Return ``value`` trimmed when it is a valid tax id of ``country`` (or no rule applies).

    The value is kept as written: the check runs on its compact form.
    """
    modules = TAX_IDS.get((country or "").upper())
    if not modules:
        return value
    for name in modules:
        if _stdnum(name).is_valid(value):
            return value
    names = {
        "ES": "NIF, CIF or NIE",
        "PT": "NIF",
        "BR": "CPF or CNPJ",
        "MX": "RFC",
        "CL": "RUT",
        "CO": "NIT",
        "AR": "CUIT",
    }
    raise ValueError(
        _("a valid %(name)s of %(country)s") % {"name": names[country.upper()], "country": country}  # type: ignore[union-attr]
    )


def json_object(value: str) -> str:
    """Return ``value`` (a JSON object) in compact, key-sorted form."""
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(_("a JSON object ({reason})").format(reason=exc.msg)) from exc
    if not isinstance(parsed, dict):
        raise ValueError(_('a JSON object ({"key": "value", …})'))
    return json.dumps(parsed, ensure_ascii=False, sort_keys=True)
