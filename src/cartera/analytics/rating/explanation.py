"""Explain a rating: each criterion's value, points and weight, and a short text.

The structured form (:class:`Explanation`, :func:`explanation_frame`) is what the web
app stores and renders; the short text ("B: revenue 72nd percentile +29, pays 34 days
late −8") is built from it, in one vectorised pass, with a translation function the
caller passes (``gettext`` in the web app) applied to every template and label.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from cartera.analytics.rating.features import MEASURES
from cartera.analytics.rating.policy import Criterion, Effect, Percentile
from cartera.analytics.rating.scoring import Ratings

Translate = Callable[[str], str]
FormatNumber = Callable[[float, int], str]
"""Writes a number with so many decimals as the reader writes it (``1.234,5`` in Spanish)."""

MINUS: Final = "\u2212"

TEXT_TEMPLATE: Final = "{level}: {reasons}"
NO_POINTS: Final = "no points"
ADJUSTMENT_TEMPLATE: Final = "kept within 0–100 {points}"
NO_DATA_TEMPLATE: Final = "{label}: no data"
PERCENTILE_HIGHER_TEMPLATE: Final = "{label} {ordinal} percentile"
PERCENTILE_LOWER_TEMPLATE: Final = "{label} lower than {value}% of clients"
FALLBACK_TEMPLATE: Final = "{label} {value}"


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class ExplanationItem:
    """One criterion's part in a client's score."""

    criterion: str
    label: str
    measure: str
    effect: Effect
    weight: float
    max_points: float
    value: float | None
    fraction: float
    points: int


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a client has its score: ``sum(item.points) + adjustment == score``."""

    client: str
    score: int
    level: str
    items: tuple[ExplanationItem, ...]
    adjustment: int

    @property
    def total(self) -> int:
        """Return the points of the items plus the adjustment (equal to the score)."""
        return sum(item.points for item in self.items) + self.adjustment


def explain(ratings: Ratings, client: str) -> Explanation:
    """Return the explanation of one client's rating; raise KeyError if it was not rated."""
    row = ratings.frame.filter(pl.col("client") == client)
    if row.height == 0:
        raise KeyError(client)
    data = row.row(0, named=True)
    items = tuple(
        ExplanationItem(
            criterion=a.key,
            label=a.criterion.label,
            measure=a.criterion.measure,
            effect=a.effect,
            weight=a.criterion.weight,
            max_points=a.max_points,
            value=data[f"value__{a.key}"],
            fraction=data[f"fraction__{a.key}"],
            points=data[f"points__{a.key}"],
        )
        for a in ratings.applied
    )
    return Explanation(client, data["score"], data["level"], items, data["adjustment"])


def explanation_frame(ratings: Ratings) -> pl.DataFrame:
    """Return the explanations of all clients in long form, one row per client and criterion.

    Columns: ``client``, ``criterion``, ``label``, ``measure``, ``effect``, ``weight``,
    ``max_points``, ``value``, ``fraction``, ``points``.
    """
    parts = [
        ratings.frame.select(
            pl.col("client"),
            pl.lit(a.key).alias("criterion"),
            pl.lit(a.criterion.label).alias("label"),
            pl.lit(a.criterion.measure).alias("measure"),
            pl.lit(a.effect).alias("effect"),
            pl.lit(a.criterion.weight).alias("weight"),
            pl.lit(a.max_points).alias("max_points"),
            pl.col(f"value__{a.key}").alias("value"),
            pl.col(f"fraction__{a.key}").alias("fraction"),
            pl.col(f"points__{a.key}").alias("points"),
        )
        for a in ratings.applied
    ]
    return pl.concat(parts).sort("client", maintain_order=True)


def criterion_template(criterion: Criterion) -> str:
    """Return the text template of a criterion: its own, its rule's, or its measure's."""
    if criterion.template:
        return criterion.template
    if isinstance(criterion.rule, Percentile):
        if criterion.rule.direction == "higher":
            return PERCENTILE_HIGHER_TEMPLATE
        return PERCENTILE_LOWER_TEMPLATE
    measure = MEASURES.get(criterion.measure)
    return measure.template if measure else FALLBACK_TEMPLATE


def _ordinal(number: pl.Expr) -> pl.Expr:
    last_two, last = number % 100, number % 10
    suffix = (
        pl.when(last_two.is_between(11, 13))
        .then(pl.lit("th"))
        .when(last == 1)
        .then(pl.lit("st"))
        .when(last == 2)
        .then(pl.lit("nd"))
        .when(last == 3)
        .then(pl.lit("rd"))
        .otherwise(pl.lit("th"))
    )
    return pl.concat_str(number.cast(pl.String), suffix)


def _signed(points: pl.Expr) -> pl.Expr:
    sign = pl.when(points < 0).then(pl.lit(MINUS)).otherwise(pl.lit("+"))
    return pl.concat_str(sign, points.abs().cast(pl.String))


