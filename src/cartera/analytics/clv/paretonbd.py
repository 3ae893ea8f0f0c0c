r"""The Pareto/NBD model: Poisson purchases over an exponential lifetime.

Each client buys at rate λ ~ Gamma(r, α) until an unobserved dropout time, exponential
with rate μ ~ Gamma(s, β). Integrating the dropout time out, the likelihood of a client
with x repeat purchases, the last at :math:`t_x`, observed for T is

.. math::

    L = \frac{\Gamma(r+x)\,\alpha^r \beta^s}{\Gamma(r)}
        \Bigl[ (\alpha+T)^{-(r+x)} (\beta+T)^{-s}
        + s \int_{t_x}^{T} (\alpha+\tau)^{-(r+x)} (\beta+\tau)^{-(s+1)} d\tau \Bigr],

whose integral is Fader and Hardie's hypergeometric term (see
:mod:`cartera.analytics.clv._hypergeometric`, which evaluates it in log space in both
regimes α ≥ β and α < β).

References
----------
Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). Counting Your Customers: Who
Are They and What Will They Do Next? Management Science 33(1), 1-24.

Fader, P. S. and Hardie, B. G. S. (2005). A Note on Deriving the Pareto/NBD Model and
Related Expressions. http://brucehardie.com/notes/009/
"""

from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar

import numpy as np
from scipy.special import digamma, gammaln

from cartera.analytics.clv._hypergeometric import log_tail_integral
from cartera.analytics.clv._inputs import ArrayInput, FloatArray, UniqueRows, factorize
from cartera.analytics.clv._purchases import Objective, PurchaseModel, check_horizon
from cartera.analytics.clv._quadrature import tanh_sinh
from cartera.analytics.clv.errors import ClvInputError


def _log1mexp(d: FloatArray) -> FloatArray:
    """Return log(1 - exp(d)) for d <= 0 accurately (-inf at d = 0)."""
    with np.errstate(divide="ignore"):
        return np.where(d > -np.log(2.0), np.log(-np.expm1(d)), np.log1p(-np.exp(d)))


def _decay(k: float, y: FloatArray) -> FloatArray:
    """Return (1 - exp(-k y)) / k, which tends to y as k tends to 0."""
    if abs(k) < 1e-10:
        return y * (1.0 - 0.5 * k * y)
    return -np.expm1(-k * y) / k


