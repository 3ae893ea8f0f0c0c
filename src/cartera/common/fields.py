"""Model fields shared by the domain apps."""

from __future__ import annotations

import json
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


class WrittenJSONField(models.TextField):
    """JSON that only the application writes, whole, and reads whole: kept as text.

    A ``JSONField`` makes the database parse every document it stores: SQLite checks
    each row with ``JSON_VALID`` and PostgreSQL decomposes it into ``jsonb``. For the
    100,000 explanations a rating run writes at once, from numbers it has just
    serialized and never queried into, that parse was a seventh of SQLite's write and
    a third of PostgreSQL's ``COPY``. In Python the value is what ``json`` makes of it.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValidationError(str(error), code="invalid") from error
        return value

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj))
