"""What BG/NBD and Pareto/NBD share: fitting on compressed rows, parameters, errors.

Each model supplies its log-likelihood with analytic gradient on unique (x, t_x, T)
rows, the probability that a client is alive, and the purchases an alive client is
expected to make; everything else (validation, compression, rescaling of time,
optimisation, standard errors, the predictions' shapes) is here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar, Self

import numpy as np

from cartera.analytics.clv._inputs import (
    ArrayInput,
    FloatArray,
    UniqueRows,
    as_float_array,
    check_rfm,
    compress,
)
from cartera.analytics.clv._optimize import maximize
from cartera.analytics.clv.errors import ClvInputError, ConvergenceError, NotFittedError

Objective = Callable[[FloatArray], tuple[float, FloatArray]]


def check_horizon(t: ArrayInput, name: str = "t") -> FloatArray:
    """Return prediction horizons as an array, refusing negative ones."""
    horizon = as_float_array(t, name)
    if (horizon < 0).any():
        row = int(np.flatnonzero(horizon.ravel() < 0)[0])
        raise ClvInputError(f"{name}[{row}] is negative: horizons start at 0", column=name, row=row)
    return horizon


def check_weights(weights: ArrayInput | None, size: int) -> FloatArray:
    """Return per-client weights (ones by default), refusing negative or misshapen ones."""
    if weights is None:
        return np.ones(size)
    array = np.ravel(as_float_array(weights, "weights"))
    if array.size != size:
        raise ClvInputError(f"weights has {array.size} values for {size} clients", column="weights")
    if (array < 0).any():
        row = int(np.flatnonzero(array < 0)[0])
        raise ClvInputError(f"weights[{row}] is negative", column="weights", row=row)
    return array


class PurchaseModel:
    """Base of the transaction models: scikit-learn-style ``fit`` and learned attributes.

    Attributes
    ----------
    params_ : dict[str, float]
        Maximum-likelihood estimates, in the time unit of the data.
    log_likelihood_ : float
        Total log-likelihood at the optimum.
    standard_errors_ : dict[str, float]
        Standard errors from the observed information (the Hessian at the optimum).
    covariance_ : numpy.ndarray
        Covariance matrix of the estimates, in the order of ``params_``.
    clients_ : float
        Number of clients (sum of the weights) the model was fitted on.
    """

    names: ClassVar[tuple[str, ...]]
    time_params: ClassVar[frozenset[str]]
    """Parameters measured in units of time, rescaled with the data."""
    meanings: ClassVar[Mapping[str, str]]
    """What a parameter running to a limit says about the data."""
    title: ClassVar[str]

    params_: dict[str, float]
    log_likelihood_: float
    standard_errors_: dict[str, float]
    covariance_: FloatArray
    clients_: float
    _log_covariance: FloatArray | None

    def __init__(self) -> None:
        # Nothing to set: the models have no tuning knobs, only data to learn from.
        pass

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"{type(self).__name__}()"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown})"

    # -- what each model provides -------------------------------------------------------

    def _objective(self, rows: UniqueRows, scale: float) -> Objective:
        raise NotImplementedError

    def _log_p_alive(self, x: FloatArray, t_x: FloatArray, T: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _expected_if_alive(self, t: FloatArray, x: FloatArray, T: FloatArray) -> FloatArray:
        raise NotImplementedError

    # -- fitting ------------------------------------------------------------------------

    def fit(
        self,
        frequency: ArrayInput,
        recency: ArrayInput,
        T: ArrayInput,
        *,
        weights: ArrayInput | None = None,
    ) -> Self:
        """Fit the model by maximum likelihood and return it.

        Parameters
        ----------
        frequency
            Repeat purchases of each client in the calibration period.
        recency
            Time from the first to the last purchase (0 without repeat purchases).
        T
            Time from the first purchase to the end of the calibration period, in the
            same unit as ``recency``.
        weights
            How many clients each row stands for (default: one each), for summaries
            that are already compressed.

        Raises
        ------
        ClvInputError
            If the summary is inconsistent; the message names the row.
        ConvergenceError
            If the data do not determine the parameters; the message says why.
        """
        x, t_x, age = check_rfm(frequency, recency, T)
        weight = check_weights(weights, x.size)
        if not ((x > 0) & (weight > 0)).any():
            raise ConvergenceError(
                f"{self.title}: no repeat purchases in the data (every client has frequency "
                "0), so neither purchase rates nor dropout can be estimated. Use a longer "
                "calibration period, or check that the sales were summarised per client."
            )
        rows = compress(x, t_x, age, weight)
        # Rescale time so that the longest T is 1: rates and shifts then start near 1 and
        # the optimiser sees parameters of one order of magnitude whatever the unit.
        scale = float(rows.T.max())
        fit = maximize(
            self._objective(rows, scale),
            np.zeros(len(self.names)),
            clients=rows.clients,
            names=self.names,
            meanings=self.meanings,
            model=self.title,
        )
        shift = np.array([np.log(scale) if n in self.time_params else 0.0 for n in self.names])
        self._set(fit.log_params + shift, fit.log_covariance)
        # The likelihood is a density in the purchase times: x purchases measured in
        # units `scale` times larger shrink it by scale**x.
        repeat = float(np.dot(rows.weight, rows.x))
        self.log_likelihood_ = fit.mean_log_likelihood * rows.clients - repeat * np.log(scale)
        self.clients_ = rows.clients
        return self

    def _set(self, log_params: FloatArray, log_covariance: FloatArray | None) -> None:
        values = np.exp(log_params)
        if not np.all(np.isfinite(values)):  # cannot happen within the optimiser's bounds
            raise ConvergenceError(f"{self.title}: non-finite parameters {values}")
        self.params_ = {n: float(v) for n, v in zip(self.names, values, strict=True)}
        self._log_covariance = log_covariance
        if log_covariance is None:
            return
        # Delta method: d exp(u) = exp(u) du.
        self.covariance_ = log_covariance * np.outer(values, values)
        errors = np.sqrt(np.diag(self.covariance_))
        self.standard_errors_ = {n: float(e) for n, e in zip(self.names, errors, strict=True)}

    @classmethod
    def from_params(cls, params: Mapping[str, float]) -> Self:
        """Return a model with the given parameters, e.g. published ones, without fitting.

        Such a model predicts but has no standard errors, so it cannot give a portfolio
        value's interval.
        """
        missing = [n for n in cls.names if n not in params]
        if missing:
            raise ClvInputError(f"{cls.title}: missing parameter(s) {', '.join(missing)}")
        values = np.array([float(params[n]) for n in cls.names])
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ClvInputError(f"{cls.title}: parameters must be positive numbers: {params}")
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
        """Logarithms of the parameters, in the order of ``names``."""
        self._check_fitted()
        return np.log(np.array([self.params_[n] for n in self.names]))

    @property
    def log_covariance_(self) -> FloatArray:
        """Covariance of the log-parameters, the basis of sampling draws."""
        self._check_fitted()
        if self._log_covariance is None:
            raise NotFittedError(
                f"{self.title}: the parameters were given, not estimated, so they have no "
                "sampling uncertainty; fit the model on data to get one."
            )
        return self._log_covariance

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet: call fit(frequency, recency, T) "
                "or build it with from_params(...) first."
            )

    # -- predictions --------------------------------------------------------------------

    def p_alive(self, frequency: ArrayInput, recency: ArrayInput, T: ArrayInput) -> FloatArray:
        """Return the probability that each client is still active at the end of T."""
        self._check_fitted()
        shape = np.broadcast_shapes(np.shape(frequency), np.shape(recency), np.shape(T))
        x, t_x, age = check_rfm(frequency, recency, T)
        return np.exp(self._log_p_alive(x, t_x, age)).reshape(shape)

    def expected_purchases(self, t: ArrayInput) -> FloatArray:
        """Return E[X(t)], the repeat purchases a new client makes within ``t``."""
        self._check_fitted()
        horizon = check_horizon(t)
        flat = horizon.ravel()
        zeros = np.zeros_like(flat)
        return self._expected_if_alive(flat, zeros, zeros).reshape(horizon.shape)

    def conditional_expected_purchases(
        self, t: ArrayInput, frequency: ArrayInput, recency: ArrayInput, T: ArrayInput
    ) -> FloatArray:
        """Return the purchases each client is expected to make in the next ``t``."""
        self._check_fitted()
        shape = np.broadcast_shapes(
            np.shape(t), np.shape(frequency), np.shape(recency), np.shape(T)
        )
        horizon = np.broadcast_to(check_horizon(t), shape).ravel()
        x, t_x, age = check_rfm(
            np.broadcast_to(frequency, shape),
            np.broadcast_to(recency, shape),
            np.broadcast_to(T, shape),
        )
        alive = np.exp(self._log_p_alive(x, t_x, age))
        return (alive * self._expected_if_alive(horizon, x, age)).reshape(shape)
