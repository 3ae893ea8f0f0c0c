"""Input types that keep hostile values out before any service sees them.

The services validate the business rules; these types refuse what would otherwise
reach the database driver as an error instead of a message: ids beyond 64 bits, NUL
characters and lone surrogates in text (PostgreSQL refuses both), dates whose payment
terms would overflow the calendar, amounts with more than two decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**63 - 1
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
MONEY_PATTERN = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Money = Annotated[
    Decimal,
    Field(
        max_digits=16,
        decimal_places=2,
        allow_inf_nan=False,
        json_schema_extra={"pattern": MONEY_PATTERN},
    ),
]
PositiveMoney = Annotated[
    Decimal,
    Field(
        gt=0,
        max_digits=16,
        decimal_places=2,
        allow_inf_nan=False,
        json_schema_extra={"pattern": MONEY_PATTERN},
    ),
]
Quantity = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=3, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


def text(max_length: int, *, min_length: int = 0) -> object:
    """Return a text type of at most ``max_length`` storable characters."""
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), AfterValidator(_storable)
    ]


ShortText = text(200)


def _storable_json(value: object) -> object:
    """Refuse text the database cannot store anywhere inside a JSON value."""
    if isinstance(value, str):
        _storable(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(str(key))
            _storable_json(item)
    elif isinstance(value, list):
        for item in value:
            _storable_json(item)
    return value


Attributes = Annotated[dict[str, object], AfterValidator(_storable_json)]
Code = text(50, min_length=1)
Name = text(200, min_length=1)
Text32 = text(32)
Text64 = text(64)
Text80 = text(80)
Text120 = text(120)
Text16 = text(16)
Text300 = text(300)
LongText = text(5000)
Country = text(2)
Phone = text(40)
Email = text(254)
Url = text(200)