def _render(template: str, fields: dict[str, pl.Expr]) -> pl.Expr:
    """Return ``template`` filled in, as one string expression (unknown fields kept as is)."""
    pieces: list[pl.Expr] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(pl.lit(literal))
        if name is not None:
            pieces.append(fields.get(name, pl.lit("{" + name + "}")))
    return pl.concat_str(pieces) if pieces else pl.lit("")


def _shown_number(ratings: Ratings, index: int) -> tuple[pl.Expr, int]:
    """Return the number a criterion's reason shows (rounded as shown) and its decimals."""
    criterion = ratings.applied[index].criterion
    if isinstance(criterion.rule, Percentile):
        number = pl.col(f"fraction__{criterion.key}") * 100.0
        decimals = 0
    else:
        measure = MEASURES.get(criterion.measure)
        scale = measure.display_scale if measure else 1.0
        decimals = measure.decimals if measure else 0
        number = pl.col(f"value__{criterion.key}") * scale
    rounded = number.round(decimals, mode="half_away_from_zero")
    return (rounded.cast(pl.Int64) if decimals == 0 else rounded), decimals


def _written(
    ratings: Ratings, number: pl.Expr, decimals: int, format_number: FormatNumber | None
) -> pl.Expr:
    """Return ``number`` as text: as Polars writes it, or by ``format_number``."""
    if format_number is None:
        return number.cast(pl.String)
    # A few distinct values among many clients: each is written once.
    shown = ratings.frame.select(number.alias("n"))["n"].drop_nulls().unique().to_list()
    return number.replace_strict(
        shown, [format_number(value, decimals) for value in shown], return_dtype=pl.String
    )


def explanation_texts(
    ratings: Ratings,
    *,
    translate: Translate = _identity,
    format_number: FormatNumber | None = None,
    limit: int | None = None,
    clients: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Return a short text per client: the level, then the criteria that moved the score.

    Parameters
    ----------
    ratings
        The result of :func:`cartera.analytics.rating.rate`.
    translate
        Applied once to every template and label before filling them in (pass
        ``gettext``); templates use ``{label}``, ``{value}``, ``{ordinal}``, ``{points}``.
    format_number
        Writes each ``{value}`` from the number and its decimals, in the reader's
        locale; by default ``1234.5``.
    limit
        Keep only the first ``limit`` reasons.
    clients
        Restrict to these clients.

    Returns
    -------
    polars.DataFrame
        ``client`` and ``text``. Reasons are ordered by the size of their points,
        criteria with no points left out; a criterion scored without data says so.
    """
    frame = ratings.frame.with_row_index("_row")
    if clients is not None:
        frame = frame.filter(pl.col("client").is_in(list(clients)))
    # One row per reason (client × criterion with points), sorted once and joined per
    # client: far cheaper than sorting a list inside every row.
    reasons: list[pl.LazyFrame] = []
    for index, applied in enumerate(ratings.applied):
        criterion = applied.criterion
        points = pl.col(f"points__{criterion.key}")
        number, decimals = _shown_number(ratings, index)
        fields = {
            "label": pl.lit(translate(criterion.label)),
            "value": _written(ratings, number, decimals, format_number),
            "ordinal": _ordinal(number.cast(pl.Int64)),
            "points": _signed(points),
        }
        described = _render(translate(criterion_template(criterion)), fields)
        unknown = _render(translate(NO_DATA_TEMPLATE), fields)
        value = pl.col(f"value__{criterion.key}")
        text = pl.when(value.is_null()).then(unknown).otherwise(described)
        reasons.append(
            frame.lazy()
            .filter(points != 0)
            .select(
                "_row",
                (-points.abs()).alias("_order"),
                pl.lit(index, pl.Int32).alias("_position"),
                pl.concat_str(text, pl.lit(" "), _signed(points)).alias("_text"),
            )
        )
    adjustment = pl.col("adjustment")
    reasons.append(
        frame.lazy()
        .filter(adjustment != 0)
        .select(
            "_row",
            (-adjustment.abs()).alias("_order"),
            pl.lit(len(ratings.applied), pl.Int32).alias("_position"),
            _render(translate(ADJUSTMENT_TEMPLATE), {"points": _signed(adjustment)}).alias("_text"),
        )
    )
    listed = pl.col("_text") if limit is None else pl.col("_text").head(limit)
    joined = (
        pl.concat(reasons)
        .sort("_row", "_order", "_position")
        .group_by("_row", maintain_order=True)
        .agg(listed.str.join(", ").alias("_reasons"))
    )
    reasons_text = pl.col("_reasons").fill_null(pl.lit(translate(NO_POINTS)))
    text = _render(translate(TEXT_TEMPLATE), {"level": pl.col("level"), "reasons": reasons_text})
    return (
        frame.lazy()
        .select("_row", "client", "level")
        .join(joined, on="_row", how="left")
        .sort("_row")
        .select(pl.col("client"), text.alias("text"))
        .collect()
    )
