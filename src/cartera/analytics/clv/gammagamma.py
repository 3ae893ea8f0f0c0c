r"""The Gamma-Gamma model of spend per purchase.

The value of each of a client's purchases is Gamma(p, ν) with the client's own scale
ν ~ Gamma(q, γ) across clients, so the mean :math:`m_x` of a client's x repeat
purchases has density

.. math::

    f(m_x) = \frac{\Gamma(px+q)}{\Gamma(px)\Gamma(q)}
             \frac{\gamma^q \, x^{px} m_x^{px-1}}{(\gamma + x m_x)^{px+q}},

and the spend expected of a client is the posterior mean
:math:`p(\gamma + x m_x) / (px + q - 1)`, a weighted average of the population mean
:math:`p\gamma/(q-1)` and the client's own mean. The model assumes that spend and
purchase frequency are independent.

References
----------
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: Using Iso-Value
Curves for Customer Base Analysis. Journal of Marketing Research 42(4), 415-430.

Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma Model of Monetary Value.
http://brucehardie.com/notes/025/
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Self

import numpy as np
from scipy.special import digamma, gammaln

from cartera.analytics.clv._inputs import ArrayInput, FloatArray, as_float_array
from cartera.analytics.clv._optimize import maximize
from cartera.analytics.clv._purchases import check_weights
from cartera.analytics.clv.errors import ClvInputError, ConvergenceError, NotFittedError

_NAMES = ("p", "q", "gamma")
_MEANINGS = MappingProxyType(
    {
        "p": "the spread of a client's purchase values cannot be told apart from zero",
        "q": "mean spend looks the same for every client",
        "gamma": "mean spend looks the same for every client",
    }
)


class _Likelihood:
    def __init__(self, x: FloatArray, m: FloatArray, weight: FloatArray) -> None:
        self.x, self.m = x, m
        self.share = weight / weight.sum()
        self.log_x, self.log_m = np.log(x), np.log(m)

    def __call__(self, log_params: FloatArray) -> tuple[float, FloatArray]:
        p, q, gamma = np.exp(log_params)
        x, m, share = self.x, self.m, self.share
        px = p * x
        log_total = np.log(gamma + x * m)
        ll = (
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(gamma)
            + px * self.log_x
            + (px - 1.0) * self.log_m
            - (px + q) * log_total
        )
        psi = digamma(px + q)
        g_p = share @ (x * (psi - digamma(px) + self.log_x + self.log_m - log_total))
        g_q = share @ (psi - digamma(q) + np.log(gamma) - log_total)
        g_gamma = share @ (q / gamma - (px + q) / (gamma + x * m))
        return float(share @ ll), np.array([g_p * p, g_q * q, g_gamma * gamma])


class GammaGamma:
    """Gamma-Gamma model of the value of purchases (Fader, Hardie and Lee, 2005).

    Attributes
    ----------
    params_ : dict[str, float]
        ``p`` (shape of each purchase's value), ``q`` and ``gamma`` (Gamma heterogeneity
        of clients' scales; gamma in money units).
    log_likelihood_ : float
        Total log-likelihood at the optimum.
    standard_errors_ : dict[str, float]
        Standard errors from the observed information.
    covariance_ : numpy.ndarray
        Covariance matrix of the estimates.
    clients_ : float
        Number of clients with repeat purchases the model was fitted on.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: Using Iso-Value
    Curves for Customer Base Analysis. Journal of Marketing Research 42(4), 415-430.
    """

    names = _NAMES
    title = "Gamma-Gamma"

    params_: dict[str, float]
    log_likelihood_: float
    standard_errors_: dict[str, float]
    covariance_: FloatArray
    clients_: float
    _log_covariance: FloatArray | None

    def __init__(self) -> None:
        # No settings: the model learns everything from the data.
        pass

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return "GammaGamma()"
        return "GammaGamma(" + ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items()) + ")"

    def fit(
        self, frequency: ArrayInput, monetary: ArrayInput, *, weights: ArrayInput | None = None
    ) -> Self:
        """Fit the model on clients' repeat purchases and return it.

        Parameters
        ----------
        frequency
            Repeat purchases of each client. Clients with none are left out, as their
            ``monetary`` is 0 by convention and says nothing about spend.
        monetary
            Mean value of each client's repeat purchases, in money units.
        weights
            How many clients each row stands for (default: one each).

        Raises
        ------
        ClvInputError
            If a client with repeat purchases has a non-positive mean value.
        ConvergenceError
            If fewer than two clients have repeat purchases or the optimum is not finite.
        """
        x, m = np.broadcast_arrays(
            as_float_array(frequency, "frequency"), as_float_array(monetary, "monetary")
        )
        x, m = np.ravel(x), np.ravel(m)
        weight = check_weights(weights, x.size)
        if (x < 0).any() or (x != np.round(x)).any():
            row = int(np.flatnonzero((x < 0) | (x != np.round(x)))[0])
            raise ClvInputError(
                f"frequency[{row}] = {x[row]:g} must be a whole number, 0 or more",
                column="frequency",
                row=row,
            )
        keep = (x > 0) & (weight > 0)
        bad = keep & (m <= 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ClvInputError(
                f"monetary[{row}] = {m[row]:g} must be positive for a client with repeat "
                "purchases (returns or credit notes netted to zero cannot be modelled)",
                column="monetary",
                row=row,
            )
        if np.count_nonzero(keep) < 2:
            raise ConvergenceError(
                "Gamma-Gamma: fewer than two clients with repeat purchases, so the spread of "
                "spend between clients cannot be estimated. Use a longer period."
            )
        x, m, weight = x[keep], m[keep], weight[keep]
        # Money in units of the average purchase, so the optimiser starts near 1.
        scale = float(np.average(m, weights=weight))
        fit = maximize(
            _Likelihood(x, m / scale, weight),
            np.zeros(3),
            clients=float(weight.sum()),
            names=_NAMES,
            meanings=_MEANINGS,
            model=self.title,
        )
        self._set(fit.log_params + np.array([0.0, 0.0, np.log(scale)]), fit.log_covariance)
        # The density is in money: each client's mean measured in units `scale` times
        # larger has a density `scale` times smaller.
        self.log_likelihood_ = float(
            fit.mean_log_likelihood * weight.sum() - weight.sum() * np.log(scale)
        )
        self.clients_ = float(weight.sum())
        return self

    def _set(self, log_params: FloatArray, log_covariance: FloatArray | None) -> None:
        values = np.exp(log_params)
        if not np.all(np.isfinite(values)):
            raise ConvergenceError(f"{self.title}: non-finite parameters {values}")
        self.params_ = {n: float(v) for n, v in zip(_NAMES, values, strict=True)}
        self._log_covariance = log_covariance
        if log_covariance is not None:
            self.covariance_ = log_covariance * np.outer(values, values)
            errors = np.sqrt(np.diag(self.covariance_))
            self.standard_errors_ = {n: float(e) for n, e in zip(_NAMES, errors, strict=True)}

    @classmethod
    def from_params(cls, params: dict[str, float]) -> Self:
        """Return a model with the given (e.g. published) parameters, without fitting."""
        values = np.array([float(params[n]) for n in _NAMES])
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ClvInputError(f"Gamma-Gamma: parameters must be positive numbers: {params}")
        model = cls()
        model._set(np.log(values), None)
        # Keep the given figures exactly rather than exp(log(value)).
        model.params_ = dict(zip(model.names, values.tolist(), strict=True))
        return model

    def with_log_params(self, log_params: FloatArray) -> Self:
        """Return a copy that predicts with other (log-)parameters, for sampling draws."""
        model = type(self)()
        model._set(np.asarray(log_params, dtype=np.float64), None)
        return model

    @property
    def log_params_(self) -> FloatArray:
        """Logarithms of the parameters, in the order p, q, gamma."""
        self._check_fitted()
        return np.log(np.array([self.params_[n] for n in _NAMES]))

    @property
    def log_covariance_(self) -> FloatArray:
        """Covariance of the log-parameters, the basis of sampling draws."""
        self._check_fitted()
        if self._log_covariance is None:
            raise NotFittedError(
                "Gamma-Gamma: the parameters were given, not estimated, so they have no "
                "sampling uncertainty; fit the model on data to get one."
            )
        return self._log_covariance

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                "GammaGamma is not fitted yet: call fit(frequency, monetary) or build it "
                "with from_params(...) first."
            )

    def population_spend(self) -> float:
        """Return the mean spend per purchase of a client with no history, p γ / (q - 1)."""
        self._check_fitted()
        p, q, gamma = (self.params_[n] for n in _NAMES)
        if q <= 1.0:
            raise ConvergenceError(
                f"Gamma-Gamma: q = {q:.3g} <= 1, so the mean spend of a client without "
                "repeat purchases is infinite under this fit (a few clients spend very "
                "large amounts). Remove outliers or score only clients with repeat purchases."
            )
        return p * gamma / (q - 1.0)

    def expected_spend(self, frequency: ArrayInput, monetary: ArrayInput) -> FloatArray:
        """Return each client's expected value per purchase, in money units.

        Clients without repeat purchases get the population mean p γ / (q - 1).
        """
        self._check_fitted()
        shape = np.broadcast_shapes(np.shape(frequency), np.shape(monetary))
        x, m = np.broadcast_arrays(
            as_float_array(frequency, "frequency"), as_float_array(monetary, "monetary")
        )
        x, m = np.ravel(x), np.ravel(m)
        p, q, gamma = (self.params_[n] for n in _NAMES)
        repeat = x > 0
        if (repeat & (m <= 0)).any():
            row = int(np.flatnonzero(repeat & (m <= 0))[0])
            raise ClvInputError(
                f"monetary[{row}] = {m[row]:g} must be positive for a client with repeat purchases",
                column="monetary",
                row=row,
            )
        if p + q <= 1.0 and repeat.any():
            raise ConvergenceError(
                f"Gamma-Gamma: p + q = {p + q:.3g} <= 1, so expected spend is infinite "
                "under this fit. Remove outliers and refit."
            )
        own = p * (gamma + x * m) / np.where(repeat, p * x + q - 1.0, 1.0)
        if repeat.all():
            return own.reshape(shape)
        return np.where(repeat, own, self.population_spend()).reshape(shape)
