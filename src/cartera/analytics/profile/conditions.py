"""Ideal client profiles as data: weighted conditions on account attributes (S4.1).

A profile holds conditions of two kinds: ``"demographic"`` (firmographic or
demographic: industry, size, region, age band, credit rating …) and ``"fit"`` (fit with
the organisation: expected service cost, profitability of serving). Each condition
tests one attribute column; its weight says how much it counts in the fit score.
Profiles round-trip through :meth:`Profile.to_dict` / :meth:`Profile.from_dict`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

import polars as pl

from cartera.analytics.rating.policy import PolicyError, check_fields, located

Operator: TypeAlias = Literal[
    "eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "true", "false"
]
Group: TypeAlias = Literal["demographic", "fit"]

OPERATORS: Final[tuple[str, ...]] = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "true",
    "false",
)
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
Scalar: TypeAlias = str | int | float | bool


def _scalar(value: object, path: str) -> Scalar:
    if isinstance(value, float) and not math.isfinite(value):
        raise PolicyError(f"expected a finite value, got {value!r}", path=path)
    if not isinstance(value, str | int | float | bool):
        raise PolicyError(f"expected a text, number or yes/no, got {value!r}", path=path)
    return value


def _shown(value: object) -> str:
    """Return a value for reading: numbers to six significant digits, no trailing ``.0``."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PolicyError(f"expected a finite number, got {value!r}", path=path)
    return float(value)


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a profile: ``attribute op value``.

    ``value`` is a scalar for ``eq``/``ne`` (text, number or yes/no), a number for the
    comparisons, a list for ``in``/``not_in``, a ``[low, high]`` pair (both included)
    for ``between`` and nothing for ``true``/``false``. An account whose attribute is
    unknown does not meet the condition.
    """

    attribute: str
    op: Operator
    value: Any = None
    weight: float = 1.0
    group: Group = "demographic"
    key: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.attribute, str) or not self.attribute:
            raise PolicyError("expected the name of an attribute column", path="attribute")
        if self.op not in OPERATORS:
            raise PolicyError(
                f"unknown operator {self.op!r}; expected one of {', '.join(OPERATORS)}", path="op"
            )
        object.__setattr__(self, "value", self._checked_value())
        weight = _number(self.weight, "weight")
        if weight <= 0:
            raise PolicyError(f"must be positive, got {self.weight!r}", path="weight")
        object.__setattr__(self, "weight", weight)
        if self.group not in ("demographic", "fit"):
            raise PolicyError(f"expected 'demographic' or 'fit', got {self.group!r}", path="group")
        key = self.key or re.sub(r"[^a-z0-9_]", "_", f"{self.attribute}_{self.op}".lower())
        if not _KEY.match(key):
            raise PolicyError(
                f"expected lower case letters, digits and underscores, got {key!r}", path="key"
            )
        object.__setattr__(self, "key", key)
        if not isinstance(self.label, str):
            raise PolicyError("expected text", path="label")

    def _checked_value(self) -> Any:
        op, value = self.op, self.value
        if op in ("true", "false"):
            if value is not None:
                raise PolicyError(f"operator {op!r} takes no value", path="value")
            return None
        if op in ("in", "not_in"):
            if isinstance(value, str | bytes) or not isinstance(value, Sequence) or not value:
                raise PolicyError("expected a non-empty list", path="value")
            return tuple(_scalar(v, f"value[{i}]") for i, v in enumerate(value))
        if op == "between":
            if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) != 2:
                raise PolicyError("expected a [low, high] pair", path="value")
            low, high = _number(value[0], "value[0]"), _number(value[1], "value[1]")
            if low > high:
                raise PolicyError(f"low {low:g} is above high {high:g}", path="value")
            return (low, high)
        if op in ("gt", "gte", "lt", "lte"):
            return _number(value, "value")
        if value is None:
            raise PolicyError(f"operator {op!r} needs a value", path="value")
        return _scalar(value, "value")

    def expression(self) -> pl.Expr:
        """Return the Boolean expression of the condition (null when the attribute is)."""
        column = pl.col(self.attribute)
        value = self.value
        match self.op:
            case "eq":
                return column.eq(value)
            case "ne":
                return column.ne(value)
            case "in":
                return pl.when(column.is_null()).then(None).otherwise(column.is_in(list(value)))
            case "not_in":
                return pl.when(column.is_null()).then(None).otherwise(~column.is_in(list(value)))
            case "gt":
                return column.gt(value)
            case "gte":
                return column.ge(value)
            case "lt":
                return column.lt(value)
            case "lte":
                return column.le(value)
            case "between":
                return column.is_between(value[0], value[1], closed="both")
            case "true":
                return column.cast(pl.Boolean)
            case _:
                return ~column.cast(pl.Boolean)

    def describe(self) -> str:
        """Return the condition as short text, e.g. ``industry in (food, hotels)``."""
        symbols = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
        if self.op in symbols:
            return f"{self.attribute} {symbols[self.op]} {_shown(self.value)}"
        if self.op in ("in", "not_in"):
            word = "in" if self.op == "in" else "not in"
            return f"{self.attribute} {word} ({', '.join(map(_shown, self.value))})"
        if self.op == "between":
            return f"{self.attribute} {_shown(self.value[0])}–{_shown(self.value[1])}"
        return self.attribute if self.op == "true" else f"not {self.attribute}"

    def to_dict(self) -> dict[str, Any]:
        """Return the condition as plain data."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        data: dict[str, Any] = {
            "key": self.key,
            "attribute": self.attribute,
            "op": self.op,
            "weight": self.weight,
            "group": self.group,
        }
        if value is not None:
            data["value"] = value
        if self.label:
            data["label"] = self.label
        return data

    @classmethod
    def from_dict(cls, data: object) -> Condition:
        """Return the condition described by ``data``."""
        allowed = ("key", "attribute", "op", "value", "weight", "group", "label")
        return cls(**check_fields(data, allowed, ("attribute", "op")))


