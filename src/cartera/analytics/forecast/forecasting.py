"""Monthly revenue forecast per series with prediction intervals (S3.5, S3.8).

Every series is placed in a tier by its history (see :mod:`.candidates`), its tier's
candidates are backtested from rolling origins and the one with the lowest MASE
forecasts the horizon (see :mod:`.selection`). Only the winner is re-estimated on the
full history, which is where most of the time would otherwise go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from cartera.analytics.forecast.candidates import Search, Tier, build, tiers
from cartera.analytics.forecast.decomposition import Decomposition, decompose
from cartera.analytics.forecast.monthly import check_monthly
from cartera.analytics.forecast.selection import (
    FREQ,
    UNITS,
    backtest,
    choose,
    model_input,
    quiet,
)
from cartera.analytics.frames import MONEY


@dataclass(frozen=True, slots=True)
class RevenueForecast:
    """Forecast, backtest and decomposition of monthly revenue series: all a chart needs.

    Attributes
    ----------
    history
        The input: ``series``, ``month``, ``revenue_cents``.
    forecast
        ``series``, ``month`` (the ``horizon`` months after each series' last month),
        ``forecast_cents`` and, for every level L of ``levels``, ``lo_L_cents`` and
        ``hi_L_cents``: the central L % prediction interval. All Int64 cents, never
        below zero (revenue cannot be negative; a model's interval can).
    models
        One row per series: ``series``, ``months`` of history, ``tier``, ``model``
        chosen, its backtest ``mase`` (Float64; empty for the tier ``new``, which has
        no backtest, and for a series whose naive in-sample error is zero) and
        ``mae_cents``.
    backtest
        Every candidate's score: ``series``, ``model``, ``mae_cents`` (Float64), ``mase``.
    decomposition
        Trend and seasonal profile (see :class:`Decomposition`).
    horizon, levels, search
        The settings used.
    """

    history: pl.DataFrame
    forecast: pl.DataFrame
    models: pl.DataFrame
    backtest: pl.DataFrame
    decomposition: Decomposition
    horizon: int
    levels: tuple[int, ...]
    search: Search

    @property
    def profile(self) -> pl.DataFrame:
        """Return the seasonal profile: ``series``, ``month_of_year``, ``seasonal_index``."""
        return self.decomposition.profile

    def totals(self) -> pl.DataFrame:
        """Return ``series`` and ``forecast_cents``: the forecast summed over the horizon."""
        return self.forecast.group_by("series").agg(pl.col("forecast_cents").sum()).sort("series")


def interval_columns(levels: Sequence[int]) -> list[str]:
    """Return the interval column names of a forecast frame for ``levels``."""
    return [f"{side}_{level}_cents" for level in levels for side in ("lo", "hi")]


def forecast_revenue(
    monthly: pl.DataFrame,
    *,
    horizon: int = 12,
    levels: Sequence[int] = (80, 95),
    search: Search = "fast",
    n_jobs: int = 1,
) -> RevenueForecast:
    """Return the revenue forecast of every series of ``monthly`` for ``horizon`` months.

    Parameters
    ----------
    monthly
        ``series``, ``month``, ``revenue_cents``, one row per month of each series'
        life, as :func:`~cartera.analytics.forecast.monthly_revenue` builds it.
    horizon
        Months to forecast after each series' last month.
    levels
        Coverage of the prediction intervals, in percent.
    search
        ``"fast"`` or ``"thorough"`` (the full AutoARIMA search; see
        :mod:`~cartera.analytics.forecast.candidates`).
    n_jobs
        Processes for the model fits (``-1``: every core).

    Returns
    -------
    RevenueForecast

    Raises
    ------
    ValueError
        If ``horizon`` or ``levels`` are out of range.
    cartera.analytics.frames.FrameError
        If ``monthly`` is not one row per month of each series.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of months >= 1, not {horizon!r}")
    chosen_levels = tuple(sorted({int(level) for level in levels}))
    if not chosen_levels or any(not 0 < level < 100 for level in chosen_levels):
        raise ValueError(f"levels must be percentages between 0 and 100, not {levels!r}")
    history = check_monthly(monthly)
    lengths = history.group_by("series").agg(pl.len().alias("months"))
    errors: list[pl.DataFrame] = []
    picks: list[pl.DataFrame] = []
    forecasts: list[pl.DataFrame] = []
    lower = None
    for tier in tiers(search):
        members = lengths.filter(pl.col("months") >= tier.min_months)
        if lower is not None:
            members = members.filter(pl.col("months") < lower)
        lower = tier.min_months
        if members.is_empty():
            continue
        part = history.join(members.select("series"), on="series", how="semi")
        scored = backtest(part, tier, n_jobs=n_jobs)
        chosen = choose(part, scored, tier)
        errors.append(scored)
        picks.append(chosen)
        forecasts.extend(_fit_winners(part, chosen, tier, horizon, chosen_levels, n_jobs))
    columns = ["series", "month", "forecast_cents", *interval_columns(chosen_levels)]
    forecast = (
        pl.concat(forecasts).sort("series", "month")
        if forecasts
        else pl.DataFrame(
            schema={c: pl.String if c == "series" else MONEY for c in columns}
        ).with_columns(pl.col("month").cast(pl.Date))
    )
    return RevenueForecast(
        history=history,
        forecast=forecast.select(columns),
        models=_concat(picks, ["series", "months", "tier", "model", "mase", "mae_cents"]),
        backtest=_concat(errors, ["series", "model", "mae_cents", "mase"]),
        decomposition=decompose(history),
        horizon=horizon,
        levels=chosen_levels,
        search=search,
    )


def _fit_winners(
    history: pl.DataFrame,
    chosen: pl.DataFrame,
    tier: Tier,
    horizon: int,
    levels: tuple[int, ...],
    n_jobs: int,
) -> list[pl.DataFrame]:
    from statsforecast import StatsForecast  # on use; see candidates.build

    out: list[pl.DataFrame] = []
    for (name,), members in chosen.group_by("model"):
        model = str(name)
        engine = StatsForecast(
            models=[build(model, tier)],
            freq=FREQ,
            n_jobs=n_jobs,
            # Fitted fine at every backtest origin; should the full history still
            # break it, last value (or last year) is the honest stand-in.
            fallback_model=build("SeasonalNaive" if tier.scale_lag > 1 else "Naive", tier),
        )
        part = history.join(members.select("series"), on="series", how="semi")
        with quiet():
            raw = engine.forecast(h=horizon, df=model_input(part), level=list(levels))
        out.append(
            pl.DataFrame(raw).select(
                pl.col("unique_id").alias("series"),
                pl.col("ds").cast(pl.Date).alias("month"),
                _cents(pl.col(model)).alias("forecast_cents"),
                *(
                    _cents(pl.col(f"{model}-{side}-{level}")).alias(f"{side}_{level}_cents")
                    for level in levels
                    for side in ("lo", "hi")
                ),
            )
        )
    return out


def _cents(units: pl.Expr) -> pl.Expr:
    return (units * UNITS).fill_nan(None).clip(lower_bound=0.0).round(0).cast(MONEY)


def _concat(parts: list[pl.DataFrame], columns: list[str]) -> pl.DataFrame:
    if parts:
        return pl.concat(parts, how="vertical_relaxed").select(columns).sort("series")
    return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
