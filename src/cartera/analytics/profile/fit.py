"""Fit of clients and prospects to an ideal client profile, explained (S4.1, S4.2).

The fit score is the weighted share of the profile's conditions an account meets,
0–100, in whole points per condition that add up exactly to the score. An account
whose attribute is unknown does not meet the condition, and the explanation says the
attribute is unknown rather than unmet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from cartera.analytics.profile.conditions import Condition, Group, Profile
from cartera.analytics.rating.points import whole_points
from cartera.analytics.rating.policy import PolicyError

_NUMERIC_OPS = frozenset({"gt", "gte", "lt", "lte", "between"})
_EQUALITY_OPS = frozenset({"eq", "ne", "in", "not_in"})


def _check_attribute(condition: Condition, schema: pl.Schema, index: int) -> None:
    path = f"conditions[{index}]"
    if condition.attribute not in schema:
        raise PolicyError(
            f"the accounts have no column {condition.attribute!r}", path=f"{path}.attribute"
        )
    dtype = schema[condition.attribute]
    numeric = dtype.is_numeric()
    textual = dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)
    if condition.op in _NUMERIC_OPS and not (numeric or dtype.is_temporal()):
        raise PolicyError(
            f"{condition.attribute!r} is {dtype}; {condition.op!r} needs numbers", path=f"{path}.op"
        )
    if condition.op in ("true", "false") and dtype != pl.Boolean and not numeric:
        raise PolicyError(
            f"{condition.attribute!r} is {dtype}; {condition.op!r} needs a yes/no",
            path=f"{path}.op",
        )
    if condition.op in _EQUALITY_OPS:
        values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
        for value in values:
            fits = (
                (isinstance(value, bool) and dtype == pl.Boolean)
                or (isinstance(value, str) and textual)
                or (isinstance(value, int | float) and not isinstance(value, bool) and numeric)
            )
            if not fits:
                raise PolicyError(
                    f"{value!r} cannot be compared with {condition.attribute!r} ({dtype})",
                    path=f"{path}.value",
                )


@dataclass(frozen=True, slots=True)
class FitScores:
    """Fit of every account to one profile.

    ``frame``: the id column, ``fit`` (Int64, 0–100), then per condition
    ``met__<key>`` (Boolean, null when the attribute is unknown) and ``points__<key>``
    (Int64); the points of a row add up to its fit.
    """

    frame: pl.DataFrame
    profile: Profile
    id_column: str
    max_points: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class FitItem:
    """One condition's part in an account's fit."""

    condition: str
    description: str
    group: Group
    weight: float
    max_points: float
    value: Any
    met: bool | None
    points: int


@dataclass(frozen=True, slots=True)
class FitExplanation:
    """Why an account has its fit: ``sum(item.points) == fit``."""

    account: str
    profile: str
    fit: int
    items: tuple[FitItem, ...]


def fit_scores(
    accounts: pl.DataFrame, profile: Profile, *, id_column: str = "account"
) -> FitScores:
    """Return the fit of each account (client or prospect) to ``profile``.

    Parameters
    ----------
    accounts
        One row per account: ``id_column`` and the attribute columns the profile reads.
    profile
        The ideal client profile.
    id_column
        Name of the account key column.

    Returns
    -------
    FitScores
        See :class:`FitScores`. Each condition's max points are its weight's share of
        100.
    """
    if id_column not in accounts.columns:
        raise PolicyError(f"the accounts have no column {id_column!r}", path="accounts")
    for index, condition in enumerate(profile.conditions):
        _check_attribute(condition, accounts.schema, index)
    total = sum(c.weight for c in profile.conditions)
    max_points = tuple(100.0 * c.weight / total for c in profile.conditions)
    met = accounts.select(
        pl.col(id_column), *(c.expression().alias(f"met__{c.key}") for c in profile.conditions)
    )
    earned = met.select(pl.col(f"met__{c.key}").fill_null(False) for c in profile.conditions)
    raw = earned.to_numpy().astype(np.float64) * np.asarray(max_points)[None, :]
    points = whole_points(raw.reshape(accounts.height, len(profile.conditions)))
    frame = met.with_columns(
        pl.Series("fit", points.sum(axis=1), dtype=pl.Int64),
        *(
            pl.Series(f"points__{c.key}", points[:, i], dtype=pl.Int64)
            for i, c in enumerate(profile.conditions)
        ),
    )
    per_condition = [f"{part}__{c.key}" for c in profile.conditions for part in ("met", "points")]
    return FitScores(frame.select(id_column, "fit", *per_condition), profile, id_column, max_points)


def explain_fit(scores: FitScores, accounts: pl.DataFrame, account: str) -> FitExplanation:
    """Return the explanation of one account's fit; raise KeyError if it was not scored."""
    key = scores.id_column
    row = scores.frame.filter(pl.col(key) == account)
    if row.height == 0:
        raise KeyError(account)
    data = row.row(0, named=True)
    values = accounts.filter(pl.col(key) == account).row(0, named=True)
    items = tuple(
        FitItem(
            condition=c.key,
            description=c.label or c.describe(),
            group=c.group,
            weight=c.weight,
            max_points=scores.max_points[i],
            value=values.get(c.attribute),
            met=data[f"met__{c.key}"],
            points=data[f"points__{c.key}"],
        )
        for i, c in enumerate(scores.profile.conditions)
    )
    return FitExplanation(account, scores.profile.name, data["fit"], items)


