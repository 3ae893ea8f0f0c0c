"""The rating policy: criteria, scoring rules and the scale a company designs (S2.4, S4.5).

A policy is plain data so that the web app can store, version and edit it: it
round-trips through :meth:`RatingPolicy.to_dict` / :meth:`RatingPolicy.from_dict` (and
JSON), and every constructor validates its input, raising :class:`PolicyError` with the
path of the offending field (``criteria[2].rule.full``).

How a score is made
-------------------
Each criterion reads one *measure* (a column of
:func:`cartera.analytics.rating.client_features`) and turns it into a *fraction* in
[0, 1] with its rule. Reward criteria earn ``fraction × max points``, penalty criteria
lose it; the max points of a criterion are its weight scaled so that the reward weights
add up to 100. The score is the rounded sum, kept within 0–100, and the scale turns the
score into a level.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

import polars as pl

Direction: TypeAlias = Literal["higher", "lower"]
Effect: TypeAlias = Literal["reward", "penalty"]

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class PolicyError(ValueError):
    """A rating policy (or a profile) is not valid; ``path`` locates the field."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message


@contextmanager
def located(prefix: str) -> Iterator[None]:
    """Prefix the path of any :class:`PolicyError` raised inside the block with ``prefix``."""
    try:
        yield
    except PolicyError as error:
        path = f"{prefix}.{error.path}" if error.path else prefix
        raise PolicyError(error.reason, path=path) from None


def _finite(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PolicyError(f"expected a finite number, got {value!r}", path=path)
    return float(value)


def _fraction(value: object, path: str) -> float:
    number = _finite(value, path)
    if not 0.0 <= number <= 1.0:
        raise PolicyError(f"expected a fraction between 0 and 1, got {value!r}", path=path)
    return number


def check_fields(
    data: object, allowed: Sequence[str], required: Sequence[str]
) -> Mapping[str, Any]:
    """Return ``data`` if it is an object with only ``allowed`` and all ``required`` fields."""
    if not isinstance(data, Mapping):
        raise PolicyError(f"expected an object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise PolicyError(
            f"unknown field(s) {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(allowed)}",
            path=str(unknown[0]),
        )
    for name in required:
        if name not in data:
            raise PolicyError("is required", path=name)
    return data


# --- scoring rules ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Percentile:
    """Score by rank among the rated clients: the share of the others strictly below.

    With ``direction="lower"`` the share of the others strictly *above* is used, so
    the lowest value earns the full fraction.
    """

    direction: Direction = "higher"

    def __post_init__(self) -> None:
        if self.direction not in ("higher", "lower"):
            raise PolicyError(
                f"expected 'higher' or 'lower', got {self.direction!r}", path="direction"
            )

    def fraction(self, value: pl.Expr) -> pl.Expr:
        """Return the fraction earned by ``value`` (null where the value is null)."""
        rank = value.rank("min", descending=self.direction == "lower")
        others = value.count() - 1
        return pl.when(others > 0).then((rank - 1) / others).otherwise(1.0)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as plain data."""
        return {"kind": "percentile", "direction": self.direction}


@dataclass(frozen=True, slots=True)
class Ramp:
    """Score linearly: nothing at ``start``, everything at ``full``, flat beyond.

    ``full`` below ``start`` makes a decreasing ramp (fewer days late is better).
    """

    start: float
    full: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _finite(self.start, "start"))
        object.__setattr__(self, "full", _finite(self.full, "full"))
        if self.start == self.full:
            raise PolicyError("must differ from start", path="full")

    def fraction(self, value: pl.Expr) -> pl.Expr:
        """Return the fraction earned by ``value`` (null where the value is null)."""
        return ((value - self.start) / (self.full - self.start)).clip(0.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as plain data."""
        return {"kind": "ramp", "start": self.start, "full": self.full}


@dataclass(frozen=True, slots=True)
class Steps:
    """Score by a step table: each ``(threshold, fraction)`` applies from its threshold up.

    Values below the first threshold earn ``below``.
    """

    steps: tuple[tuple[float, float], ...]
    below: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.steps, str | bytes) or not isinstance(self.steps, Sequence):
            raise PolicyError("expected a list of [threshold, fraction] pairs", path="steps")
        if not self.steps:
            raise PolicyError("needs at least one [threshold, fraction] pair", path="steps")
        clean: list[tuple[float, float]] = []
        for index, step in enumerate(self.steps):
            path = f"steps[{index}]"
            if isinstance(step, str | bytes) or not isinstance(step, Sequence) or len(step) != 2:
                raise PolicyError("expected a [threshold, fraction] pair", path=path)
            threshold = _finite(step[0], f"{path}[0]")
            if clean and threshold <= clean[-1][0]:
                raise PolicyError(
                    f"thresholds must increase; {threshold:g} follows {clean[-1][0]:g}",
                    path=f"{path}[0]",
                )
            clean.append((threshold, _fraction(step[1], f"{path}[1]")))
        object.__setattr__(self, "steps", tuple(clean))
        object.__setattr__(self, "below", _fraction(self.below, "below"))

    def fraction(self, value: pl.Expr) -> pl.Expr:
        """Return the fraction earned by ``value`` (null where the value is null)."""
        # The first threshold reached, from the highest down; below them all, ``below``.
        reached = [pl.when(value >= t).then(pl.lit(f)) for t, f in reversed(self.steps)]
        earned = pl.coalesce(*reached, pl.lit(self.below))
        return pl.when(value.is_null()).then(None).otherwise(earned)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as plain data."""
        return {"kind": "steps", "steps": [list(s) for s in self.steps], "below": self.below}


@dataclass(frozen=True, slots=True)
class Flag:
    """Score a yes/no measure: the full fraction when it equals ``when``, nothing otherwise."""

    when: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.when, bool):
            raise PolicyError(f"expected true or false, got {self.when!r}", path="when")

    def fraction(self, value: pl.Expr) -> pl.Expr:
        """Return the fraction earned by ``value`` (null where the value is null)."""
        return (value.cast(pl.Boolean) == self.when).cast(pl.Float64)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as plain data."""
        return {"kind": "flag", "when": self.when}


