"""Annual goals from the forecast, spread over the months by seasonality, and tracking (S3.5).

A proposal takes each series' forecast for the year, adds the growth the manager sets
and spreads the annual goal over the months by the series' seasonal profile, so that a
December that usually sells 30 % more gets 30 % more goal (ERPNext makes people type
monthly percentages; an even spread asks for the same in a dead month as in the best).
Monthly targets are whole cents and add up exactly to the annual goal: each month gets
the floor of its exact share and the cents left over go to the months with the largest
fractions (largest-remainder apportionment; ties to the earlier month).

Tracking compares, month by month and year to date, the actual revenue with the goal
(possibly edited by the manager) and with the forecast, and projects the year end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final, Literal

import polars as pl

from cartera.analytics.forecast._calendar import month_start
from cartera.analytics.forecast.forecasting import RevenueForecast
from cartera.analytics.forecast.monthly import check_monthly
from cartera.analytics.frames import MONEY, FrameError

CENT: Final = Decimal("0.01")
WEIGHT_SCALE: Final = 10**9
"""Weights are apportioned as integers in billionths: exact arithmetic, no float drift."""

Spread = Literal["profile", "forecast", "even"]


@dataclass(frozen=True, slots=True)
class GoalProposal:
    """Proposed goals for a year, per series and per month.

    Attributes
    ----------
    year
        The calendar year of the goals.
    growth
        Growth over the base applied to every series (0.08 is 8 %).
    spread
        How months were weighted: ``"profile"`` (seasonal indices), ``"forecast"``
        (the forecast's own monthly shape, trend included) or ``"even"``.
    annual
        ``series``, ``base_cents`` (the year's revenue expected before growth: actual
        revenue for months already closed, forecast for the rest), ``goal_cents``.
    monthly
        ``series``, ``month``, ``base_cents`` and ``goal_cents``; each series' twelve
        ``goal_cents`` add up to its annual goal.
    """

    year: int
    growth: Decimal
    spread: Spread
    annual: pl.DataFrame
    monthly: pl.DataFrame

    def goal(self, series: str) -> Decimal:
        """Return the annual goal of ``series`` in currency units."""
        rows = self.annual.filter(pl.col("series") == series)
        if not rows.height:
            raise KeyError(series)
        return _money(int(rows["goal_cents"][0]))


@dataclass(frozen=True, slots=True)
class GoalStatus:
    """Actual against goal and forecast, month by month and year to date.

    Attributes
    ----------
    as_of
        First day of the last closed month: actual revenue counts up to it.
    monthly
        ``series``, ``month``, ``goal_cents``, ``actual_cents`` (empty after
        ``as_of``), ``forecast_cents`` (empty where no forecast was given),
        ``gap_cents`` (actual minus goal; empty after ``as_of``), and the same three
        cumulated over the year: ``ytd_goal_cents``, ``ytd_actual_cents``,
        ``ytd_gap_cents`` (empty after ``as_of``).
    summary
        One row per series and year: ``series``, ``year``, ``goal_cents`` (the year),
        ``ytd_goal_cents``, ``ytd_actual_cents``, ``ytd_gap_cents``, ``attainment``
        (year-to-date actual over year-to-date goal; empty when that goal is zero),
        ``projected_cents`` (actual to date plus forecast for the months left; empty if
        a month left has no forecast) and ``projected_gap_cents`` (projected minus the
        year's goal).
    """

    as_of: dt.date
    monthly: pl.DataFrame
    summary: pl.DataFrame


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _growth(growth: Decimal | float | str) -> Decimal:
    try:
        value = Decimal(str(growth))
    except InvalidOperation:
        raise ValueError(f"growth must be a number such as 0.08 (8 %), not {growth!r}") from None
    if not value.is_finite() or value <= -1:
        raise ValueError(f"growth must be a rate above -1 (0.08 is 8 %), not {growth!r}")
    return value


def spread_goals(goals: pl.DataFrame, weights: pl.DataFrame) -> pl.DataFrame:
    """Return each series' goal split over its months in proportion to the weights.

    Parameters
    ----------
    goals
        ``series`` and ``goal_cents`` (non-negative integers).
    weights
        ``series``, ``month`` and ``weight`` (non-negative numbers); a series whose
        weights are all zero is split evenly.

    Returns
    -------
    polars.DataFrame
        ``series``, ``month``, ``goal_cents`` (Int64) for every row of ``weights``
        whose series has a goal; per series the months add up exactly to the goal.

    Raises
    ------
    ValueError
        If a goal or a weight is negative or empty.
    """
    for frame, columns, what in (
        (goals, ("series", "goal_cents"), "goals"),
        (weights, ("series", "month", "weight"), "weights"),
    ):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise FrameError(f"{what}: missing column(s) {', '.join(missing)}", column=missing[0])
    if goals["goal_cents"].null_count() or (goals["goal_cents"] < 0).any():
        raise ValueError("goals: goal_cents must be zero or more")
    weight = pl.col("weight").cast(pl.Float64)
    if (
        weights["weight"].null_count()
        or weights.select((weight < 0) | weight.is_nan()).to_series().any()
    ):
        raise ValueError("weights: every weight must be a number, zero or more")
    quantised = (weight * WEIGHT_SCALE).round(0).cast(pl.Int128)
    total_weight = pl.col("_w").sum().over("series")
    even = pl.lit(1, dtype=pl.Int128)
    share = pl.col("goal_cents").cast(pl.Int128) * pl.col("_w")
    return (
        weights.lazy()
        .select(pl.col("series").cast(pl.String), pl.col("month"), quantised.alias("_w"))
        .join(goals.lazy().select(pl.col("series").cast(pl.String), "goal_cents"), on="series")
        .with_columns(pl.when(total_weight > 0).then(pl.col("_w")).otherwise(even).alias("_w"))
        .with_columns(
            (share // total_weight).alias("_floor"), (share % total_weight).alias("_rest")
        )
        # Hand the cents left over to the largest leftover fractions; the earlier month
        # wins a tie.
        .sort(["series", "_rest", "month"], descending=[False, True, False])
        .with_columns(
            (pl.col("goal_cents") - pl.col("_floor").sum().over("series")).alias("_left"),
            (pl.int_range(pl.len()) + 1).over("series").alias("_order"),
        )
        .select(
            "series",
            "month",
            (pl.col("_floor") + (pl.col("_order") <= pl.col("_left")).cast(pl.Int128))
            .cast(MONEY)
            .alias("goal_cents"),
        )
        .sort("series", "month")
        .collect()
    )


def spread_goal(total: Decimal | int | str, weights: Sequence[float]) -> tuple[Decimal, ...]:
    """Return ``total`` (currency units) split over ``len(weights)`` months, to the cent.

    The parts are proportional to ``weights`` up to a cent and add up exactly to
    ``total`` (rounded half up to the cent first).

    Examples
    --------
    >>> spread_goal(Decimal("1000"), [1] * 12)[:5]
    (Decimal('83.34'), Decimal('83.34'), Decimal('83.34'), Decimal('83.34'), Decimal('83.33'))
    """
    cents = int((Decimal(str(total)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    months = list(range(1, len(weights) + 1))
    spread = spread_goals(
        pl.DataFrame({"series": ["_"], "goal_cents": [cents]}),
        pl.DataFrame(
            {"series": ["_"] * len(months), "month": months, "weight": [float(w) for w in weights]}
        ),
    )
    return tuple(_money(int(c)) for c in spread["goal_cents"])


def propose_goals(
    forecast: RevenueForecast,
    *,
    year: int,
    growth: Decimal | float | str,
    spread: Spread = "profile",
) -> GoalProposal:
    """Return next year's goals: the year's expected revenue plus ``growth``, spread by season.

    Parameters
    ----------
    forecast
        A forecast whose horizon reaches December of ``year``.
    year
        Calendar year of the goals.
    growth
        Rate over the base (0.08 is 8 %; negative for a planned contraction).
    spread
        ``"profile"`` weighs each month by the series' seasonal index (flat for series
        with less than two years of history); ``"forecast"`` by the month's base
        (trend and season together); ``"even"`` equally.

    Returns
    -------
    GoalProposal
        The base of a month is its actual revenue if it is already in the history,
        otherwise its forecast; months before a series' first sale count as zero.
        The annual goal is base × (1 + growth), rounded half up to the cent.

    Raises
    ------
    ValueError
        If the forecast stops before December of ``year`` (the message says the
        horizon needed), or ``growth`` or ``spread`` are invalid.
    """
    rate = _growth(growth)
    if spread not in ("profile", "forecast", "even"):
        raise ValueError(f"spread must be 'profile', 'forecast' or 'even', not {spread!r}")
    months = pl.DataFrame(
        {"month": pl.date_range(dt.date(year, 1, 1), dt.date(year, 12, 1), "1mo", eager=True)}
    ).with_columns(pl.col("month").dt.month().cast(pl.Int8).alias("month_of_year"))
    short = forecast.forecast.group_by("series").agg(pl.col("month").max().alias("last"))
    late = short.filter(pl.col("last") < dt.date(year, 12, 1))
    if late.height:
        last = late["last"].min()
        assert isinstance(last, dt.date)
        needed = forecast.horizon + (year - last.year) * 12 + 12 - last.month
        raise ValueError(
            f"the forecast ends in {last:%Y-%m}, before December {year}; "
            f"forecast with a horizon of at least {needed} months"
        )
    known = pl.concat(
        [
            forecast.history.select("series", "month", pl.col("revenue_cents").alias("_base")),
            forecast.forecast.select("series", "month", pl.col("forecast_cents").alias("_base")),
        ]
    )
    series = forecast.models.select("series")
    base = (
        series.join(months, how="cross")
        .join(known, on=["series", "month"], how="left")
        .join(forecast.profile, on=["series", "month_of_year"], how="left")
        .select(
            "series",
            "month",
            pl.col("_base").fill_null(0).cast(MONEY).alias("base_cents"),
            pl.col("seasonal_index").fill_null(1.0),
        )
    )
    annual = base.group_by("series").agg(pl.col("base_cents").sum()).sort("series")
    annual = annual.with_columns(_grow(pl.col("base_cents"), rate).alias("goal_cents"))
    weight = {
        "profile": pl.col("seasonal_index"),
        "forecast": pl.col("base_cents").cast(pl.Float64).clip(lower_bound=0.0),
        "even": pl.lit(1.0),
    }[spread]
    goals = spread_goals(
        annual.select("series", pl.col("goal_cents").clip(lower_bound=0)),
        base.select("series", "month", weight.alias("weight")),
    )
    return GoalProposal(
        year=year,
        growth=rate,
        spread=spread,
        annual=annual,
        monthly=base.select("series", "month", "base_cents").join(
            goals, on=["series", "month"], how="left"
        ),
    )


def _grow(cents: pl.Expr, rate: Decimal) -> pl.Expr:
    """Return ``cents × (1 + rate)`` rounded half up, in exact integer arithmetic."""
    numerator, denominator = (rate + 1).as_integer_ratio()
    scaled = cents.cast(pl.Int128) * numerator
    # Half up is away from zero on both sides (Decimal's ROUND_HALF_UP); Int128 has no
    # negation in Polars, so the sign is a factor.
    sign = pl.when(scaled >= 0).then(pl.lit(1, pl.Int128)).otherwise(pl.lit(-1, pl.Int128))
    rounded = sign * ((scaled * sign * 2 + denominator) // (2 * denominator))
    return rounded.cast(MONEY)


def goal_status(
    goals: pl.DataFrame,
    actual: pl.DataFrame,
    *,
    as_of: dt.date,
    forecast: pl.DataFrame | RevenueForecast | None = None,
) -> GoalStatus:
    """Return actual against goal and forecast per month and year to date (S3.5, S3.8).

    Parameters
    ----------
    goals
        ``series``, ``month``, ``goal_cents``: the goals in force (proposed or edited).
    actual
        Monthly revenue: ``series``, ``month``, ``revenue_cents``.
    as_of
        Any day of the last closed month; later months count as not yet sold.
    forecast
        A :class:`RevenueForecast`, or a frame with ``series``, ``month`` and
        ``forecast_cents``, to project the rest of the year.

    Returns
    -------
    GoalStatus
    """
    for column in ("series", "month", "goal_cents"):
        if column not in goals.columns:
            raise FrameError(f"goals: missing column {column}", column=column)
    closed = month_start(as_of)
    sold = check_monthly(actual, what="actual").select(
        "series", "month", pl.col("revenue_cents").alias("_actual")
    )
    if isinstance(forecast, RevenueForecast):
        forecast = forecast.forecast
    expected = (
        forecast.select(
            pl.col("series").cast(pl.String), pl.col("month").cast(pl.Date), "forecast_cents"
        )
        if forecast is not None
        else pl.DataFrame(schema={"series": pl.String, "month": pl.Date, "forecast_cents": MONEY})
    )
    is_closed = pl.col("month") <= closed
    year = pl.col("month").dt.year()
    monthly = (
        goals.lazy()
        .select(
            pl.col("series").cast(pl.String),
            pl.col("month").cast(pl.Date).dt.truncate("1mo"),
            pl.col("goal_cents").cast(MONEY),
        )
        .join(sold.lazy(), on=["series", "month"], how="left")
        .join(expected.lazy(), on=["series", "month"], how="left")
        .sort("series", "month")
        .with_columns(
            pl.when(is_closed).then(pl.col("_actual").fill_null(0)).alias("actual_cents"),
        )
        .with_columns((pl.col("actual_cents") - pl.col("goal_cents")).alias("gap_cents"))
        .with_columns(
            pl.col("goal_cents").cum_sum().over("series", year).alias("ytd_goal_cents"),
            pl.col("actual_cents").cum_sum().over("series", year).alias("ytd_actual_cents"),
        )
        .with_columns(
            pl.when(is_closed).then(pl.col("ytd_goal_cents")).alias("ytd_goal_cents"),
            (pl.col("ytd_actual_cents") - pl.col("ytd_goal_cents")).alias("ytd_gap_cents"),
        )
        .select(
            "series",
            "month",
            "goal_cents",
            "actual_cents",
            "forecast_cents",
            "gap_cents",
            "ytd_goal_cents",
            "ytd_actual_cents",
            "ytd_gap_cents",
        )
    )
    open_months = ~is_closed
    summary = (
        monthly.group_by("series", year.alias("year"))
        .agg(
            pl.col("goal_cents").sum(),
            pl.col("goal_cents").filter(is_closed).sum().alias("ytd_goal_cents"),
            pl.col("actual_cents").filter(is_closed).sum().alias("ytd_actual_cents"),
            pl.col("forecast_cents").filter(open_months).sum().alias("_rest"),
            pl.col("forecast_cents").filter(open_months).null_count().alias("_missing"),
        )
        .with_columns(
            (pl.col("ytd_actual_cents") - pl.col("ytd_goal_cents")).alias("ytd_gap_cents"),
            pl.when(pl.col("ytd_goal_cents") > 0)
            .then(pl.col("ytd_actual_cents") / pl.col("ytd_goal_cents"))
            .alias("attainment"),
            pl.when(pl.col("_missing") == 0)
            .then(pl.col("ytd_actual_cents") + pl.col("_rest"))
            .alias("projected_cents"),
        )
        .with_columns(
            (pl.col("projected_cents") - pl.col("goal_cents")).alias("projected_gap_cents")
        )
        .select(
            "series",
            pl.col("year").cast(pl.Int32),
            "goal_cents",
            "ytd_goal_cents",
            "ytd_actual_cents",
            "ytd_gap_cents",
            "attainment",
            "projected_cents",
            "projected_gap_cents",
        )
        .sort("series", "year")
    )
    collected = pl.collect_all([monthly, summary])
    return GoalStatus(as_of=closed, monthly=collected[0], summary=collected[1])
