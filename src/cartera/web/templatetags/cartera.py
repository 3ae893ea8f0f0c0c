"""Template filters and tags of every page: ``{% load cartera %}``.

Numbers, money and dates go through :mod:`cartera.common.formatting`, so every page
writes them the same way in the reader's locale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms, template
from django.forms import BoundField
from django.http import QueryDict
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cartera.common import formatting
from cartera.common.money import quantize

register = template.Library()


def _missing(value: Any) -> bool:
    # A template variable that does not resolve arrives as "" (string_if_invalid).
    return value is None or value == ""


DIMENSIONS = {
    "salesperson": _("salesperson"),
    "segment": _("segment"),
    "city": _("city"),
    "channel": _("channel"),
    "source": _("acquisition source"),
    "family": _("product family"),
}


@register.filter
def money(value: Decimal | int | None) -> str:
    """``{{ amount|money }}`` → ``1.234,56 €`` (Decimal or int currency units)."""
    if _missing(value):
        return formatting.EMPTY
    return formatting.format_money(
        value, currency=formatting.current_currency(), locale=formatting.current_locale()
    )


@register.filter
def estimate(value: float | None) -> str:
    """``{{ mean_month|estimate }}``: a statistical estimate of money (a float) written as
    money, rounded half-up to the cent here, at the edge."""
    if _missing(value):
        return formatting.EMPTY
    return money(quantize(repr(float(value))))


@register.filter
def cents(value: int | None) -> str:
    """``{{ revenue_cents|cents }}`` → ``1.234,56 €`` (integer cents from a frame)."""
    if _missing(value):
        return formatting.EMPTY
    return formatting.format_cents(
        value, currency=formatting.current_currency(), locale=formatting.current_locale()
    )


@register.filter
def number(value: int | float | Decimal | None, digits: int = 0) -> str:
    """``{{ count|number }}`` → ``12.345``; ``{{ x|number:2 }}`` → ``1,50``."""
    if _missing(value):
        return formatting.EMPTY
    return formatting.format_number(value, locale=formatting.current_locale(), digits=digits)


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """``{{ share|percent }}`` → ``25,3 %``."""
    if _missing(value):
        return formatting.EMPTY
    return formatting.format_percent(value, locale=formatting.current_locale(), digits=digits)


@register.filter
def day(value: dt.date | dt.datetime | None, style: str = "medium") -> str:
    """``{{ date|day }}`` → ``22 nov 2026``; ``{{ date|day:"short" }}`` → ``22/11/26``."""
    if not isinstance(value, dt.date):
        return formatting.EMPTY
    return formatting.format_day(value, locale=formatting.current_locale(), style=style)


@register.filter
def month(value: dt.date | None) -> str:
    """``{{ month_start|month }}`` → ``nov 2026``."""
    if not isinstance(value, dt.date):
        return formatting.EMPTY
    return formatting.format_month(value, locale=formatting.current_locale())


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``{{ row|get_item:column }}``: a value of a dictionary by a key held in a variable."""
    return mapping.get(key)


@register.filter
def dimension_label(name: str) -> str:
    """The translated name of an analysis dimension (``city`` → ``ciudad``)."""
    return str(DIMENSIONS.get(name, name))


@register.filter
def choice_label(value: str | None, choices: Any) -> str:
    """``{{ code|choice_label:segments }}``: the label of a choice code, or the code."""
    if not value:
        return formatting.EMPTY
    return str(dict(choices).get(value, value))


@register.simple_tag
def query_with(query: str, **changes: Any) -> str:
    """``{% query_with query after=cursor before=None %}``: the query with keys replaced.

    A value of ``None`` or ``""`` removes the key.
    """
    params = QueryDict(query, mutable=True)
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    return params.urlencode()


def _attributes(attrs: dict[str, Any]) -> str:
    return "".join(
        format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value not in (None, False)
    )


def _as_text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


@register.simple_tag
def filter_field(field: BoundField) -> SafeString:
    """``{% filter_field form.city %}``: a filter's input, written directly.

    Django renders each widget (and each option of a select) through a template, about a
    millisecond apiece; a list page with a dozen filters paid more for that than for its
    queries. Text, date, check box, select and multiple select are written here.
    """
    widget = field.field.widget
    name, ident = field.html_name, field.auto_id
    attrs = {**widget.attrs, "name": name, "id": ident}
    value = field.value()
    if isinstance(widget, forms.CheckboxSelectMultiple):
        chosen = {str(v) for v in (value or [])}
        items = "".join(
            format_html(
                '<li><label><input type="checkbox" name="{}" value="{}"{}> {}</label></li>',
                name,
                choice,
                mark_safe(" checked") if str(choice) in chosen else "",
                label,
            )
            for choice, label in field.field.choices
        )
        return format_html('<ul id="{}">{}</ul>', ident, mark_safe(items))
    if isinstance(widget, forms.CheckboxInput):
        checked = {"checked": "checked"} if value else {}
        return mark_safe(f'<input type="checkbox"{_attributes({**attrs, **checked})}>')
    if isinstance(widget, forms.Select):
        multiple = isinstance(widget, forms.SelectMultiple)
        chosen = {str(v) for v in (value or [])} if multiple else {_as_text(value)}
        # escape + join rather than format_html: a salesperson select has hundreds of options.
        options = "".join(
            f'<option value="{escape(_as_text(choice))}"'
            f"{' selected' if _as_text(choice) in chosen else ''}>{escape(label)}</option>"
            for choice, label in field.field.choices
        )
        extra = {"multiple": "multiple"} if multiple else {}
        return mark_safe(f"<select{_attributes({**attrs, **extra})}>{options}</select>")
    kind = widget.input_type if hasattr(widget, "input_type") else "text"
    shown = {"type": kind, **attrs, "value": _as_text(value) or None}
    return mark_safe(f"<input{_attributes(shown)}>")
