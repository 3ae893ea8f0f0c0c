"""The customer-value pipeline of :mod:`cartera.analytics.clv`, run on the bridge frame.

Summarise the sales, fit BG/NBD for purchases and Gamma-Gamma for spend, then score
clients. The steps are the ones of ``cartera clv``; this module only chains them and
decides what a portfolio too small to fit gets (no values, and a note saying why).
No Django here: frames in, fitted models and frames out.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from cartera.analytics.clv import (
    BetaGeo,
    ClvInputError,
    ConvergenceError,
    GammaGamma,
    at_risk,
    customer_value,
    summarize,
)

MIN_REPEAT_CLIENTS: Final = 20
"""Below this many clients with repeat purchases the models are not fitted."""
HORIZON_MONTHS: Final = 12
MONTHLY_DISCOUNT: Final = 0.01
AT_RISK_THRESHOLD: Final = 0.5
"""P(alive) under which a client counts as at risk (as in ``cartera clv``)."""

_FIT_ERRORS = (
    ClvInputError,
    ConvergenceError,
    ValueError,
    ArithmeticError,
    np.linalg.LinAlgError,
    RuntimeWarning,
)


@dataclass(frozen=True, slots=True)
class FittedValue:
    """Fitted purchase and spend models with the summary they score."""

    purchases: BetaGeo
    spend: GammaGamma
    summary: pl.DataFrame
    """``client``, ``frequency``, ``recency``, ``T``, ``monetary`` ready to score."""
    netted: int
    """Clients whose repeat purchases net to zero or less, valued at the mean spend."""


def fit_value_models(
    sales: pl.DataFrame, *, calibration_end: dt.date | None = None
) -> FittedValue | str:
    """Return the fitted models for ``sales``, or the reason they could not be fitted."""
    if sales.is_empty():
        return "no sales"
    try:
        with warnings.catch_warnings():
            # A numerically doubtful fit is refused, not shown with a warning in a log.
            warnings.simplefilter("error", RuntimeWarning)
            summary = summarize(sales, calibration_end=calibration_end, period="week")
            repeat = summary.filter(pl.col("frequency") > 0)
            if repeat.height < MIN_REPEAT_CLIENTS:
                return f"only {repeat.height} clients with repeat purchases"
            purchases = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
            # Repeat purchases that net to zero or less (returns) say nothing about spend:
            # leave them out of the spend fit and value them at the population's mean.
            netted = (pl.col("frequency") > 0) & (pl.col("monetary") <= 0)
            learn = summary.filter(~netted)
            spend = GammaGamma().fit(learn["frequency"], learn["monetary"])
            count = summary.filter(netted).height
            if count:
                summary = summary.with_columns(
                    pl.when(netted)
                    .then(pl.lit(spend.population_spend()))
                    .otherwise(pl.col("monetary"))
                    .alias("monetary")
                )
    except _FIT_ERRORS as error:
        return f"the value models could not be fitted: {error}"
    return FittedValue(purchases, spend, summary, count)


def client_values(fitted: FittedValue, summary: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return ``client``, ``p_alive``, ``expected_purchases``, ``clv``, ``value_at_risk``
    and ``at_risk`` for the clients of ``summary`` (default: all the fitted ones)."""
    rows = fitted.summary if summary is None else summary
    values = customer_value(
        fitted.purchases,
        fitted.spend,
        rows,
        horizon=HORIZON_MONTHS,
        discount=MONTHLY_DISCOUNT,
        period="week",
    )
    risky = at_risk(values, threshold=AT_RISK_THRESHOLD, top=None).select("client")
    return values.with_columns(pl.col("client").is_in(risky["client"].implode()).alias("at_risk"))
