"""The bottom-up view of next year's revenue, fitted on the client base (S3.5, S1.7, S0.4).

Current clients: BG/NBD (expected purchases, with each client's chance of being
already lost) times Gamma-Gamma (expected spend per purchase), month by month, with
:func:`cartera.analytics.forecast.from_clv.bottom_up_from_clv`. New clients: the recent
acquisition rate times the first-year revenue curve of a new client
(:func:`cartera.analytics.forecast.acquisition`). The time-series forecast of the same
total is put beside it, so the manager sees both and where they disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl
from django.utils.translation import gettext as _

from cartera.analytics.forecast import Acquisition, acquisition
from cartera.goals.history import month_end

MIN_CLIENTS: Final = 30
"""Below this many clients the customer-base models have too little to learn from."""

PERIOD: Final = "week"


@dataclass(frozen=True, slots=True)
class BottomUp:
    """The bottom-up forecast, or why there is none.

    Attributes
    ----------
    months
        ``month``, ``existing_cents``, ``new_cents``, ``total_cents``,
        ``time_series_cents`` and ``difference_cents`` (bottom-up minus time series);
        empty when the view could not be built.
    clients
        Current clients scored (those with a purchase up to the end of the history).
    acquired
        The acquisition rate and first-year curve used for new clients.
    note
        Why the view is empty, or ``""``.
    """

    months: pl.DataFrame
    clients: int
    acquired: Acquisition | None
    note: str

    @property
    def available(self) -> bool:
        return self.months.height > 0


EMPTY: Final = pl.DataFrame(
    schema={
        "month": pl.Date,
        "existing_cents": pl.Int64,
        "new_cents": pl.Int64,
        "total_cents": pl.Int64,
        "time_series_cents": pl.Int64,
        "difference_cents": pl.Int64,
    }
)


def bottom_up_view(
    sales: pl.DataFrame,
    *,
    through: dt.date,
    start: dt.date,
    horizon: int,
    time_series: pl.DataFrame,
) -> BottomUp:
    """Return the bottom-up view for the ``horizon`` months from ``start``.

    ``sales`` are every line up to the end of ``through`` (first day of the last
    complete month); ``time_series`` has ``month`` and ``forecast_cents``.
    """
    # scipy's optimisers load on first use: the goals pages that never draw this view
    # do not pay for them.
    from cartera.analytics.clv import (
        BetaGeo,
        ClvInputError,
        ConvergenceError,
        GammaGamma,
        summarize,
    )
    from cartera.analytics.forecast.from_clv import bottom_up_from_clv

    summary = summarize(sales, calibration_end=month_end(through), period=PERIOD)
    if summary.height < MIN_CLIENTS:
        return BottomUp(
            EMPTY,
            summary.height,
            None,
            _("Too few clients (%(n)d, at least %(min)d needed) for the customer-base models.")
            % {"n": summary.height, "min": MIN_CLIENTS},
        )
    repeat = summary.filter((pl.col("frequency") > 0) & (pl.col("monetary") > 0))
    try:
        purchases = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
        spend = GammaGamma().fit(repeat["frequency"], repeat["monetary"])
        # Clients whose repeat purchases net to nothing (credit notes) say nothing about
        # spend; they are valued at the population's mean spend, as `cartera clv` does.
        scored = summary.with_columns(
            pl.when((pl.col("frequency") > 0) & (pl.col("monetary") <= 0))
            .then(pl.lit(spend.population_spend()))
            .otherwise(pl.col("monetary"))
            .alias("monetary")
        )
        acquired = acquisition(sales, through=through)
        months = bottom_up_from_clv(
            purchases,
            spend,
            scored,
            start=start,
            horizon=horizon,
            period=PERIOD,
            acquired=acquired,
            time_series=time_series,
        )
    except (ClvInputError, ConvergenceError) as error:
        return BottomUp(
            EMPTY,
            summary.height,
            None,
            _("The customer-base models could not be fitted: %(error)s") % {"error": error},
        )
    return BottomUp(months, summary.height, acquired, "")
