"""Customer lifetime value, the value of a portfolio with its interval, and who is at risk.

S1.7 asks to weigh each relationship's future, S1.5 what a portfolio is worth when it is
sold or handed over, S0.4 to see attrition coming: these functions turn a fitted
purchase model (BG/NBD or Pareto/NBD) and a spend model (Gamma-Gamma) into money.

The value of a client over a horizon of H months is

    CLV = margin × E[spend per purchase] × Σ_{i=1..H} (E[X(i)] - E[X(i-1)]) / (1+d)^i,

with E[X(t)] the purchases expected in the next t (conditional on the client's
history) and d the monthly discount rate. A month is 365.25 / 12 days. Both models
factor E[X(t)] as P(alive) × E[X(t) | alive], and the second factor depends on x and T
only, so it is computed once per distinct (x, T), not once per client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import numpy as np
import polars as pl

from cartera.analytics.clv._inputs import FloatArray, as_float_array, check_rfm, factorize
from cartera.analytics.clv._purchases import PurchaseModel
from cartera.analytics.clv.errors import ClvInputError, ConvergenceError
from cartera.analytics.clv.gammagamma import GammaGamma
from cartera.analytics.clv.summary import DAYS_PER, Period

MONTH_DAYS: Final = 365.25 / 12
"""Length of the month used for horizons and discounting, in days."""

CENT: Final = Decimal("0.01")


def _money(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def _column(summary: pl.DataFrame, name: str) -> pl.Series:
    if name not in summary.columns:
        raise ClvInputError(
            f"summary: no column {name!r} (columns: {', '.join(summary.columns)}); "
            "build it with summarize()",
            column=name,
        )
    return summary[name]


@dataclass(frozen=True, slots=True)
class _Scores:
    p_alive: FloatArray
    expected_purchases: FloatArray
    expected_spend: FloatArray
    value_if_alive: FloatArray

    @property
    def clv(self) -> FloatArray:
        return self.p_alive * self.value_if_alive


class _Book:
    """A set of clients factorised once, then scored for any pair of fitted models."""

    def __init__(
        self,
        summary: pl.DataFrame,
        *,
        horizon: int,
        discount: float,
        margin: float,
        period: Period,
    ) -> None:
        if not isinstance(horizon, int | np.integer) or horizon < 1:
            raise ClvInputError(f"horizon must be a whole number of months >= 1, not {horizon}")
        if not (np.isfinite(discount) and discount > -1.0):
            raise ClvInputError(f"discount must be a rate above -1 (0.01 = 1 %), not {discount}")
        if not np.isfinite(margin):
            raise ClvInputError(f"margin must be a number, not {margin}")
        if period not in DAYS_PER:
            raise ClvInputError(f"period must be 'day' or 'week', not {period!r}")
        self.x, self.t_x, self.T = check_rfm(
            _column(summary, "frequency"), _column(summary, "recency"), _column(summary, "T")
        )
        self.monetary = np.ravel(as_float_array(_column(summary, "monetary"), "monetary"))
        self.margin = margin
        months = np.arange(1, horizon + 1, dtype=np.float64)
        self.times = months * MONTH_DAYS / DAYS_PER[period]
        self.factors = (1.0 + discount) ** -months
        (self.rx, self.rtx, self.rT), _, self.row = factorize(self.x, self.t_x, self.T)
        (self.px, self.pT), _, self.pair = factorize(self.x, self.T)

    def score(self, purchases: PurchaseModel, spend: GammaGamma) -> _Scores:
        alive = np.exp(purchases._log_p_alive(self.rx, self.rtx, self.rT))[self.row]
        pairs, steps = self.px.size, self.times.size
        cumulative = purchases._expected_if_alive(
            np.repeat(self.times, pairs), np.tile(self.px, steps), np.tile(self.pT, steps)
        ).reshape(steps, pairs)
        increments = np.diff(cumulative, axis=0, prepend=0.0)
        discounted = self.factors @ increments
        per_purchase = spend.expected_spend(self.x, self.monetary)
        return _Scores(
            p_alive=alive,
            expected_purchases=alive * cumulative[-1][self.pair],
            expected_spend=per_purchase,
            value_if_alive=self.margin * per_purchase * discounted[self.pair],
        )


def customer_value(
    purchases: PurchaseModel,
    spend: GammaGamma,
    summary: pl.DataFrame,
    *,
    horizon: int = 12,
    discount: float = 0.01,
    margin: float = 1.0,
    period: Period = "week",
) -> pl.DataFrame:
    """Return each client's expected purchases, spend and lifetime value over ``horizon``.

    Parameters
    ----------
    purchases
        A fitted :class:`~cartera.analytics.clv.BetaGeo` or
        :class:`~cartera.analytics.clv.ParetoNBD`.
    spend
        A fitted :class:`~cartera.analytics.clv.GammaGamma`.
    summary
        Output of :func:`~cartera.analytics.clv.summarize` (``client`` optional,
        ``frequency``, ``recency``, ``T``, ``monetary``), in the unit ``period``.
    horizon
        Months ahead.
    discount
        Monthly discount rate (0.01 is 1 % a month).
    margin
        Share of the spend that is profit (1.0 values revenue).
    period
        Time unit of ``recency`` and ``T`` (and of the models' ``alpha``/``beta``).

    Returns
    -------
    polars.DataFrame
        The summary's ``client`` column (if any), then ``p_alive``,
        ``expected_purchases`` (over the horizon), ``expected_spend`` (per purchase),
        ``clv`` (discounted, times margin) and ``value_at_risk``: (1 - P(alive)) times
        the value the client would bring if still active, the expected value already
        lost to attrition. Money columns are float estimates in currency units.
    """
    book = _Book(summary, horizon=horizon, discount=discount, margin=margin, period=period)
    scores = book.score(purchases, spend)
    columns: dict[str, object] = {}
    if "client" in summary.columns:
        columns["client"] = summary["client"]
    columns |= {
        "p_alive": scores.p_alive,
        "expected_purchases": scores.expected_purchases,
        "expected_spend": scores.expected_spend,
        "clv": scores.clv,
        "value_at_risk": (1.0 - scores.p_alive) * scores.value_if_alive,
    }
    return pl.DataFrame(columns)


@dataclass(frozen=True, slots=True)
class PortfolioValue:
    """The value of a set of clients over a horizon, with an interval from the fit.

    ``low`` and ``high`` bound the value at ``level`` over the sampling uncertainty of
    the models' parameters (not over the clients' own randomness, which averages out in
    a large book): the price basis of a hand-over or sale of the portfolio (S1.5).
    """

    value: Decimal
    low: Decimal
    high: Decimal
    level: float
    clients: int
    horizon: int
    draws: int


def portfolio_value(
    purchases: PurchaseModel,
    spend: GammaGamma,
    summary: pl.DataFrame,
    *,
    horizon: int = 12,
    discount: float = 0.01,
    margin: float = 1.0,
    period: Period = "week",
    level: float = 0.90,
    draws: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> PortfolioValue:
    """Return the summed CLV of the clients in ``summary`` with a ``level`` interval.

    The interval comes from ``draws`` parameter sets drawn from the asymptotic normal
    distribution of both models' log-parameters (their inverse observed information),
    each valuing the whole book again; its quantiles bound the value. Draws in log space
    keep every parameter positive.

    Parameters
    ----------
    purchases, spend, summary, horizon, discount, margin, period
        As in :func:`customer_value`; select the rows of ``summary`` for a salesperson's
        book, a segment or the whole company.
    level
        Coverage of the interval, between 0 and 1.
    draws
        Number of parameter draws.
    seed
        Seed of the draws, so that a value is reproducible.
    progress
        Called with (draws done, draws) after each draw, for progress bars.

    Raises
    ------
    ConvergenceError
        If a draw implies an infinite mean spend (Gamma-Gamma q near 1).
    """
    if not 0.0 < level < 1.0:
        raise ClvInputError(f"level must be between 0 and 1, not {level}")
    if draws < 2:
        raise ClvInputError(f"draws must be at least 2, not {draws}")
    book = _Book(summary, horizon=horizon, discount=discount, margin=margin, period=period)
    value = float(book.score(purchases, spend).clv.sum())
    rng = np.random.default_rng(seed)
    purchase_draws = rng.multivariate_normal(
        purchases.log_params_, purchases.log_covariance_, draws, method="cholesky"
    )
    spend_draws = rng.multivariate_normal(
        spend.log_params_, spend.log_covariance_, draws, method="cholesky"
    )
    totals = np.empty(draws)
    for k in range(draws):  # a loop over parameter draws; each values every client at once
        try:
            scores = book.score(
                purchases.with_log_params(purchase_draws[k]),
                spend.with_log_params(spend_draws[k]),
            )
        except ConvergenceError as error:
            raise ConvergenceError(
                f"portfolio value: a plausible set of spend parameters makes the value "
                f"infinite ({error}); the interval is unbounded."
            ) from None
        totals[k] = scores.clv.sum()
        if progress is not None:
            progress(k + 1, draws)
    low, high = np.quantile(totals, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    return PortfolioValue(
        value=_money(value),
        low=_money(min(low, value)),
        high=_money(max(high, value)),
        level=level,
        clients=int(book.x.size),
        horizon=horizon,
        draws=draws,
    )


def at_risk(values: pl.DataFrame, *, threshold: float = 0.5, top: int | None = 20) -> pl.DataFrame:
    """Return the clients whose P(alive) fell below ``threshold``, most value lost first.

    Parameters
    ----------
    values
        Output of :func:`customer_value`.
    threshold
        P(alive) under which a client counts as at risk.
    top
        How many to return (``None``: all).

    Returns
    -------
    polars.DataFrame
        The rows of ``values`` at risk, sorted by ``value_at_risk`` descending: the
        valuable clients a salesperson should call first (S0.4).
    """
    for name in ("p_alive", "value_at_risk"):
        _column(values, name)
    risky = (
        values.lazy()
        .filter(pl.col("p_alive") < threshold)
        .sort("value_at_risk", descending=True, maintain_order=True)
    )
    if top is not None:
        risky = risky.head(top)
    return risky.collect()
