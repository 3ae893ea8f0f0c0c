"""Revenue forecasts, seasonality, drift alerts and the bottom-up view (S3.5, S3.4, S3.8).

Sales lines become monthly series (:func:`monthly_revenue`), each forecast by the model
that wins a rolling-origin backtest (:func:`forecast_revenue`), decomposed into trend
and seasonal profile (:func:`decompose`). Drift alerts compare actual months with the
lower prediction bound (:func:`drift_alerts`, :func:`check_drift`) and rank the clients
behind a gap (:func:`explain_gap`). The bottom-up view adds up what current clients and
expected new ones should buy (:func:`bottom_up_forecast`; from fitted CLV models with
:func:`cartera.analytics.forecast.from_clv.bottom_up_from_clv`, kept out of this
namespace so that importing it stays cheap). Goals built on the forecast
live in :mod:`cartera.analytics.goals`.

>>> monthly = monthly_revenue(sales, by="salesperson", through=date(2026, 10, 31))
>>> result = forecast_revenue(monthly, horizon=12)
>>> result.forecast  # series, month, forecast_cents, lo_80_cents, hi_80_cents, …
>>> result.models  # series, months, tier, model, mase, mae_cents
"""

from cartera.analytics.forecast.bottom_up import (
    Acquisition,
    acquisition,
    bottom_up_forecast,
    new_client_revenue,
)
from cartera.analytics.forecast.candidates import Search, Tier, tiers
from cartera.analytics.forecast.decomposition import Decomposition, decompose
from cartera.analytics.forecast.drift import DriftCheck, check_drift, drift_alerts, explain_gap
from cartera.analytics.forecast.forecasting import RevenueForecast, forecast_revenue
from cartera.analytics.forecast.monthly import (
    TOTAL,
    UNASSIGNED,
    check_monthly,
    monthly_revenue,
)

__all__ = [
    "TOTAL",
    "UNASSIGNED",
    "Acquisition",
    "Decomposition",
    "DriftCheck",
    "RevenueForecast",
    "Search",
    "Tier",
    "acquisition",
    "bottom_up_forecast",
    "check_drift",
    "check_monthly",
    "decompose",
    "drift_alerts",
    "explain_gap",
    "forecast_revenue",
    "monthly_revenue",
    "new_client_revenue",
    "tiers",
]
