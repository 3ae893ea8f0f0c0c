"""Rate clients with a policy: a score 0–100, a level on the company's scale (S2.4, S4.5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from cartera.analytics.rating.features import OPTIONAL_MEASURES
from cartera.analytics.rating.points import whole_points
from cartera.analytics.rating.policy import (
    Criterion,
    Effect,
    Flag,
    PolicyError,
    RatingPolicy,
)


@dataclass(frozen=True, slots=True)
class AppliedCriterion:
    """A criterion as applied: its share of the 100 points once absent data is dropped."""

    criterion: Criterion
    max_points: float

    @property
    def key(self) -> str:
        """Return the criterion key."""
        return self.criterion.key

    @property
    def effect(self) -> Effect:
        """Return ``"reward"`` or ``"penalty"``."""
        return self.criterion.effect


@dataclass(frozen=True, slots=True)
class Ratings:
    """The ratings of a set of clients under one policy.

    ``frame`` has one row per client: ``client``, ``score`` (Int64, 0–100), ``level``
    (String, a label of the scale), ``level_rank`` (Int32, 1 is the best level),
    ``adjustment`` (Int64: points added or removed to keep the score within 0–100),
    then for each applied criterion ``value__<key>`` (Float64, the measure),
    ``fraction__<key>`` (Float64, 0–1) and ``points__<key>`` (Int64, signed). For every
    row the points plus the adjustment add up to the score.
    """

    frame: pl.DataFrame
    policy: RatingPolicy
    applied: tuple[AppliedCriterion, ...]
    dropped: tuple[str, ...]
    """Keys of the criteria left out because their measure has no data at all."""


def _present(features: pl.DataFrame, policy: RatingPolicy) -> tuple[list[Criterion], list[str]]:
    kept: list[Criterion] = []
    dropped: list[str] = []
    for index, criterion in enumerate(policy.criteria):
        if criterion.measure in features.columns:
            dtype = features.schema[criterion.measure]
            usable = dtype.is_numeric() or dtype == pl.Boolean
            if not usable:
                raise PolicyError(
                    f"measure {criterion.measure!r} is {dtype}, not a number or a yes/no",
                    path=f"criteria[{index}].measure",
                )
            if dtype == pl.Boolean and not isinstance(criterion.rule, Flag):
                raise PolicyError(
                    f"measure {criterion.measure!r} is yes/no; score it with a flag rule",
                    path=f"criteria[{index}].rule",
                )
            kept.append(criterion)
        elif criterion.measure in OPTIONAL_MEASURES:
            dropped.append(criterion.key)
        else:
            raise PolicyError(
                f"measure {criterion.measure!r} is not a column of the client features",
                path=f"criteria[{index}].measure",
            )
    if not any(c.effect == "reward" for c in kept):
        raise PolicyError("no reward criterion has data to score", path="criteria")
    return kept, dropped


def rate(features: pl.DataFrame, policy: RatingPolicy) -> Ratings:
    """Return the rating of every client in ``features`` under ``policy``.

    Parameters
    ----------
    features
        One row per client, with ``client`` and the measures the policy reads, as
        returned by :func:`cartera.analytics.rating.client_features`.
    policy
        The rating policy. A criterion whose measure is an optional feature absent from
        ``features`` (no costs, payments or attributes were given) is dropped and the
        reward weights of the others are rescaled to 100; any other absent measure is
        a :class:`PolicyError`.

    Returns
    -------
    Ratings
        The scores, levels and per-criterion points; see :class:`Ratings`.
    """
    if "client" not in features.columns:
        raise PolicyError("features: missing the client column", path="features.client")
    kept, dropped = _present(features, policy)
    reward_weight = sum(c.weight for c in kept if c.effect == "reward")
    applied = tuple(AppliedCriterion(c, 100.0 * c.weight / reward_weight) for c in kept)

    columns: list[pl.Expr] = [pl.col("client")]
    for item in applied:
        criterion = item.criterion
        value = pl.col(criterion.measure)
        if features.schema[criterion.measure] != pl.Boolean:
            # NaN is as unknown as null (0/0 from an upstream division).
            value = value.cast(pl.Float64).fill_nan(None)
        fraction = criterion.rule.fraction(value).cast(pl.Float64).fill_null(criterion.missing)
        columns += [
            value.cast(pl.Float64).alias(f"value__{criterion.key}"),
            fraction.alias(f"fraction__{criterion.key}"),
        ]
    scored = features.select(columns)

    signs = np.array([1.0 if a.effect == "reward" else -1.0 for a in applied])
    maxima = np.array([a.max_points for a in applied])
    fractions = scored.select(f"fraction__{a.key}" for a in applied).to_numpy()
    points = whole_points(fractions * (signs * maxima)[None, :])
    total = points.sum(axis=1)
    score = np.clip(total, 0, 100)

    frame = scored.with_columns(
        pl.Series("score", score, dtype=pl.Int64),
        pl.Series("adjustment", score - total, dtype=pl.Int64),
        *(
            pl.Series(f"points__{a.key}", points[:, i], dtype=pl.Int64)
            for i, a in enumerate(applied)
        ),
    )
    labels = dict(enumerate(policy.scale.labels, start=1))
    frame = frame.with_columns(policy.scale.rank(pl.col("score")).alias("level_rank")).with_columns(
        pl.col("level_rank").replace_strict(labels, return_dtype=pl.String).alias("level")
    )
    ordered = ["client", "score", "level", "level_rank", "adjustment"]
    per_criterion = [
        f"{part}__{a.key}" for a in applied for part in ("value", "fraction", "points")
    ]
    return Ratings(frame.select(ordered + per_criterion), policy, applied, tuple(dropped))
