"""Which models compete for a series, by how much monthly history it has (S3.5).

A series is placed in the first tier whose ``min_months`` it reaches:

========== ========== ============================================= ====================
tier       history    candidates                                    backtest
========== ========== ============================================= ====================
full       ≥ 36       AutoETS, ARIMA, AutoTheta, SeasonalNaive       3 origins, 6 ahead
two_years  24 – 35    SeasonalNaive, AutoETS (no season), Naive,     3 origins, 6 ahead
                      Mean
one_year   12 – 23    AutoETS (no season), Naive, Mean               3 origins, 3 ahead
new        < 12       Mean                                           none (MASE empty)
========== ========== ============================================= ====================

Seasonal models (seasonal ETS, ARIMA, Theta) only compete from 36 months on, so that
even the earliest backtest origin (12 months before the end) leaves them two full years
to estimate twelve seasonal indices; with 24 – 35 months the seasonal naive model (last
year repeated) is the only seasonal candidate, and below 24 months none is. The ARIMA of
the ``"fast"`` search is the airline model ARIMA(0,1,1)(0,1,1)₁₂ (Box & Jenkins), one
fit per series, and its AutoETS leaves damped trends out; the ``"thorough"`` search runs
the full stepwise AutoARIMA and the full AutoETS, about twenty times slower: fine for
tens of series, too slow for hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

SEASON: Final = 12
"""Months in a seasonal cycle."""

Search = Literal["fast", "thorough"]


@dataclass(frozen=True, slots=True)
class Tier:
    """A class of series by history length, with its candidates and backtest design.

    Attributes
    ----------
    name
        Reported in :attr:`RevenueForecast.models <cartera.analytics.forecast.RevenueForecast>`.
    min_months
        Fewest months of history a series needs to be in this tier.
    models
        Names of the candidate models, in order of preference on a tie.
    season_length
        Season given to AutoETS and AutoTheta (1: no seasonal component).
    cv_horizon, cv_windows, cv_step
        Rolling-origin backtest: ``cv_windows`` origins ``cv_step`` months apart, each
        forecasting ``cv_horizon`` months; ``cv_windows == 0`` means no backtest.
    refit
        Re-estimate at every origin; ``False`` estimates once at the first origin and
        moves the fitted model forward, which costs one fit instead of three.
    scale_lag
        Lag of the naive forecast whose in-sample mean absolute error scales the MASE
        (12: seasonal naive).
    damped
        Whether AutoETS may try damped trends (``None``: with and without).
    """

    name: str
    min_months: int
    models: tuple[str, ...]
    season_length: int
    cv_horizon: int
    cv_windows: int
    cv_step: int
    refit: bool
    scale_lag: int
    damped: bool | None = None

    @property
    def cv_months(self) -> int:
        """Return how many final months the backtest holds out."""
        if not self.cv_windows:
            return 0
        return self.cv_horizon + self.cv_step * (self.cv_windows - 1)


def tiers(search: Search = "fast") -> tuple[Tier, ...]:
    """Return the tiers, longest history first, for the ``search`` effort."""
    if search not in ("fast", "thorough"):
        raise ValueError(f"search must be 'fast' or 'thorough', not {search!r}")
    arima = "AutoARIMA" if search == "thorough" else "AirlineARIMA"
    full = ("AutoETS", arima, "AutoTheta", "SeasonalNaive")
    # Damped trends double AutoETS's search; on 24 - 36 months AICc almost never picks
    # them (none of 100 benchmark series did), so the fast search leaves them out.
    damped = None if search == "thorough" else False
    return (
        Tier("full", 36, full, SEASON, 6, 3, 3, refit=False, scale_lag=SEASON, damped=damped),
        Tier("two_years", 24, ("SeasonalNaive", "AutoETS", "Naive", "Mean"), 1, 6, 3, 3,
             refit=True, scale_lag=SEASON),
        Tier("one_year", 12, ("AutoETS", "Naive", "Mean"), 1, 3, 3, 1, refit=True, scale_lag=1),
        Tier("new", 1, ("Mean",), 1, 0, 0, 0, refit=True, scale_lag=1),
    )  # fmt: skip


def build(name: str, tier: Tier) -> Any:
    """Return a fresh statsforecast model ``name`` (its column name) set up for ``tier``."""
    # Imported on use: statsforecast pulls statsmodels and takes seconds to import, a
    # price the goal tracking and the drift ranking should not pay.
    from statsforecast.models import (
        ARIMA,
        AutoARIMA,
        AutoETS,
        AutoTheta,
        HistoricAverage,
        Naive,
        SeasonalNaive,
    )

    match name:
        case "AutoETS":
            return AutoETS(season_length=tier.season_length, damped=tier.damped, alias=name)
        case "AutoARIMA":
            return AutoARIMA(season_length=SEASON, alias=name)
        case "AirlineARIMA":
            return ARIMA(
                order=(0, 1, 1), seasonal_order=(0, 1, 1), season_length=SEASON, alias=name
            )
        case "AutoTheta":
            return AutoTheta(season_length=tier.season_length, alias=name)
        case "SeasonalNaive":
            return SeasonalNaive(season_length=SEASON, alias=name)
        case "Naive":
            return Naive(alias=name)
        case "Mean":
            return HistoricAverage(alias=name)
    raise ValueError(f"unknown model {name!r}")