class _Rows:
    """Unique rows and the distinct (x, t) pairs whose tail integrals they need."""

    def __init__(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> None:
        size = x.size
        (self.pair_x, self.pair_t), _, inverse = factorize(
            np.concatenate([x, x]), np.concatenate([t_x, T])
        )
        self.at_tx, self.at_T = inverse[:size], inverse[size:]
        self.x, self.t_x, self.T = x, t_x, T
        # J = I(t_x) - I(T) is exactly 0 when the last purchase is at the end of T.
        self.empty = self.at_tx == self.at_T


def _terms(
    rows: _Rows, r: float, alpha: float, s: float, beta: float, gradient: bool
) -> tuple[FloatArray, FloatArray, FloatArray, tuple[FloatArray, ...]]:
    """Return log A (alive at T), log(s J) (dropped in (t_x, T]), log(A + sJ) and dlog J."""
    tail = log_tail_integral(rows.pair_t, r + rows.pair_x, s + 1.0, alpha, beta, gradient=gradient)
    log_i_tx = tail.log_value[rows.at_tx]
    log_i_T = tail.log_value[rows.at_T]
    gap = np.minimum(log_i_T - log_i_tx, 0.0)
    gap = np.where(rows.empty, 0.0, gap)
    log_j = log_i_tx + _log1mexp(gap)
    log_alive = -(r + rows.x) * np.log(alpha + rows.T) - s * np.log(beta + rows.T)
    log_dead = np.log(s) + log_j
    total = np.logaddexp(log_alive, log_dead)
    if not gradient:
        return log_alive, log_dead, total, ()
    # d log J = (dI(t_x) - ρ dI(T)) / (1 - ρ), ρ = I(T)/I(t_x); rows with J = 0 carry no
    # weight, so their (undefined) derivative is set to 0.
    rho = np.exp(gap)
    safe = np.where(rows.empty, 1.0, -np.expm1(gap))
    derivatives = tuple(
        np.where(rows.empty, 0.0, (d[rows.at_tx] - rho * d[rows.at_T]) / safe)
        for d in (tail.d_m, tail.d_alpha, tail.d_n, tail.d_beta)
    )
    return log_alive, log_dead, total, derivatives


class _Likelihood:
    """Mean Pareto/NBD log-likelihood per client on unique rows, with its analytic gradient."""

    def __init__(self, rows: UniqueRows, scale: float) -> None:
        self.share = rows.weight / rows.clients
        self.rows = _Rows(rows.x, rows.t_x / scale, rows.T / scale)
        self.xs, ix = np.unique(rows.x, return_inverse=True)
        self.share_x = np.bincount(ix.ravel(), weights=self.share, minlength=self.xs.size)

    def __call__(self, log_params: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, s, beta = np.exp(log_params)
        rows = self.rows
        log_alive, log_dead, total, (j_m, j_alpha, j_n, j_beta) = _terms(
            rows, r, alpha, s, beta, gradient=True
        )
        w_alive = np.exp(log_alive - total)
        w_dead = np.exp(log_dead - total)
        share = self.share
        value = (
            float(self.share_x @ (gammaln(r + self.xs) - gammaln(r)))
            + r * np.log(alpha)
            + s * np.log(beta)
            + float(share @ total)
        )
        log_at = np.log(alpha + rows.T)
        log_bt = np.log(beta + rows.T)
        g_r = (
            float(self.share_x @ (digamma(r + self.xs) - digamma(r)))
            + np.log(alpha)
            + float(share @ (-w_alive * log_at + w_dead * j_m))
        )
        g_alpha = r / alpha + float(
            share @ (-w_alive * (r + rows.x) / (alpha + rows.T) + w_dead * j_alpha)
        )
        g_s = np.log(beta) + float(share @ (-w_alive * log_bt + w_dead * (1.0 / s + j_n)))
        g_beta = s / beta + float(share @ (-w_alive * s / (beta + rows.T) + w_dead * j_beta))
        gradient = np.array([g_r * r, g_alpha * alpha, g_s * s, g_beta * beta])
        return value, gradient


class ParetoNBD(PurchaseModel):
    """Pareto/NBD model of repeat purchases and dropout (Schmittlein et al., 1987).

    Attributes
    ----------
    params_ : dict[str, float]
        ``r`` and ``alpha`` (Gamma heterogeneity of purchase rates), ``s`` and ``beta``
        (Gamma heterogeneity of dropout rates); alpha and beta in the time unit of the
        data.
    log_likelihood_, standard_errors_, covariance_, clients_
        See :class:`~cartera.analytics.clv._purchases.PurchaseModel`.

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). Counting Your Customers:
    Who Are They and What Will They Do Next? Management Science 33(1), 1-24.

    Fader, P. S. and Hardie, B. G. S. (2005). A Note on Deriving the Pareto/NBD Model and
    Related Expressions.
    """

    names: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")
    time_params: ClassVar[frozenset[str]] = frozenset({"alpha", "beta"})
    meanings: ClassVar = MappingProxyType(
        {
            "r": "purchase rates look the same for every client",
            "alpha": "purchase rates look the same for every client",
            "s": "dropout rates look the same for every client, or there is no dropout",
            "beta": "the data show no sign of clients dropping out",
        }
    )
    title: ClassVar[str] = "Pareto/NBD"

    def _objective(self, rows: UniqueRows, scale: float) -> Objective:
        return _Likelihood(rows, scale)

    def _log_p_alive(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
        p = self.params_
        (ux, ut, uT), _, inverse = factorize(x, t_x, T)
        log_alive, _, total, _ = _terms(
            _Rows(ux, ut, uT), p["r"], p["alpha"], p["s"], p["beta"], gradient=False
        )
        return (log_alive - total)[inverse]

    def _expected_if_alive(self, t: FloatArray, x: FloatArray, T: FloatArray) -> FloatArray:
        # An active client has λ ~ Gamma(r+x, α+T) and μ ~ Gamma(s, β+T); buying at rate λ
        # until an exponential dropout gives (r+x)/(α+T) (β+T) (1 - ((β+T)/(β+T+t))^(s-1))
        # / (s-1), written so that it stays exact at s = 1 (where it becomes a logarithm).
        p = self.params_
        r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
        rate = (r + x) / (alpha + T)
        return rate * (beta + T) * _decay(s - 1.0, np.log1p(t / (beta + T)))

    def probability_of_purchases(self, n: ArrayInput, t: ArrayInput) -> FloatArray:
        """Return P(X(t) = n) for a new client.

        The client either outlives ``t`` (NBD count over t) or drops out at τ < t (NBD
        count over τ); the integral over τ is taken with a tanh-sinh rule in log space.
        """
        self._check_fitted()
        count = np.asarray(n, dtype=np.float64)
        if (count < 0).any() or (count != np.round(count)).any():
            raise ClvInputError("n must be whole numbers of purchases, 0 or more", column="n")
        count, horizon = np.broadcast_arrays(count, check_horizon(t))
        shape = count.shape
        count, horizon = count.ravel(), horizon.ravel()
        p = self.params_
        r, alpha, s, beta = p["r"], p["alpha"], p["s"], p["beta"]
        log_u, _, log_w = tanh_sinh()
        norm = gammaln(r + count) - gammaln(r) - gammaln(count + 1.0)

        def log_nbd(tau: FloatArray, k: FloatArray) -> FloatArray:
            with np.errstate(divide="ignore", invalid="ignore"):
                at_zero = np.where(k == 0, 0.0, -np.inf)
                value = r * np.log(alpha / (alpha + tau)) + k * np.log(tau / (alpha + tau))
                return np.where(tau == 0, at_zero, value)

        outlives = norm + log_nbd(horizon, count) + s * np.log(beta / (beta + horizon))
        tau = horizon[:, None] * np.exp(log_u)[None, :]
        with np.errstate(divide="ignore"):
            log_dropout = (
                np.log(s)
                + s * np.log(beta)
                - (s + 1.0) * np.log(beta + tau)
                + np.log(horizon)[:, None]
                + log_w[None, :]
            )
        inner = log_nbd(tau, count[:, None]) + log_dropout
        peak = np.max(inner, axis=1, keepdims=True)
        finite = np.isfinite(peak[:, 0])
        peak = np.where(np.isfinite(peak), peak, 0.0)
        dropped = np.where(finite, np.exp(peak[:, 0]) * np.exp(inner - peak).sum(axis=1), 0.0)
        return (np.exp(outlives) + np.exp(norm) * dropped).reshape(shape)
