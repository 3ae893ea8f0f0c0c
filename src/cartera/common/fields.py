"""Model fields shared by the domain apps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.money import from_cents, quantize


class MoneyField(models.BigIntegerField):
    """An amount in the company currency: ``Decimal`` in Python, integer cents in the database.

    Integer cents keep SQLite exact (it has no decimal type), make PostgreSQL ``COPY``
    and Arrow reads trivial, and are what ``cartera.analytics`` frames carry.
    """

    description = _("Amount of money (stored in cents)")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return from_cents(int(value))

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value if value is None else quantize(value)
        if isinstance(value, float):
            value = repr(value)
        try:
            return quantize(value)
        except ValueError as exc:
            raise ValidationError(
                _("“%(value)s” is not an amount of money."),
                code="invalid",
                params={"value": value},
            ) from exc

    def get_prep_value(self, value: Any) -> int | None:
        amount = self.to_python(value)
        if amount is None:
            return None
        return int(amount * 100)

    def formfield(self, **kwargs: Any) -> forms.Field:
        defaults: dict[str, Any] = {
            "form_class": forms.DecimalField,
            "max_digits": 18,
            "decimal_places": 2,
        }
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class WrittenJSONField(models.JSONField):
    """JSON that only the application writes, from values it computed itself.

    SQLite checks every row of a ``JSONField`` with ``JSON_VALID``, parsing the document
    once more on insert: for the 100,000 rows a rating run writes at once that is a
    seventh of the write, spent checking what a serializer has just produced. The
    column is otherwise a plain ``JSONField`` (PostgreSQL ``jsonb``).
    """

    def db_check(self, connection: Any) -> str | None:
        return None
