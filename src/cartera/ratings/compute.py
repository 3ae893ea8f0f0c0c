"""From the frames of :mod:`cartera.ratings.inputs` to the rows a rating run stores.

No database here: frames in, frames out, so that the whole run is a handful of
vectorised passes and its pieces can be tested on hand-made frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from cartera.analytics.diagnosis import abc_classes, period_for
from cartera.analytics.profile import Profile, fit_scores
from cartera.analytics.rating import (
    RatingPolicy,
    Ratings,
    client_features,
    join_payments,
    level_changes,
    rate,
)

_NUMERIC_OPS: Final = frozenset({"gt", "gte", "lt", "lte", "between"})


@dataclass(frozen=True, slots=True)
class StoredProfile:
    """An active profile with its database id."""

    pk: int
    profile: Profile


def conform_to_profile(accounts: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """Return ``accounts`` with every column ``profile`` reads, in a type it can compare.

    An attribute no account has becomes an unknown column (the condition is not met,
    not an error); a custom attribute read as text where a number or a yes/no is
    expected is converted, unreadable values becoming unknown.
    """
    columns: list[pl.Expr] = []
    for condition in profile.conditions:
        name = condition.attribute
        numeric = condition.op in _NUMERIC_OPS or (
            condition.op in ("eq", "ne", "in", "not_in")
            and all(
                isinstance(v, int | float) and not isinstance(v, bool)
                for v in (
                    condition.value if isinstance(condition.value, tuple) else (condition.value,)
                )
            )
        )
        flag = condition.op in ("true", "false") or isinstance(condition.value, bool)
        dtype: pl.DataType | type[pl.DataType] = (
            pl.Float64 if numeric else pl.Boolean if flag else pl.String
        )
        present = accounts.schema.get(name)
        if present is None:
            columns.append(pl.lit(None, dtype).alias(name))
        elif numeric and not present.is_numeric():
            columns.append(pl.col(name).cast(pl.String).cast(pl.Float64, strict=False))
        elif flag and present != pl.Boolean and not present.is_numeric():
            text = pl.col(name).cast(pl.String).str.to_lowercase()
            columns.append(
                pl.when(text.is_in(["true", "yes", "sí", "si", "sim", "1"]))
                .then(True)
                .when(text.is_in(["false", "no", "não", "nao", "0"]))
                .then(False)
                .alias(name)
            )
        elif not numeric and not flag and present != pl.String:
            columns.append(pl.col(name).cast(pl.String))
    return accounts.with_columns(columns) if columns else accounts


def _applies(profile: Profile) -> pl.Expr:
    """Return whether a profile applies to an account: its client type, or every account."""
    kind = profile.client_type.strip()
    if not kind:
        return pl.lit(True)
    return (pl.col("segment") == kind).fill_null(False) | (pl.col("kind") == kind).fill_null(False)


def profile_fits(accounts: pl.DataFrame, profiles: Sequence[StoredProfile]) -> pl.DataFrame:
    """Return, per account a profile applies to, the profile it fits best and the fit.

    Columns ``account_id``, ``profile_id``, ``fit`` (0–100, S4.1); the first profile
    wins a tie. Accounts no profile applies to are left out.
    """
    empty = pl.DataFrame(schema={"account_id": pl.Int64, "profile_id": pl.Int64, "fit": pl.Int64})
    if not profiles or accounts.is_empty():
        return empty
    parts = []
    for position, stored in enumerate(profiles):
        conformed = conform_to_profile(accounts, stored.profile)
        scores = fit_scores(conformed, stored.profile, id_column="account_id").frame
        parts.append(
            scores.select("account_id", "fit")
            .with_columns(
                pl.lit(stored.pk, pl.Int64).alias("profile_id"),
                pl.lit(position, pl.Int32).alias("_position"),
            )
            .filter(conformed.select(_applies(stored.profile)).to_series())
        )
    return (
        pl.concat(parts)
        .sort(["account_id", "fit", "_position"], descending=[False, True, False])
        .unique("account_id", keep="first", maintain_order=True)
        .select("account_id", "profile_id", "fit")
    )


def rating_attributes(accounts: pl.DataFrame, fits: pl.DataFrame) -> pl.DataFrame:
    """Return the per-client attributes a policy may read beside the sales features.

    ``strategic`` is the special-client flag (S1.2) or a custom attribute ``strategic``;
    ``icp_fit`` the best profile fit, present only when some profile is stored; numeric
    and yes/no account attributes (employees, custom ones) may be measures too.
    """
    strategic = pl.col("is_special").fill_null(False)
    if "strategic" in accounts.columns:
        custom = pl.col("strategic").cast(pl.String).str.to_lowercase()
        strategic = strategic | custom.is_in(["true", "1", "yes", "sí", "si", "sim"]).fill_null(
            False
        )
    excluded = {"account_id", "owner_id", "client", "strategic", "is_special", "is_client"}
    measures = [
        name
        for name, dtype in accounts.schema.items()
        if name not in excluded and (dtype.is_numeric() or dtype == pl.Boolean)
    ]
    frame = accounts.select("client", strategic.alias("strategic"), *measures)
    if fits.height:
        frame = frame.join(
            fits.select(
                pl.col("account_id").cast(pl.String).alias("client"),
                pl.col("fit").cast(pl.Float64).alias("icp_fit"),
            ),
            on="client",
            how="left",
        )
    return frame


def _json_number(expr: pl.Expr, decimals: int) -> pl.Expr:
    return expr.round(decimals).cast(pl.String).fill_null("null")


def explanation_json(ratings: Ratings) -> pl.Expr:
    """Return, per client, ``{"<criterion>": [value, fraction, points], …}`` as JSON text.

    The labels, weights and maximum points are the policy's and are not repeated on
    every row.
    """
    pieces: list[pl.Expr] = [pl.lit("{")]
    for index, applied in enumerate(ratings.applied):
        key = applied.key
        pieces += [
            pl.lit(("," if index else "") + f'"{key}":['),
            _json_number(pl.col(f"value__{key}"), 6),
            pl.lit(","),
            _json_number(pl.col(f"fraction__{key}"), 6),
            pl.lit(","),
            pl.col(f"points__{key}").cast(pl.String),
            pl.lit("]"),
        ]
    pieces.append(pl.lit("}"))
    return pl.concat_str(pieces)


@dataclass(frozen=True, slots=True)
class Computed:
    """A rating run before it is written: the rows and what the report shows."""

    ratings: Ratings
    rows: pl.DataFrame
    """``account_id``, ``score``, ``level``, ``level_rank``, ``adjustment``,
    ``explanation`` (JSON text), ``revenue`` (cents), ``abc``. The short text is not
    stored: it is written from the explanation when read, in the reader's language."""


