"""What a column of an import file may fill: a role, its synonyms and the value it holds.

Roles for the fields cartera knows are written out with their Spanish, Portuguese and
English headers (see :mod:`cartera.imports.vocabularies`); every other editable field
of the model gets a role at run time from the field itself, so a field another app adds
to ``clients.Account`` can be imported and exported without touching this package.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from django.db import models
from django.utils import translation

from cartera.analytics.io import ValueKind
from cartera.common.fields import MoneyField


class Value(enum.Enum):
    """What a role's cells hold, and so how they are converted and checked."""

    TEXT = "text"
    NAME = "name"
    """Text whose inner runs of spaces are collapsed (people and company names)."""
    CODE = "code"
    """A key written by the user (account code, SKU, invoice number): trimmed only."""
    MONEY = "money"
    NUMBER = "number"
    INTEGER = "integer"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"
    COUNTRY = "country"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    TAX_ID = "tax_id"
    JSON = "json"
    REFERENCE = "reference"
    """Text naming another row (a client code, a salesperson's name or e-mail …)."""


READ_AS: Mapping[Value, ValueKind] = {
    Value.MONEY: ValueKind.MONEY,
    Value.NUMBER: ValueKind.NUMBER,
    Value.INTEGER: ValueKind.NUMBER,
    Value.DATE: ValueKind.DATE,
}
"""How :func:`cartera.analytics.io.convert_columns` reads each value; text otherwise."""


@dataclass(frozen=True, slots=True)
class Role:
    """One thing a column can fill.

    Attributes
    ----------
    name
        Name of the role: the column of the converted frame, the ``--map`` key and the
        header written on export.
    synonyms
        Headers people write for it (es / pt / en); the name itself is always one.
    value
        What the cells hold.
    field
        Model field it fills (``None`` for roles that only help, such as a product
        name used to create a missing product).
    required
        Whether every row must have a value.
    choices
        For :attr:`Value.CHOICE`: words people write → stored code.
    max_length
        Longest text the field stores.
    minimum, maximum
        Inclusive bounds of a number.
    above_zero
        Whether the number must be greater than zero.
    decimals
        Decimal places a number is stored with.
    """

    name: str
    synonyms: tuple[str, ...] = ()
    value: Value = Value.TEXT
    field: str | None = None
    required: bool = False
    choices: Mapping[str, str] = dataclasses.field(default_factory=dict)
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    above_zero: bool = False
    decimals: int | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        """Return the synonyms with the role's own name (``legal_name``) first."""
        own = self.name.replace("_", " ")
        return (own, *(s for s in self.synonyms if s != own))


_INTEGER_BOUNDS: Mapping[type[models.Field], tuple[int, int]] = {
    models.PositiveSmallIntegerField: (0, 32_767),
    models.PositiveIntegerField: (0, 2_147_483_647),
    models.PositiveBigIntegerField: (0, 9_223_372_036_854_775_807),
    models.SmallIntegerField: (-32_768, 32_767),
    models.IntegerField: (-2_147_483_648, 2_147_483_647),
}


def verbose_names(model_field: models.Field) -> tuple[str, ...]:
    """Return the field's label in English, Spanish and Portuguese (where translated)."""
    names: list[str] = []
    for language in ("en", "es", "pt", "pt-br"):
        with translation.override(language):
            label = str(model_field.verbose_name)
        if label and label not in names:
            names.append(label)
    return tuple(names)


def choice_words(choices: Iterable[tuple[object, object]]) -> dict[str, str]:
    """Return every way of writing the choices of a field → the stored code.

    The code itself and the label in English, Spanish and Portuguese are accepted.
    """
    words: dict[str, str] = {}
    for code, label in choices:
        if not isinstance(code, str):
            continue
        words.setdefault(code, code)
        words.setdefault(code.replace("_", " "), code)
        for language in ("en", "es", "pt", "pt-br"):
            with translation.override(language):
                words.setdefault(str(label), code)
    return words


def role_for_field(model_field: models.Field, **overrides: object) -> Role:
    """Return the role of a model field, its value kind and bounds read from the field."""
    value = Value.TEXT
    bounds: tuple[int, int] | None = None
    decimals = None
    choices: dict[str, str] = {}
    if isinstance(model_field, MoneyField):
        value = Value.MONEY
    elif isinstance(model_field, models.BooleanField):
        value = Value.BOOL
    elif isinstance(model_field, models.DateField) and not isinstance(
        model_field, models.DateTimeField
    ):
        value = Value.DATE
    elif isinstance(model_field, models.DecimalField):
        value, decimals = Value.NUMBER, model_field.decimal_places
    elif isinstance(model_field, models.IntegerField):
        value = Value.INTEGER
        for kind, limits in _INTEGER_BOUNDS.items():
            if isinstance(model_field, kind):
                bounds = limits
                break
    elif isinstance(model_field, models.EmailField):
        value = Value.EMAIL
    elif isinstance(model_field, models.URLField):
        value = Value.URL
    elif isinstance(model_field, models.JSONField):
        value = Value.JSON
    if model_field.choices and value is Value.TEXT:
        value = Value.CHOICE
        choices = choice_words(model_field.flatchoices)
    max_length = getattr(model_field, "max_length", None)
    role = Role(
        name=model_field.name,
        synonyms=verbose_names(model_field),
        value=value,
        field=model_field.name,
        choices=choices,
        max_length=max_length if value not in (Value.MONEY, Value.JSON) else None,
        minimum=None if bounds is None else bounds[0],
        maximum=None if bounds is None else bounds[1],
        decimals=decimals,
    )
    if "synonyms" in overrides:
        extra = tuple(overrides.pop("synonyms"))  # type: ignore[arg-type]
        role = replace(role, synonyms=(*extra, *role.synonyms))
    if "choices" in overrides:
        role = replace(role, choices={**role.choices, **overrides.pop("choices")})  # type: ignore[dict-item]
    return replace(role, **overrides)  # type: ignore[arg-type]


def editable_fields(model: type[models.Model], *, skip: Iterable[str] = ()) -> list[models.Field]:
    """Return the concrete fields of ``model`` an import may fill, in model order.

    Primary keys, time stamps, relations (handled as references by each kind) and
    ``skip`` are left out.
    """
    skipped = {"id", "created_at", "updated_at", *skip}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in skipped and not f.primary_key and not f.is_relation and f.editable
    ]