Rule: TypeAlias = Percentile | Ramp | Steps | Flag


def rule_from_dict(data: object) -> Rule:
    """Return the rule described by ``data`` (``{"kind": "ramp", ...}``)."""
    kind = check_fields(
        data, ("kind", "direction", "start", "full", "steps", "below", "when"), ("kind",)
    )
    shapes: dict[str, tuple[type[Rule], tuple[str, ...], tuple[str, ...]]] = {
        "percentile": (Percentile, ("kind", "direction"), ()),
        "ramp": (Ramp, ("kind", "start", "full"), ("start", "full")),
        "steps": (Steps, ("kind", "steps", "below"), ("steps",)),
        "flag": (Flag, ("kind", "when"), ()),
    }
    if kind["kind"] not in shapes:
        raise PolicyError(
            f"unknown rule {kind['kind']!r}; expected one of {', '.join(shapes)}", path="kind"
        )
    cls, allowed, required = shapes[kind["kind"]]
    fields = check_fields(data, allowed, required)
    return cls(**{k: v for k, v in fields.items() if k != "kind"})


# --- criteria --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Criterion:
    """One data-based criterion of a rating policy.

    Parameters
    ----------
    key
        Identifier, unique in the policy (lower case, digits, underscores).
    measure
        Column of the client features the criterion reads.
    weight
        Relative weight; reward weights are scaled to add up to 100 points.
    rule
        How a value becomes a fraction in [0, 1].
    effect
        ``"reward"`` adds the points, ``"penalty"`` takes them away.
    missing
        Fraction used for a client without a value (no cost data, no payments yet).
    label
        Short name shown in explanations; the key when empty.
    template
        Explanation text with ``{label}``, ``{value}`` and ``{ordinal}`` placeholders;
        a default for the measure when empty.
    """

    key: str
    measure: str
    weight: float
    rule: Rule
    effect: Effect = "reward"
    missing: float = 0.0
    label: str = ""
    template: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY.match(self.key):
            raise PolicyError(
                f"expected lower case letters, digits and underscores, got {self.key!r}",
                path="key",
            )
        if not isinstance(self.measure, str) or not self.measure:
            raise PolicyError("expected the name of a client feature", path="measure")
        weight = _finite(self.weight, "weight")
        if weight <= 0:
            raise PolicyError(f"must be positive, got {self.weight!r}", path="weight")
        object.__setattr__(self, "weight", weight)
        if not isinstance(self.rule, Percentile | Ramp | Steps | Flag):
            raise PolicyError(f"expected a scoring rule, got {self.rule!r}", path="rule")
        if self.effect not in ("reward", "penalty"):
            raise PolicyError(f"expected 'reward' or 'penalty', got {self.effect!r}", path="effect")
        object.__setattr__(self, "missing", _fraction(self.missing, "missing"))
        for name in ("label", "template"):
            if not isinstance(getattr(self, name), str):
                raise PolicyError("expected text", path=name)
        if not self.label:
            object.__setattr__(self, "label", self.key)

    def to_dict(self) -> dict[str, Any]:
        """Return the criterion as plain data."""
        data: dict[str, Any] = {
            "key": self.key,
            "measure": self.measure,
            "weight": self.weight,
            "rule": self.rule.to_dict(),
            "effect": self.effect,
            "missing": self.missing,
            "label": self.label,
        }
        if self.template:
            data["template"] = self.template
        return data

    @classmethod
    def from_dict(cls, data: object) -> Criterion:
        """Return the criterion described by ``data``."""
        allowed = ("key", "measure", "weight", "rule", "effect", "missing", "label", "template")
        fields = dict(check_fields(data, allowed, ("key", "measure", "weight", "rule")))
        with located("rule"):
            fields["rule"] = rule_from_dict(fields["rule"])
        return cls(**fields)