def sales_features(
    *,
    accounts: pl.DataFrame,
    fits: pl.DataFrame,
    sales: pl.DataFrame,
    policy: RatingPolicy,
    as_of: dt.date,
) -> pl.DataFrame:
    """Return the features of every client rated (status client or inactive), but the
    payment behaviour (see :func:`rated_rows`).

    Percentiles rank the clients rated together, so lost clients and prospects, who are
    not rated, do not push the others up.
    """
    rated = accounts.filter(pl.col("is_client")).select("client")
    return client_features(
        sales.join(rated, on="client", how="semi"),
        as_of=as_of,
        window_days=policy.window_days,
        attributes=rating_attributes(accounts, fits).join(rated, on="client", how="semi"),
        last_seen=[],
    )


def rated_rows(
    features: pl.DataFrame,
    *,
    abc: pl.DataFrame,
    payments: pl.DataFrame | None,
    policy: RatingPolicy,
) -> Computed:
    """Return the ratings of :func:`sales_features` with ``payments`` (the payment
    behaviour, when there is one) as the rows a run stores, with the ABC class of
    :func:`abc_classes_of` beside them."""
    if payments is not None:
        features = join_payments(features, payments)
    ratings = rate(features, policy)
    rows = (
        ratings.frame.select(
            pl.col("client"),
            pl.col("client").cast(pl.Int64).alias("account_id"),
            "score",
            "level",
            "level_rank",
            "adjustment",
            explanation_json(ratings).alias("explanation"),
        )
        .join(features.select("client", pl.col("revenue_cents").alias("revenue")), on="client")
        .join(abc, on="client", how="left")
        .with_columns(pl.col("abc").fill_null(""))
        .drop("client")
        # In key order: the rows are ranked by the text of their key, and writing them
        # in that order scatters the inserts over the primary-key index.
        .sort("account_id")
    )
    return Computed(ratings, rows)


