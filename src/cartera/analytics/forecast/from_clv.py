"""The bottom-up view straight from fitted customer-base models (:mod:`cartera.analytics.clv`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from cartera.analytics.clv import MONTH_DAYS, BetaGeo, GammaGamma, ParetoNBD
from cartera.analytics.clv.summary import DAYS_PER, Period
from cartera.analytics.forecast._calendar import month_start, shift_month
from cartera.analytics.forecast.bottom_up import Acquisition, assemble
from cartera.analytics.frames import FrameError


def bottom_up_from_clv(
    purchases: BetaGeo | ParetoNBD,
    spend: GammaGamma,
    summary: pl.DataFrame,
    *,
    start: dt.date,
    horizon: int = 12,
    period: Period = "week",
    acquired: Acquisition | None = None,
    time_series: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the bottom-up view with the current clients scored by fitted models.

    Each client's purchases in month ``i`` of the horizon are E[X(i)] - E[X(i-1)] from
    ``purchases`` given its history (so the months follow the model's own decay rather
    than an even split), times its expected spend from ``spend``.

    Parameters
    ----------
    purchases
        A fitted :class:`~cartera.analytics.clv.BetaGeo` or
        :class:`~cartera.analytics.clv.ParetoNBD`.
    spend
        A fitted :class:`~cartera.analytics.clv.GammaGamma`.
    summary
        :func:`~cartera.analytics.clv.summarize` output (``frequency``, ``recency``,
        ``T``, ``monetary``) at the calibration end just before ``start``.
    start, horizon, acquired, time_series
        As in :func:`bottom_up_forecast`.
    period
        Time unit of the summary and the models.
    """
    for column in ("frequency", "recency", "T", "monetary"):
        if column not in summary.columns:
            raise FrameError(f"summary: missing column {column} (see clv.summarize)", column=column)
    unit = MONTH_DAYS / DAYS_PER[period]
    ends = np.arange(horizon + 1, dtype=np.float64)[:, None] * unit
    x = summary["frequency"].to_numpy()[None, :]
    cumulative = np.zeros((horizon + 1, summary.height))
    cumulative[1:] = purchases.conditional_expected_purchases(
        ends[1:], x, summary["recency"].to_numpy()[None, :], summary["T"].to_numpy()[None, :]
    )
    per_month = np.diff(cumulative, axis=0)
    value = spend.expected_spend(summary["frequency"], summary["monetary"])
    first = month_start(start)
    months = pl.date_range(first, shift_month(first, horizon - 1), "1mo", eager=True)
    existing_cents = (per_month * value[None, :]).sum(axis=1) * 100.0
    return assemble(months, existing_cents, acquired=acquired, time_series=time_series)
