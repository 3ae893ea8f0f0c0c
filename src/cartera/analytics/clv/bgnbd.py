r"""The BG/NBD model: Poisson purchases, dropout after any purchase with probability p.

Each client buys at rate λ ~ Gamma(r, α) while active and, after each repeat purchase,
drops out with probability p ~ Beta(a, b). The likelihood of a client with x repeat
purchases, the last at :math:`t_x`, observed for T is

.. math::

    L = \frac{B(a, b+x)}{B(a, b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+T)^{r+x}}
      + \delta_{x>0} \frac{B(a+1, b+x-1)}{B(a, b)}
        \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)\,(\alpha+t_x)^{r+x}}.

References
----------
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting Your Customers" the Easy
Way: An Alternative to the Pareto/NBD Model. Marketing Science 24(2), 275-284.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar

import numpy as np
from scipy.special import betainc, betaln, digamma, gammaln

from cartera.analytics.clv._inputs import ArrayInput, FloatArray, UniqueRows, factorize
from cartera.analytics.clv._purchases import Objective, PurchaseModel, check_horizon
from cartera.analytics.clv._quadrature import beta_expectation_nodes, gauss_nodes_needed
from cartera.analytics.clv.errors import ClvInputError


class _Likelihood:
    """Mean BG/NBD log-likelihood per client on unique rows, with its analytic gradient.

    Terms that depend on x alone (gamma and beta functions, digammas) are computed once
    per distinct frequency and terms in t_x or T once per distinct time; sums over rows
    of such terms are folded into per-value weights with ``bincount``. Only the mixing of
    the two likelihood terms (alive at T, or dropped after the last purchase) is done
    row by row: one log-sum-exp and one exponential. Clients without repeat purchases
    have a single term and reduce to a weight per distinct T.
    """

    def __init__(self, rows: UniqueRows, scale: float) -> None:
        share = rows.weight / rows.clients
        xs, ix = np.unique(rows.x, return_inverse=True)
        self.xs, self.share_x = xs, np.bincount(ix.ravel(), weights=share, minlength=xs.size)
        times, it = np.unique(np.concatenate([rows.t_x, rows.T]) / scale, return_inverse=True)
        it = it.ravel()
        n = rows.x.size
        itx, iT = it[:n], it[n:]
        self.times = times
        repeat = rows.x > 0
        # Every client contributes -(r+x) log(α+T) through the first term.
        self.share_T = np.bincount(iT, weights=share, minlength=times.size)
        self.share_xT = np.bincount(iT, weights=share * rows.x, minlength=times.size)
        # Rows with repeat purchases, indexed into the positive frequencies.
        self.positive = xs > 0
        self.x1 = rows.x[repeat]
        self.ix1 = np.searchsorted(xs[self.positive], self.x1)
        self.itx1, self.iT1 = itx[repeat], iT[repeat]
        self.share1 = share[repeat]

    def __call__(self, log_params: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, a, b = np.exp(log_params)
        xs = self.xs
        lbab = betaln(a, b)
        psi_ab, psi_a, psi_b = digamma(a + b), digamma(a), digamma(b)
        psi_abx = digamma(a + b + xs)
        # First term, every row: B(a, b+x)/B(a, b) (α+T)^-(r+x).
        l1 = betaln(a, b + xs) - lbab
        l1_a = psi_ab - psi_abx
        l1_b = digamma(b + xs) - psi_abx - psi_b + psi_ab
        # Second term, x > 0 only: B(a+1, b+x-1)/B(a, b) (α+t_x)^-(r+x).
        xp = xs[self.positive]
        psi_abxp = psi_abx[self.positive]
        l2 = betaln(a + 1.0, b + xp - 1.0) - lbab
        d_a = digamma(a + 1.0) - psi_abxp - psi_a + psi_ab - l1_a[self.positive]
        d_b = digamma(b + xp - 1.0) - psi_abxp - psi_b + psi_ab - l1_b[self.positive]
        log_t = np.log(alpha + self.times)
        inv_t = 1.0 / (alpha + self.times)

        ix, itx, iT = self.ix1, self.itx1, self.iT1
        rx = r + self.x1
        # d = log(second term / first term); the row's log-likelihood adds softplus(d).
        gap = (l2 - l1[self.positive])[ix] - rx * (log_t[itx] - log_t[iT])
        softplus = np.logaddexp(0.0, gap)
        second = np.exp(gap - softplus)  # share of the second term
        weight2 = self.share1 * second
        weight2_rx = weight2 * rx
        size_x, size_t = xp.size, self.times.size
        by_x = np.bincount(ix, weights=weight2, minlength=size_x)
        by_tx = np.bincount(itx, weights=weight2, minlength=size_t)
        by_T = np.bincount(iT, weights=weight2, minlength=size_t)
        by_tx_rx = np.bincount(itx, weights=weight2_rx, minlength=size_t)
        by_T_rx = np.bincount(iT, weights=weight2_rx, minlength=size_t)

        lgam = gammaln(r + xs) - gammaln(r)
        dlgam = digamma(r + xs) - digamma(r)
        first_t = r * (self.share_T @ log_t) + self.share_xT @ log_t
        value = self.share_x @ (lgam + l1) + r * np.log(alpha) - first_t + self.share1 @ softplus
        g_r = self.share_x @ dlgam + np.log(alpha) - self.share_T @ log_t - (by_tx - by_T) @ log_t
        g_alpha = (
            r / alpha - (r * self.share_T + self.share_xT) @ inv_t - (by_tx_rx - by_T_rx) @ inv_t
        )
        g_a = self.share_x @ l1_a + by_x @ d_a
        g_b = self.share_x @ l1_b + by_x @ d_b
        gradient = np.array([g_r * r, g_alpha * alpha, g_a * a, g_b * b])
        return float(value), gradient


class BetaGeo(PurchaseModel):
    """BG/NBD model of repeat purchases and dropout (Fader, Hardie and Lee, 2005).

    Attributes
    ----------
    params_ : dict[str, float]
        ``r`` and ``alpha`` (Gamma heterogeneity of purchase rates; alpha in the time
        unit of the data), ``a`` and ``b`` (Beta heterogeneity of the dropout
        probability).
    log_likelihood_, standard_errors_, covariance_, clients_
        See :class:`~cartera.analytics.clv._purchases.PurchaseModel`.

    Examples
    --------
    >>> m = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    >>> m.p_alive(summary["frequency"], summary["recency"], summary["T"])

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting Your Customers" the
    Easy Way: An Alternative to the Pareto/NBD Model. Marketing Science 24(2), 275-284.
    """

    names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    time_params: ClassVar[frozenset[str]] = frozenset({"alpha"})
    meanings: ClassVar = MappingProxyType(
        {
            "r": "purchase rates look the same for every client",
            "alpha": "purchase rates look the same for every client",
            "a": "the data show no sign of clients dropping out",
            "b": "dropout probabilities look the same for every client",
        }
    )
    title: ClassVar[str] = "BG/NBD"

    def _objective(self, rows: UniqueRows, scale: float) -> Objective:
        return _Likelihood(rows, scale)

    def _log_p_alive(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
        p = self.params_
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        repeat = x > 0
        # P(alive) = 1 / (1 + a/(b+x-1) ((α+T)/(α+t_x))^(r+x)) for x > 0, else 1.
        odds = (
            np.log(a)
            - np.log(np.where(repeat, b + x - 1.0, 1.0))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
        return np.where(repeat, -np.logaddexp(0.0, odds), 0.0)

    def _expected_if_alive(self, t: FloatArray, x: FloatArray, T: FloatArray) -> FloatArray:
        # An active client with rate λ and dropout p buys (1 - exp(-λ p t)) / p times in
        # t; given the history, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x), so
        # E = E_p[(1 - ((α+T)/(α+T+p t))^(r+x)) / p], integrated by Gauss-Jacobi for each
        # distinct x. This has no division by a - 1 and no hypergeometric function, so it
        # holds for every a > 0 (CDNOW's a is below 1).
        p = self.params_
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        (ux, uT, ut), _, inverse = factorize(x, T, t)
        reach = ut / (alpha + uT)
        out = np.empty(ux.size)
        for value in np.unique(ux):  # one rule per distinct frequency, not per client
            rows = ux == value
            # The integrand's only singularity is at p = -(α+T)/t.
            size = gauss_nodes_needed(-1.0 / max(float(reach[rows].max()), 1e-300))
            nodes, weights = beta_expectation_nodes(a, b + value, size)
            ratio = reach[rows][:, None] * nodes[None, :]
            gain = -np.expm1(-(r + value) * np.log1p(ratio)) / nodes[None, :]
            out[rows] = gain @ weights
        return out[inverse]

    def probability_of_purchases(self, n: ArrayInput, t: ArrayInput) -> FloatArray:
        """Return P(X(t) = n) for a new client (Fader, Hardie and Lee, 2005, eq. 8).

        Parameters
        ----------
        n
            Numbers of repeat purchases (whole, non-negative).
        t
            Horizons in the time unit of the data.
        """
        self._check_fitted()
        count = np.asarray(n, dtype=np.float64)
        if (count < 0).any() or (count != np.round(count)).any():
            raise ClvInputError("n must be whole numbers of purchases, 0 or more", column="n")
        count, horizon = np.broadcast_arrays(count, check_horizon(t))
        p = self.params_
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        positive = count > 0
        n1 = np.where(positive, count, 1.0)
        lbab = betaln(a, b)
        with np.errstate(divide="ignore"):
            log_stay = r * np.log(alpha / (alpha + horizon)) + count * np.log(
                horizon / (alpha + horizon)
            )
        log_stay = np.where((count == 0) & (horizon == 0), 0.0, log_stay)
        log_nbd = gammaln(r + count) - gammaln(r) - gammaln(count + 1.0) + log_stay
        still = np.exp(betaln(a, b + count) - lbab + log_nbd)
        # Dropped after the n-th purchase: needs at least n arrivals, P = I_{t/(α+t)}(n, r).
        dropped = np.exp(betaln(a + 1.0, b + n1 - 1.0) - lbab) * betainc(
            n1, r, horizon / (alpha + horizon)
        )
        return np.asarray(still + np.where(positive, dropped, 0.0))
