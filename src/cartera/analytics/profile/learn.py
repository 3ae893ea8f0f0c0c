"""Learn a profile from data: what today's best clients have that the rest do not (S4.3).

Candidate conditions are every frequent value of a categorical attribute and, for a
numeric attribute, "at least" / "at most" each of its quantiles; pairs of candidates on
different attributes are tested too. For each candidate the best clients meeting it
(support), their share of all best clients (coverage), the share of best among those
meeting it (precision) and its ratio to the base rate (lift) are counted in one matrix
product, and a one-sided hypergeometric test with the Benjamini–Hochberg correction
keeps only what chance does not explain; a pair is tested against each of its two
parts, so that it is proposed only when it says more than either alone. The manager
accepts proposals into a profile: judged on data, not on liking.

References
----------
Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a
practical and powerful approach to multiple testing. JRSS B 57(1), 289–300.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from cartera.analytics.profile.conditions import Condition, Profile


def top_share(value: pl.Expr, share: float = 0.1) -> pl.Expr:
    """Return a Boolean expression: the row is among the top ``share`` by ``value``.

    The best ``⌈share · n⌉`` rows are flagged (ties broken by order), e.g. the top
    decile by revenue or lifetime value.
    """
    if not 0 < share <= 1:
        raise ValueError(f"share must be within (0, 1], got {share}")
    return value.rank("ordinal", descending=True) <= (pl.len() * share).ceil()


@dataclass(frozen=True, slots=True)
class ProposedCondition:
    """A condition (or a pair met together) that sets the best clients apart."""

    conditions: tuple[Condition, ...]
    matching: int
    support: int
    coverage: float
    precision: float
    lift: float
    p_value: float
    q_value: float

    def describe(self) -> str:
        """Return the proposal as text, e.g. ``industry = food and region = norte``."""
        return " and ".join(c.describe() for c in self.conditions)


@dataclass(frozen=True, slots=True)
class LearnedProfile:
    """Proposals ranked by lift, with the counts they were judged on."""

    proposals: tuple[ProposedCondition, ...]
    accounts: int
    best: int
    tested: int

    @property
    def base_rate(self) -> float:
        """Return the share of best clients among all accounts."""
        return self.best / self.accounts if self.accounts else 0.0

    def frame(self) -> pl.DataFrame:
        """Return the proposals as a frame (``rank``, ``description``, counts and rates)."""
        return pl.DataFrame(
            {
                "rank": list(range(1, len(self.proposals) + 1)),
                "description": [p.describe() for p in self.proposals],
                "size": [len(p.conditions) for p in self.proposals],
                "matching": [p.matching for p in self.proposals],
                "support": [p.support for p in self.proposals],
                "coverage": [p.coverage for p in self.proposals],
                "precision": [p.precision for p in self.proposals],
                "lift": [p.lift for p in self.proposals],
                "p_value": [p.p_value for p in self.proposals],
                "q_value": [p.q_value for p in self.proposals],
            },
            schema={
                "rank": pl.Int32,
                "description": pl.String,
                "size": pl.Int32,
                "matching": pl.Int64,
                "support": pl.Int64,
                "coverage": pl.Float64,
                "precision": pl.Float64,
                "lift": pl.Float64,
                "p_value": pl.Float64,
                "q_value": pl.Float64,
            },
        )

    def to_profile(self, name: str, chosen: Sequence[int] | None = None, **fields: str) -> Profile:
        """Return a profile made of the chosen proposals (indexes; all by default).

        A pair becomes its two conditions; each condition weighs the lift of the
        proposal it came from. ``fields`` go to :class:`Profile` (``client_type`` …).
        """
        picked = self.proposals if chosen is None else tuple(self.proposals[i] for i in chosen)
        conditions: dict[str, Condition] = {}
        for proposal in picked:
            for condition in proposal.conditions:
                if condition.key not in conditions:
                    conditions[condition.key] = Condition(
                        condition.attribute,
                        condition.op,
                        condition.value,
                        weight=round(proposal.lift, 2),
                        group=condition.group,
                        key=condition.key,
                    )
        return Profile(name, tuple(conditions.values()), **fields)


def _key(attribute: str, op: str, value: object) -> str:
    raw = f"{attribute}_{op}_{value}".lower()
    key = re.sub(r"[^a-z0-9_]+", "_", raw).strip("_")
    return key if key[:1].isalpha() else f"c_{key}"


def _candidates(
    accounts: pl.DataFrame,
    attributes: Sequence[str],
    *,
    min_support: int,
    numeric_bins: int,
    max_categories: int,
) -> list[Condition]:
    candidates: list[Condition] = []
    for attribute in attributes:
        dtype = accounts.schema[attribute]
        column = accounts[attribute]
        if dtype == pl.Boolean:
            candidates += [
                Condition(attribute, "true", key=_key(attribute, "is", "true")),
                Condition(attribute, "false", key=_key(attribute, "is", "false")),
            ]
        elif dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
            counts = (
                column.cast(pl.String)
                .drop_nulls()
                .value_counts(sort=True)
                .filter(pl.col("count") >= min_support)
                .head(max_categories)
            )
            candidates += [
                Condition(attribute, "eq", value, key=_key(attribute, "eq", value))
                for value in counts[attribute].to_list()
            ]
        elif dtype.is_numeric():
            known = column.cast(pl.Float64).drop_nulls().fill_nan(None).drop_nulls()
            # "Lower" interpolation keeps the cuts on values that occur in the data.
            quantiles = (
                known.quantile(i / numeric_bins, interpolation="lower")
                for i in range(1, numeric_bins)
            )
            cuts = sorted({float(q) for q in quantiles if q is not None and math.isfinite(q)})
            for cut in cuts:
                shown = f"{cut:g}"
                candidates += [
                    Condition(attribute, "gte", cut, key=_key(attribute, "gte", shown)),
                    Condition(attribute, "lte", cut, key=_key(attribute, "lte", shown)),
                ]
    return candidates


def _benjamini_hochberg(p_values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    count = p_values.size
    if count == 0:
        return p_values
    order = np.argsort(p_values)
    scaled = p_values[order] * count / np.arange(1, count + 1)
    # The adjusted value is the smallest scaled value at or after each rank.
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1].clip(max=1.0)
    result = np.empty(count)
    result[order] = adjusted
    return result


def learn_profile(
    accounts: pl.DataFrame,
    *,
    best: str = "is_best",
    attributes: Sequence[str] | None = None,
    id_column: str = "client",
    pairs: bool = True,
    numeric_bins: int = 4,
    min_support: int = 10,
    min_lift: float = 1.2,
    min_gain: float = 1.1,
    alpha: float = 0.05,
    max_categories: int = 30,
    max_proposals: int = 20,
) -> LearnedProfile:
    """Return the conditions that set the best clients apart, ranked by lift.

    Parameters
    ----------
    accounts
        One row per client: the Boolean ``best`` column (A level, top decile by value:
        see :func:`top_share`) and attribute columns.
    best
        Name of the Boolean column flagging the best clients.
    attributes
        Columns to learn from; by default every text, yes/no or numeric column except
        ``id_column`` and ``best``.
    id_column
        Key column, never used as an attribute.
    pairs
        Also test pairs of conditions on two different attributes.
    numeric_bins
        Quantiles of a numeric attribute used as "at least" / "at most" cuts.
    min_support
        Fewest best clients that must meet a proposal.
    min_lift
        Smallest lift kept.
    min_gain
        A pair is kept only if its lift is at least ``min_gain`` times the lift of each
        of its two conditions alone (otherwise one of them says it all).
    alpha
        False discovery rate (Benjamini–Hochberg over every candidate tested).
    max_categories
        Most frequent values tested per categorical attribute.
    max_proposals
        Most proposals returned.
    """
    if best not in accounts.columns:
        raise ValueError(f"accounts: missing the Boolean column {best!r} flagging the best")
    if attributes is None:
        attributes = [
            name
            for name, dtype in accounts.schema.items()
            if name not in (best, id_column)
            and (
                dtype in (pl.String, pl.Categorical, pl.Boolean)
                or isinstance(dtype, pl.Enum)
                or dtype.is_numeric()
            )
        ]
    missing = [a for a in attributes if a not in accounts.columns]
    if missing:
        raise ValueError(f"accounts: no attribute column {missing[0]!r}")
    n_accounts = accounts.height
    is_best = accounts[best].cast(pl.Boolean).fill_null(False).to_numpy()
    n_best = int(is_best.sum())
    candidates = _candidates(
        accounts,
        attributes,
        min_support=min_support,
        numeric_bins=numeric_bins,
        max_categories=max_categories,
    )
    if not candidates or n_best == 0 or n_best == n_accounts:
        return LearnedProfile((), n_accounts, n_best, 0)

    meets = (
        accounts.select(
            c.expression().fill_null(False).alias(f"m{i}") for i, c in enumerate(candidates)
        )
        .to_numpy()
        .astype(np.float32)
    )
    # Counts of single conditions sit on the diagonal of the pair counts.
    together = meets.T @ meets
    best_together = (meets * is_best[:, None]).T @ meets
    singles = np.arange(len(candidates))
    owner = np.asarray([c.attribute for c in candidates], dtype=object)
    if pairs:
        first, second = np.triu_indices(len(candidates), k=1)
        keep = owner[first] != owner[second]
        first, second = first[keep], second[keep]
    else:
        first = second = np.empty(0, dtype=np.int64)
    left = np.concatenate([singles, first])
    right = np.concatenate([singles, second])
    matching = np.rint(together[left, right]).astype(np.int64)
    support = np.rint(best_together[left, right]).astype(np.int64)

    base = n_best / n_accounts
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(matching > 0, support / np.maximum(matching, 1), 0.0)
    lift = precision / base
    # Imported here: scipy.stats takes half a second to import, which every command and
    # web worker would pay at start-up for a page few of them open.
    from scipy.stats import hypergeom

    p_values = np.asarray(hypergeom.sf(support - 1, n_accounts, n_best, matching), np.float64)
    # A pair must beat each of its parts, not just the base rate: test it among the
    # accounts meeting each part, and keep the weaker of the two results.
    pair = slice(len(candidates), None)
    for part in (left[pair], right[pair]):
        within = hypergeom.sf(support[pair] - 1, matching[part], support[part], matching[pair])
        p_values[pair] = np.maximum(p_values[pair], within)
    q_values = _benjamini_hochberg(p_values)

    single_lift = lift[: len(candidates)]
    is_pair = np.arange(left.size) >= len(candidates)
    gains = np.where(
        is_pair, lift >= min_gain * np.maximum(single_lift[left], single_lift[right]), True
    )
    kept = (support >= min_support) & (lift >= min_lift) & (q_values <= alpha) & gains
    chosen = np.flatnonzero(kept)
    chosen = chosen[np.lexsort((-support[chosen], -lift[chosen]))][:max_proposals]

    proposals = tuple(
        ProposedCondition(
            conditions=(candidates[left[i]],)
            if not is_pair[i]
            else (candidates[left[i]], candidates[right[i]]),
            matching=int(matching[i]),
            support=int(support[i]),
            coverage=float(support[i] / n_best),
            precision=float(precision[i]),
            lift=float(lift[i]),
            p_value=float(p_values[i]),
            q_value=float(q_values[i]),
        )
        for i in chosen
    )
    return LearnedProfile(proposals, n_accounts, n_best, int(left.size))