def compute_ratings(
    *,
    accounts: pl.DataFrame,
    fits: pl.DataFrame,
    sales: pl.DataFrame,
    payments: pl.DataFrame | None,
    policy: RatingPolicy,
    as_of: dt.date,
) -> Computed:
    """Return the rating of every client (status client or inactive) with sales up to
    ``as_of``: :func:`sales_features` and :func:`abc_classes_of`, then :func:`rated_rows`."""
    features = sales_features(accounts=accounts, fits=fits, sales=sales, policy=policy, as_of=as_of)
    abc = abc_classes_of(sales, as_of)
    return rated_rows(features, abc=abc, payments=payments, policy=policy)


def abc_classes_of(sales: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Return ``client``, ``abc``: the company-wide Pareto class (S3.7), beside the rating.

    The diagnosis's classes: revenue over the 12 calendar months ending on ``as_of``,
    clients without a sale in them unclassed.
    """
    window = period_for(as_of).window
    table = (
        sales.lazy()
        .filter(window.contains(pl.col("date")))
        .group_by("client")
        .agg(pl.col("amount_cents").sum().alias("window_revenue_cents"))
        .with_columns(pl.lit(True).alias("active"))
        .collect()
    )
    return abc_classes(table).select("client", pl.col("abc_class").alias("abc"))


def change_rows(previous: pl.DataFrame, current: pl.DataFrame, *, same_scale: bool) -> pl.DataFrame:
    """Return the level changes between the stored ratings and the new ones.

    Both frames have ``account_id``, ``level``, ``level_rank`` and ``score``. A client
    whose level moved is ``up`` or ``down``; one rated for the first time is ``new``;
    one no longer rated is ``gone``. When the policy's scale changed, a different label
    is ``rescaled`` rather than up or down (ranks on two scales do not compare).
    Columns: ``account_id``, ``change``, ``old_level``, ``new_level``, ``old_score``,
    ``new_score``.
    """

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.col("account_id").cast(pl.String).alias("client"),
            pl.col("level").cast(pl.String),
            pl.col("level_rank").cast(pl.Int32),
        )

    changed = level_changes(keyed(previous), keyed(current))
    if not same_scale:
        both = pl.col("old_level").is_not_null() & pl.col("new_level").is_not_null()
        changed = changed.with_columns(
            pl.when(both).then(pl.lit("rescaled")).otherwise(pl.col("change")).alias("change")
        )
    scores_before = previous.select(
        pl.col("account_id").cast(pl.Int64), pl.col("score").cast(pl.Int64).alias("old_score")
    )
    scores_after = current.select(
        pl.col("account_id").cast(pl.Int64), pl.col("score").cast(pl.Int64).alias("new_score")
    )
    return (
        changed.select(
            pl.col("client").cast(pl.Int64).alias("account_id"),
            "change",
            pl.col("old_level").fill_null(""),
            pl.col("new_level").fill_null(""),
        )
        .join(scores_before, on="account_id", how="left")
        .join(scores_after, on="account_id", how="left")
    )