def best_fit(
    accounts: pl.DataFrame, profiles: Sequence[Profile], *, id_column: str = "account"
) -> pl.DataFrame:
    """Return, per account, the profile it fits best (the first one on ties) and its fit.

    Columns: the id column, ``profile``, ``fit``, then ``fit__<profile name>`` for each
    profile.
    """
    if not profiles:
        raise ValueError("give at least one profile")
    names = [p.name for p in profiles]
    if len(set(names)) != len(names):
        raise ValueError("profile names must differ")
    fits = np.column_stack(
        [fit_scores(accounts, p, id_column=id_column).frame["fit"].to_numpy() for p in profiles]
    )
    best = np.argmax(fits, axis=1)
    return accounts.select(pl.col(id_column)).with_columns(
        pl.Series("profile", np.asarray(names, dtype=object)[best], dtype=pl.String),
        pl.Series("fit", fits[np.arange(len(best)), best], dtype=pl.Int64),
        *(pl.Series(f"fit__{n}", fits[:, i], dtype=pl.Int64) for i, n in enumerate(names)),
    )


@dataclass(frozen=True, slots=True)
class MarketReality:
    """How many accounts match a profile, among clients and the prospect census (S4.1, S0.2).

    ``conditions`` has, per condition, ``condition``, ``description``, ``group``,
    ``clients_meeting``, ``prospects_meeting`` and ``unknown`` (accounts whose attribute
    is not known).
    """

    profile: str
    min_fit: int
    clients: int
    prospects: int
    matching_clients: int
    matching_prospects: int
    competition_note: str
    conditions: pl.DataFrame

    @property
    def client_share(self) -> float:
        """Return the share of clients that match (0 when there are none)."""
        return self.matching_clients / self.clients if self.clients else 0.0

    @property
    def prospect_share(self) -> float:
        """Return the share of prospects that match (0 when there are none)."""
        return self.matching_prospects / self.prospects if self.prospects else 0.0


def market_reality(
    accounts: pl.DataFrame,
    profile: Profile,
    *,
    id_column: str = "account",
    client_column: str = "is_client",
    min_fit: int = 80,
) -> MarketReality:
    """Return how many clients and prospects match ``profile`` (fit ≥ ``min_fit``).

    ``accounts`` holds clients and prospects alike; ``client_column`` (Boolean) tells
    them apart.
    """
    if client_column not in accounts.columns:
        raise PolicyError(f"the accounts have no column {client_column!r}", path="accounts")
    if not 0 <= min_fit <= 100:
        raise ValueError(f"min_fit must be within 0–100, got {min_fit}")
    scores = fit_scores(accounts, profile, id_column=id_column).frame
    is_client = accounts[client_column].cast(pl.Boolean).fill_null(False)
    scored = scores.with_columns(is_client.alias("_client"))
    client, prospect = pl.col("_client"), ~pl.col("_client")
    matching = pl.col("fit") >= min_fit
    totals = scored.select(
        client.sum().alias("clients"),
        prospect.sum().alias("prospects"),
        (matching & client).sum().alias("matching_clients"),
        (matching & prospect).sum().alias("matching_prospects"),
    ).row(0, named=True)
    per_condition = scored.select(
        pl.concat(
            [
                pl.struct(
                    condition=pl.lit(c.key),
                    description=pl.lit(c.label or c.describe()),
                    group=pl.lit(c.group),
                    clients_meeting=(pl.col(f"met__{c.key}").fill_null(False) & client).sum(),
                    prospects_meeting=(pl.col(f"met__{c.key}").fill_null(False) & prospect).sum(),
                    unknown=pl.col(f"met__{c.key}").is_null().sum(),
                )
                for c in profile.conditions
            ]
        ).alias("row")
    ).unnest("row")
    return MarketReality(
        profile=profile.name,
        min_fit=min_fit,
        clients=totals["clients"],
        prospects=totals["prospects"],
        matching_clients=totals["matching_clients"],
        matching_prospects=totals["matching_prospects"],
        competition_note=profile.competition_note,
        conditions=per_condition,
    )
