"""Drift alerts: revenue below the forecast's lower bound, and the clients behind it (S3.4).

A series whose actual revenue falls below the lower bound of its prediction interval in
``consecutive`` months in a row (two by default) is drifting: a month below the 80 %
interval's lower bound happens one time in ten by chance, two in a row about one in a
hundred. The alert names the months and the gap to the forecast; :func:`explain_gap`
then ranks the clients that account for it, each against its own past, so the manager
can turn the alert into visits and calls (the corrective action plan of S3.4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl

from cartera.analytics.forecast._calendar import month_number, month_start, shift_month
from cartera.analytics.forecast.candidates import Search
from cartera.analytics.forecast.forecasting import RevenueForecast, forecast_revenue
from cartera.analytics.forecast.monthly import check_monthly
from cartera.analytics.frames import MONEY, FrameError

LOST: Final = "lost"
SHRINKING: Final = "shrinking"
STEADY: Final = "steady"
GROWING: Final = "growing"
NEW: Final = "new"
INACTIVE: Final = "inactive"


@dataclass(frozen=True, slots=True)
class DriftCheck:
    """The recent months of each series against a forecast made before them.

    Attributes
    ----------
    compared
        ``series``, ``month``, ``revenue_cents``, ``forecast_cents``, ``lower_cents``
        (the lower bound at ``level``) and ``below`` (Boolean).
    alerts
        See :func:`drift_alerts`.
    forecast
        The forecast fitted on the history before the recent months.
    level
        Interval whose lower bound is the threshold, in percent.
    """

    compared: pl.DataFrame
    alerts: pl.DataFrame
    forecast: RevenueForecast
    level: int


def drift_alerts(
    actual: pl.DataFrame,
    forecast: pl.DataFrame | RevenueForecast,
    *,
    level: int = 80,
    consecutive: int = 2,
) -> pl.DataFrame:
    """Return a row per run of ``consecutive`` or more months below the lower bound.

    Parameters
    ----------
    actual
        Monthly revenue: ``series``, ``month``, ``revenue_cents``.
    forecast
        A :class:`RevenueForecast`, or its ``forecast`` frame, made *before* the months
        being judged (``series``, ``month``, ``forecast_cents``, ``lo_<level>_cents``).
    level
        Which interval's lower bound is the threshold.
    consecutive
        Months in a row needed for an alert.

    Returns
    -------
    polars.DataFrame
        ``series``, ``start`` and ``end`` (first and last month of the run),
        ``months``, ``revenue_cents``, ``forecast_cents`` and ``lower_cents`` summed
        over the run, ``gap_cents`` (forecast minus revenue: what is missing) and
        ``ongoing`` (the run reaches the series' last compared month: act now),
        ordered by ongoing first, then by gap.
    """
    compared = _compare(actual, forecast, level)
    return _runs(compared, consecutive)


def _compare(
    actual: pl.DataFrame, forecast: pl.DataFrame | RevenueForecast, level: int
) -> pl.DataFrame:
    frame = forecast.forecast if isinstance(forecast, RevenueForecast) else forecast
    bound = f"lo_{level}_cents"
    for column in ("series", "month", "forecast_cents", bound):
        if column not in frame.columns:
            raise FrameError(
                f"forecast: no column {column} (levels in a forecast are set when it is made)",
                column=column,
            )
    return (
        check_monthly(actual, what="actual")
        .join(
            frame.select(
                pl.col("series").cast(pl.String),
                pl.col("month").cast(pl.Date),
                "forecast_cents",
                pl.col(bound).alias("lower_cents"),
            ),
            on=["series", "month"],
            how="inner",
        )
        .with_columns((pl.col("revenue_cents") < pl.col("lower_cents")).alias("below"))
        .sort("series", "month")
    )


def _runs(compared: pl.DataFrame, consecutive: int) -> pl.DataFrame:
    if consecutive < 1:
        raise ValueError(f"consecutive must be 1 or more, not {consecutive}")
    # A new run starts where "below" changes or a month is skipped.
    breaks = (
        (pl.col("below") != pl.col("below").shift(1))
        | (month_number() - month_number().shift(1) != 1)
    ).fill_null(True)
    return (
        compared.lazy()
        .with_columns(
            breaks.cum_sum().over("series").alias("_run"),
            pl.col("month").max().over("series").alias("_last"),
        )
        .filter("below")
        .group_by("series", "_run")
        .agg(
            pl.col("month").min().alias("start"),
            pl.col("month").max().alias("end"),
            pl.len().cast(pl.Int64).alias("months"),
            pl.col("revenue_cents").sum(),
            pl.col("forecast_cents").sum(),
            pl.col("lower_cents").sum(),
            pl.col("_last").first(),
        )
        .filter(pl.col("months") >= consecutive)
        .select(
            "series",
            "start",
            "end",
            "months",
            "revenue_cents",
            "forecast_cents",
            "lower_cents",
            (pl.col("forecast_cents") - pl.col("revenue_cents")).alias("gap_cents"),
            (pl.col("end") == pl.col("_last")).alias("ongoing"),
        )
        .sort(["ongoing", "gap_cents", "series"], descending=[True, True, False])
        .collect()
    )


def check_drift(
    monthly: pl.DataFrame,
    *,
    recent: int = 3,
    level: int = 80,
    consecutive: int = 2,
    search: Search = "fast",
    n_jobs: int = 1,
) -> DriftCheck:
    """Return the last ``recent`` months of each series judged by a forecast made before them.

    The forecast is fitted on each series' history without its last ``recent`` months
    (the situation of a manager who made the forecast then), with intervals at
    ``level``; series with no history left before those months are skipped.
    """
    if recent < 1:
        raise ValueError(f"recent must be 1 or more months, not {recent}")
    history = check_monthly(monthly)
    cut = pl.col("month") <= shift_month_expr(pl.col("month").max().over("series"), -recent)
    before = history.filter(cut)
    made = forecast_revenue(before, horizon=recent, levels=(level,), search=search, n_jobs=n_jobs)
    compared = _compare(history.filter(~cut), made, level)
    return DriftCheck(
        compared=compared, alerts=_runs(compared, consecutive), forecast=made, level=level
    )


def shift_month_expr(month: pl.Expr, months: int) -> pl.Expr:
    """Return ``month`` (first days) moved by ``months`` calendar months."""
    return month.dt.offset_by(f"{months}mo")


def explain_gap(
    client_monthly: pl.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    baseline_months: int = 12,
    tolerance: float = 0.10,
    overdue: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the clients ranked by how much of a revenue gap each explains (S3.4).

    Each client is judged against its own past: its expected revenue in the window
    ``start`` – ``end`` is its average monthly revenue over the ``baseline_months``
    before ``start`` (months without purchases count as zero) times the months of the
    window. A year of baseline averages out the seasons.

    Parameters
    ----------
    client_monthly
        ``client`` (or ``series``), ``month``, ``revenue_cents``: e.g.
        ``monthly_revenue(sales, by="client")`` on the lines of one salesperson or
        segment.
    start, end
        Any days of the first and last month of the window (the alert's months).
    baseline_months
        Months before ``start`` that set each client's expected level.
    tolerance
        Share below the expected level under which a client counts as shrinking.
    overdue
        Optional ``client`` and ``overdue_cents``: receivables past due, a frequent
        reason a client stops buying (or is stopped by credit control).

    Returns
    -------
    polars.DataFrame
        One row per client with a shortfall or an overdue balance: ``rank``,
        ``client``, ``status`` (``lost``: bought in the baseline and nothing in the
        window; ``shrinking``; ``steady``; ``growing``; ``new``: nothing in the
        baseline; ``inactive``: nothing in either, listed for its overdue balance),
        ``baseline_cents``
        (average month), ``expected_cents``, ``revenue_cents`` (window),
        ``shortfall_cents`` (expected minus revenue, floored at zero), ``share`` of the
        summed shortfall, ``cumulative_share``, ``last_purchase`` (month) and
        ``overdue_cents``; largest shortfall first.
    """
    if "client" not in client_monthly.columns and "series" in client_monthly.columns:
        client_monthly = client_monthly.rename({"series": "client"})
    for column in ("client", "month", "revenue_cents"):
        if column not in client_monthly.columns:
            raise FrameError(f"client_monthly: missing column {column}", column=column)
    if baseline_months < 1:
        raise ValueError(f"baseline_months must be 1 or more, not {baseline_months}")
    first, last = month_start(start), month_start(end)
    if last < first:
        raise ValueError(f"the window ends ({last}) before it starts ({first})")
    window = (last.year - first.year) * 12 + last.month - first.month + 1
    baseline_start = shift_month(first, -baseline_months)
    month = pl.col("month").cast(pl.Date).dt.truncate("1mo")
    revenue = pl.col("revenue_cents").cast(MONEY)
    in_window = (month >= first) & (month <= last)
    in_baseline = (month >= baseline_start) & (month < first)
    per_client = (
        client_monthly.lazy()
        .filter(month <= last)
        .group_by(pl.col("client").cast(pl.String))
        .agg(
            revenue.filter(in_baseline).sum().alias("_baseline_total"),
            revenue.filter(in_window).sum().alias("revenue_cents"),
            month.filter(revenue > 0).max().alias("last_purchase"),
        )
    )
    if overdue is not None:
        if "client" not in overdue.columns or "overdue_cents" not in overdue.columns:
            raise FrameError("overdue: expected columns client and overdue_cents", column="client")
        dues = (
            overdue.lazy()
            .group_by(pl.col("client").cast(pl.String))
            .agg(pl.col("overdue_cents").cast(MONEY).sum())
        )
        per_client = per_client.join(dues, on="client", how="full", coalesce=True)
    else:
        per_client = per_client.with_columns(pl.lit(None, dtype=MONEY).alias("overdue_cents"))
    # Integer arithmetic, rounded half up: expected = total × window / baseline months.
    expected = (pl.col("_baseline_total") * window * 2 + baseline_months) // (2 * baseline_months)
    shortfall = (pl.col("expected_cents") - pl.col("revenue_cents")).clip(lower_bound=0)
    status = (
        pl.when((pl.col("_baseline_total") > 0) & (pl.col("revenue_cents") <= 0))
        .then(pl.lit(LOST))
        .when((pl.col("_baseline_total") <= 0) & (pl.col("revenue_cents") > 0))
        .then(pl.lit(NEW))
        .when(pl.col("_baseline_total") <= 0)
        .then(pl.lit(INACTIVE))
        .when(pl.col("revenue_cents") < pl.col("expected_cents") * (1 - tolerance))
        .then(pl.lit(SHRINKING))
        .when(pl.col("revenue_cents") > pl.col("expected_cents") * (1 + tolerance))
        .then(pl.lit(GROWING))
        .otherwise(pl.lit(STEADY))
    )
    total_shortfall = pl.col("shortfall_cents").sum()
    return (
        per_client.with_columns(
            pl.col("_baseline_total").fill_null(0), pl.col("revenue_cents").fill_null(0)
        )
        .with_columns(expected.alias("expected_cents"))
        .with_columns(shortfall.alias("shortfall_cents"), status.alias("status"))
        .filter((pl.col("shortfall_cents") > 0) | (pl.col("overdue_cents").fill_null(0) > 0))
        .sort(
            ["shortfall_cents", "overdue_cents", "client"],
            descending=[True, True, False],
            nulls_last=True,
        )
        .with_columns(
            pl.when(total_shortfall > 0)
            .then(pl.col("shortfall_cents") / total_shortfall)
            .otherwise(0.0)
            .alias("share")
        )
        .select(
            (pl.int_range(pl.len()) + 1).cast(pl.Int64).alias("rank"),
            "client",
            "status",
            ((pl.col("_baseline_total") * 2 + baseline_months) // (2 * baseline_months)).alias(
                "baseline_cents"
            ),
            "expected_cents",
            "revenue_cents",
            "shortfall_cents",
            "share",
            pl.col("share").cum_sum().alias("cumulative_share"),
            "last_purchase",
            "overdue_cents",
        )
        .collect()
    )
