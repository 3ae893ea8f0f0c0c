"""Checks done by libraries that validate one value at a time: phones, e-mails, tax ids, URLs.

phonenumbers, email-validator, python-stdnum and Django's URL validator take one value
per call, so these are the only per-value Python loops of an import: each runs over
the *distinct* values of the column (a client file repeats few phones, a sales file
has none), and the results are joined back to the rows column-wise.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
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


PARALLEL_FROM = 20_000
"""Distinct values from which the checks run in one process per CPU (Linux)."""


def _checked(
    check: Callable[..., str | None], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, Any]]:
    """Return (normalised value, error message) for each row of arguments."""
    out: list[tuple[Any, Any]] = []
    for values in rows:
        try:
            out.append((check(*values), None))
        except (ValidationError, ValueError) as exc:
            out.append((None, _message(exc)))
    return out


def _checked_everywhere(
    check: Callable[..., str | None], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, Any]]:
    """Run :func:`_checked` on ``rows``, split over one forked process per CPU when many.

    The libraries are pure Python, so threads would not help; a forked worker starts
    with Django set up, and only runs the check (no database, no Polars) before
    ``os._exit``.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(rows) < PARALLEL_FROM or workers < 2 or sys.platform != "linux":
        return _checked(check, rows)
    size = -(-len(rows) // workers)
    parts = [rows[i : i + size] for i in range(0, len(rows), size)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        done = pool.starmap(_checked, [(check, part) for part in parts])
    return [pair for part in done for pair in part]


def distinct_results(
    frame: pl.DataFrame, keys: list[str], check: Callable[..., str | None]
) -> pl.DataFrame:
    """Return ``frame`` with ``__result`` and ``__error`` from ``check`` on each distinct key.

    ``check`` gets the values of ``keys`` of one distinct row and returns the
    normalised value, or raises (its message becomes ``__error``). Rows whose first key
    is null get nulls. ``check`` must be a module-level function (it may run in a
    worker process).
    """
    distinct = frame.select(keys).unique().filter(pl.col(keys[0]).is_not_null())
    pairs = _checked_everywhere(check, distinct.rows())
    table = distinct.with_columns(
        pl.Series(RESULT, [p[0] for p in pairs], dtype=pl.String),
        pl.Series(ERROR, [p[1] for p in pairs], dtype=pl.String),
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
        "ES": _("NIF, CIF or NIE"),
        "PT": "NIF",
        "BR": _("CPF or CNPJ"),
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