# --- scales ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Level:
    """A named level reached from ``min_score`` up."""

    label: str
    min_score: int


@dataclass(frozen=True, slots=True)
class Levels:
    """Named levels with editable thresholds, best first (A ≥ 75, B ≥ 50 …).

    The last level must start at 0 so that every score has a level.
    """

    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        if len(self.levels) < 2:
            raise PolicyError("needs at least two levels", path="levels")
        seen: set[str] = set()
        previous = 101
        for index, level in enumerate(self.levels):
            path = f"levels[{index}]"
            if not isinstance(level, Level):
                raise PolicyError(f"expected a level, got {level!r}", path=path)
            if not isinstance(level.label, str) or not level.label.strip():
                raise PolicyError("expected a non-empty label", path=f"{path}.label")
            if level.label in seen:
                raise PolicyError(f"label {level.label!r} is repeated", path=f"{path}.label")
            seen.add(level.label)
            score = level.min_score
            if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
                raise PolicyError(
                    f"expected a whole score from 0 to 100, got {score!r}", path=f"{path}.min_score"
                )
            if score >= previous:
                raise PolicyError(
                    "thresholds must decrease from the best level to the worst",
                    path=f"{path}.min_score",
                )
            previous = score
        if self.levels[-1].min_score != 0:
            raise PolicyError(
                "the last level must start at 0", path=f"levels[{len(self.levels) - 1}].min_score"
            )

    @property
    def labels(self) -> tuple[str, ...]:
        """Return the level labels, best first."""
        return tuple(level.label for level in self.levels)

    def rank(self, score: pl.Expr) -> pl.Expr:
        """Return the 1-based position of the level of ``score`` (1 is the best)."""
        reached = [
            pl.when(score >= level.min_score).then(pl.lit(position, pl.Int32))
            for position, level in enumerate(self.levels, start=1)
        ]
        return pl.coalesce(*reached, pl.lit(len(self.levels), pl.Int32))

    def to_dict(self) -> dict[str, Any]:
        """Return the scale as plain data."""
        return {
            "kind": "levels",
            "levels": [{"label": lv.label, "min_score": lv.min_score} for lv in self.levels],
        }