@dataclass(frozen=True, slots=True)
class Profile:
    """An ideal client profile, possibly one per client type (S4.1).

    ``competition_note`` records what is known of the competition for these accounts
    (the market-reality side that data alone does not give).
    """

    name: str
    conditions: tuple[Condition, ...]
    client_type: str = ""
    description: str = ""
    competition_note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise PolicyError("expected a non-empty name", path="name")
        if not isinstance(self.conditions, Sequence) or not self.conditions:
            raise PolicyError("needs at least one condition", path="conditions")
        object.__setattr__(self, "conditions", tuple(self.conditions))
        keys: set[str] = set()
        for index, condition in enumerate(self.conditions):
            if not isinstance(condition, Condition):
                raise PolicyError(
                    f"expected a condition, got {condition!r}", path=f"conditions[{index}]"
                )
            if condition.key in keys:
                raise PolicyError(
                    f"key {condition.key!r} is repeated; give the condition its own key",
                    path=f"conditions[{index}].key",
                )
            keys.add(condition.key)
        for name in ("client_type", "description", "competition_note"):
            if not isinstance(getattr(self, name), str):
                raise PolicyError("expected text", path=name)

    @property
    def attributes(self) -> tuple[str, ...]:
        """Return the attribute columns the profile reads, in order of first use."""
        return tuple(dict.fromkeys(c.attribute for c in self.conditions))

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as plain data (JSON-ready)."""
        return {
            "name": self.name,
            "client_type": self.client_type,
            "description": self.description,
            "competition_note": self.competition_note,
            "conditions": [c.to_dict() for c in self.conditions],
        }

    @classmethod
    def from_dict(cls, data: object) -> Profile:
        """Return the profile described by ``data``; raise PolicyError if invalid."""
        allowed = ("name", "client_type", "description", "competition_note", "conditions")
        fields = dict(check_fields(data, allowed, ("name", "conditions")))
        raw = fields["conditions"]
        if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
            raise PolicyError("expected a list of conditions", path="conditions")
        conditions = []
        for index, item in enumerate(raw):
            with located(f"conditions[{index}]"):
                conditions.append(Condition.from_dict(item))
        fields["conditions"] = tuple(conditions)
        return cls(**fields)

    def to_json(self) -> str:
        """Return the profile as a JSON document."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        """Return the profile in the JSON document ``text``."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise PolicyError(f"not valid JSON: {error.msg} (line {error.lineno})") from None
        return cls.from_dict(data)
