"""Rolling-origin backtests and the choice of a model per series on MASE (S3.5, S3.8).

Each candidate of a series' tier forecasts the last months from several earlier origins;
its error is the mean absolute error over all origins and horizons, scaled by the
in-sample mean absolute error of the naive forecast (seasonal naive for series with two
years or more): the MASE of Hyndman & Koehler. A MASE below 1 beats that naive
forecast. The model with the lowest MASE is chosen; ties go to the candidate listed
first. The scale is computed on the whole history so every origin shares it: it is a
constant per series, so it changes the reported level of the MASE, never the choice.

References
----------
Hyndman, R. J. & Koehler, A. B. (2006). Another look at measures of forecast accuracy.
*International Journal of Forecasting* 22(4), 679–688.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import polars as pl

from cartera.analytics.forecast.candidates import Tier, build
from cartera.analytics.frames import MONEY

FREQ: Final = "1mo"
UNITS: Final = 100.0
"""Cents per currency unit: the models see currency units, which keeps them well scaled."""


@contextmanager
def quiet() -> Iterator[None]:
    """Silence the convergence chatter of the model fits (their result is still judged)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def model_input(history: pl.DataFrame) -> pl.DataFrame:
    """Return ``history`` in statsforecast's long shape: ``unique_id``, ``ds``, ``y``."""
    return history.select(
        pl.col("series").alias("unique_id"),
        pl.col("month").alias("ds"),
        (pl.col("revenue_cents").cast(pl.Float64) / UNITS).alias("y"),
    )


def naive_scale(history: pl.DataFrame, lag: int) -> pl.DataFrame:
    """Return ``series`` and ``scale_cents``: in-sample MAE of the naive forecast at ``lag``."""
    revenue = pl.col("revenue_cents").cast(pl.Float64)
    return history.group_by("series").agg(
        (revenue - revenue.shift(lag)).abs().mean().alias("scale_cents")
    )


def backtest(history: pl.DataFrame, tier: Tier, *, n_jobs: int = 1) -> pl.DataFrame:
    """Return the backtest error of every candidate of ``tier`` on every series.

    Parameters
    ----------
    history
        Monthly revenue (``series``, ``month``, ``revenue_cents``) of series that all
        belong to ``tier``.
    tier
        Gives the candidates and the origins.
    n_jobs
        Processes for statsforecast (``-1``: every core).

    Returns
    -------
    polars.DataFrame
        ``series``, ``model``, ``mae_cents`` (Float64, mean absolute error over every
        origin and horizon; empty if the model failed), ``mase`` (Float64; empty when
        the naive forecast is exact in sample, e.g. a constant series).
    """
    schema = {"series": pl.String, "model": pl.String, "mae_cents": pl.Float64}
    from statsforecast import StatsForecast  # on use; see candidates.build
    from statsforecast.models import NaNModel

    if not tier.cv_windows or history.is_empty():
        errors = pl.DataFrame(schema=schema)
    else:
        engine = StatsForecast(
            models=[build(name, tier) for name in tier.models],
            freq=FREQ,
            n_jobs=n_jobs,
            # A model that fails scores nothing rather than borrowing another's forecast.
            fallback_model=NaNModel(),
        )
        with quiet():
            folds = engine.cross_validation(
                h=tier.cv_horizon,
                df=model_input(history),
                n_windows=tier.cv_windows,
                step_size=tier.cv_step,
                refit=tier.refit,
            )
        errors = (
            pl.DataFrame(folds)
            .unpivot(index=["unique_id", "ds", "cutoff", "y"], on=list(tier.models))
            .group_by(pl.col("unique_id").alias("series"), pl.col("variable").alias("model"))
            .agg(
                ((pl.col("value") - pl.col("y")).abs().mean() * UNITS)
                .fill_nan(None)
                .alias("mae_cents")
            )
        )
    scale = naive_scale(history, tier.scale_lag)
    return (
        errors.join(scale, on="series", how="left")
        .select(
            "series",
            "model",
            "mae_cents",
            pl.when(pl.col("scale_cents") > 0)
            .then(pl.col("mae_cents") / pl.col("scale_cents"))
            .alias("mase"),
        )
        .sort("series", "model")
    )


def choose(history: pl.DataFrame, errors: pl.DataFrame, tier: Tier) -> pl.DataFrame:
    """Return ``series``, ``tier``, ``model``, ``mase``, ``mae_cents``: the best candidate.

    Series without a backtest (or whose candidates all failed) get the tier's first
    candidate with empty errors.
    """
    preference = {name: rank for rank, name in enumerate(tier.models)}
    best = (
        errors.filter(pl.col("mae_cents").is_not_null())
        .with_columns(pl.col("model").replace_strict(preference).alias("_rank"))
        .sort("series", "mae_cents", "_rank")
        .group_by("series", maintain_order=True)
        .first()
        .drop("_rank")
    )
    return (
        history.group_by("series")
        .agg(pl.len().cast(pl.Int64).alias("months"))
        .join(best, on="series", how="left")
        .select(
            "series",
            "months",
            pl.lit(tier.name).alias("tier"),
            pl.col("model").fill_null(tier.models[0]),
            "mase",
            pl.col("mae_cents").round(0).cast(MONEY),
        )
        .sort("series")
    )