@dataclass(frozen=True, slots=True)
class Bands:
    """Whole numbers from ``low`` to ``high`` in equal-width bands of the score.

    ``Bands(0, 5)`` gives stars 0–5, ``Bands(1, 10)`` a 1–10 mark (S2.4): with
    ``m = high - low + 1`` bands, a score earns ``low + min(m - 1, ⌊score·m/100⌋)``.
    """

    low: int
    high: int

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise PolicyError(f"expected a whole number, got {value!r}", path=name)
        if not self.low < self.high <= self.low + 100:
            raise PolicyError(
                f"expected low < high ≤ low + 100, got {self.low}..{self.high}", path="high"
            )

    @property
    def labels(self) -> tuple[str, ...]:
        """Return the level labels, best first."""
        return tuple(str(v) for v in range(self.high, self.low - 1, -1))

    def rank(self, score: pl.Expr) -> pl.Expr:
        """Return the 1-based position of the level of ``score`` (1 is the best)."""
        bands = self.high - self.low + 1
        band = pl.min_horizontal((score * bands) // 100, pl.lit(bands - 1))
        return (pl.lit(bands) - band).cast(pl.Int32)

    def to_dict(self) -> dict[str, Any]:
        """Return the scale as plain data."""
        return {"kind": "bands", "low": self.low, "high": self.high}


Scale: TypeAlias = Levels | Bands

ABCD: Final = Levels(
    (Level("A", 75), Level("B", 50), Level("C", 25), Level("D", 0)),
)
"""Four levels, A to D, at 75 / 50 / 25 points."""

STARS: Final = Bands(0, 5)
"""Stars 0–5 (S2.4)."""

ONE_TO_TEN: Final = Bands(1, 10)
"""A mark from 1 to 10 (S2.4, S4.5)."""


def scale_from_dict(data: object) -> Scale:
    """Return the scale described by ``data`` (``{"kind": "levels", ...}``)."""
    shape = check_fields(data, ("kind", "levels", "low", "high"), ("kind",))
    if shape["kind"] == "levels":
        fields = check_fields(data, ("kind", "levels"), ("levels",))
        raw = fields["levels"]
        if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
            raise PolicyError("expected a list of levels", path="levels")
        levels = []
        for index, item in enumerate(raw):
            with located(f"levels[{index}]"):
                level = check_fields(item, ("label", "min_score"), ("label", "min_score"))
                levels.append(Level(level["label"], level["min_score"]))
        return Levels(tuple(levels))
    if shape["kind"] == "bands":
        fields = check_fields(data, ("kind", "low", "high"), ("low", "high"))
        return Bands(fields["low"], fields["high"])
    raise PolicyError(f"unknown scale {shape['kind']!r}; expected levels or bands", path="kind")


# --- the policy ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingPolicy:
    """A company's rating policy: criteria, the scale, and the measurement window.

    ``window_days`` is the length of the window the features are measured over (and of
    the previous window that growth compares against).
    """

    name: str
    criteria: tuple[Criterion, ...]
    scale: Scale = field(default=ABCD)
    window_days: int = 365
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise PolicyError("expected a non-empty name", path="name")
        if not isinstance(self.criteria, Sequence) or not self.criteria:
            raise PolicyError("needs at least one criterion", path="criteria")
        object.__setattr__(self, "criteria", tuple(self.criteria))
        keys: set[str] = set()
        for index, criterion in enumerate(self.criteria):
            if not isinstance(criterion, Criterion):
                raise PolicyError(
                    f"expected a criterion, got {criterion!r}", path=f"criteria[{index}]"
                )
            if criterion.key in keys:
                raise PolicyError(
                    f"key {criterion.key!r} is repeated", path=f"criteria[{index}].key"
                )
            keys.add(criterion.key)
        if not any(c.effect == "reward" for c in self.criteria):
            raise PolicyError("needs at least one reward criterion", path="criteria")
        if not isinstance(self.scale, Levels | Bands):
            raise PolicyError(f"expected a scale, got {self.scale!r}", path="scale")
        days = self.window_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise PolicyError(f"expected a positive whole number, got {days!r}", path="window_days")
        if not isinstance(self.description, str):
            raise PolicyError("expected text", path="description")

    def to_dict(self) -> dict[str, Any]:
        """Return the policy as plain data (JSON-ready)."""
        return {
            "name": self.name,
            "description": self.description,
            "window_days": self.window_days,
            "criteria": [c.to_dict() for c in self.criteria],
            "scale": self.scale.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> RatingPolicy:
        """Return the policy described by ``data``; raise :class:`PolicyError` if invalid."""
        allowed = ("name", "description", "window_days", "criteria", "scale")
        fields = dict(check_fields(data, allowed, ("name", "criteria")))
        raw = fields["criteria"]
        if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
            raise PolicyError("expected a list of criteria", path="criteria")
        criteria = []
        for index, item in enumerate(raw):
            with located(f"criteria[{index}]"):
                criteria.append(Criterion.from_dict(item))
        fields["criteria"] = tuple(criteria)
        if "scale" in fields:
            with located("scale"):
                fields["scale"] = scale_from_dict(fields["scale"])
        return cls(**fields)

    def to_json(self) -> str:
        """Return the policy as a JSON document."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> RatingPolicy:
        """Return the policy in the JSON document ``text``."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise PolicyError(f"not valid JSON: {error.msg} (line {error.lineno})") from None
        return cls.from_dict(data)


def default_policy() -> RatingPolicy:
    """Return the policy used until a company writes its own.

    Rewards (100 points): revenue in the window by percentile 35, margin 15, recurrence
    (active months) 15, growth 10, tenure 5, ideal-client fit 10, strategic flag 10.
    Penalty: up to 15 points for paying late (0 at on time, all at 60 days late).
    Criteria whose data is absent altogether (no costs, no receivables, no attributes)
    drop out and the remaining reward weights are rescaled to 100.
    """
    return RatingPolicy(
        name="default",
        description="Revenue, margin, recurrence, growth, tenure, fit, strategic; late payment.",
        window_days=365,
        scale=ABCD,
        criteria=(
            Criterion("revenue", "revenue_cents", 35, Percentile("higher"), label="revenue"),
            Criterion("margin", "margin_pct", 15, Ramp(5, 40), label="margin"),
            Criterion("recurrence", "active_months", 15, Ramp(1, 10), label="recurrence"),
            Criterion("growth", "growth_pct", 10, Ramp(-20, 20), missing=0.5, label="growth"),
            Criterion("tenure", "tenure_years", 5, Ramp(0, 5), label="tenure"),
            Criterion("fit", "icp_fit", 10, Ramp(0, 100), label="ideal client fit"),
            Criterion("strategic", "strategic", 10, Flag(True), label="strategic"),
            Criterion("payment", "days_late", 15, Ramp(0, 60), effect="penalty", label="payment"),
        ),
    )
