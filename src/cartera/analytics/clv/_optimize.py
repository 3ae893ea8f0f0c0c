"""Maximum likelihood on log-parameters: L-BFGS-B with analytic gradients, a Newton polish.

Every model here has positive parameters. Optimising their logarithms removes the
positivity constraints, puts parameters of very different sizes on one scale, and makes
the Hessian at the optimum the observed information of the log-parameters, from which
standard errors and sampling draws follow by the delta method.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from cartera.analytics.clv.errors import ConvergenceError

FloatArray = npt.NDArray[np.float64]
Objective = Callable[[FloatArray], tuple[float, FloatArray]]
"""Return the mean log-likelihood per client and its gradient in the log-parameters."""

LOG_BOUND = 18.0
"""Log-parameters are kept within ±18 (about 1.5e-8 to 6.6e7 once time is rescaled)."""

_GRADIENT_TOLERANCE = 1e-7
_HESSIAN_STEP = 1e-6


@dataclass(frozen=True, slots=True)
class LogFit:
    """The optimum of a log-likelihood in log-parameters."""

    log_params: FloatArray
    mean_log_likelihood: float
    log_covariance: FloatArray
    """Covariance of the log-parameters: the inverse observed information."""
    iterations: int


def _hessian(objective: Objective, point: FloatArray, gradient: FloatArray) -> FloatArray:
    """Return the Hessian of the mean log-likelihood by differences of its analytic gradient.

    Forward differences cost one gradient per parameter; with a step of 1e-6 in
    log-parameters their error (about 1e-6 relative) is far below what standard errors
    are read to.
    """
    size = point.size
    hessian = np.empty((size, size))
    for k in range(size):
        step = np.zeros(size)
        step[k] = _HESSIAN_STEP
        hessian[:, k] = (objective(point + step)[1] - gradient) / _HESSIAN_STEP
    return (hessian + hessian.T) / 2


_DRIFT = 9.0
"""A log-parameter beyond ±9 (about 1.2e-4 to 8100 in rescaled time) when the optimiser
stalls is taken as running away rather than converging slowly."""


def _refuse_limits(
    point: FloatArray,
    names: Sequence[str],
    meanings: Mapping[str, str],
    model: str,
    *,
    drifting: bool,
) -> None:
    """Raise ConvergenceError naming the parameters that run to a limit, if any do."""
    reach = _DRIFT if drifting else LOG_BOUND - 0.5
    running = [n for n, v in zip(names, point, strict=True) if abs(v) > reach]
    if not running:
        return
    what = "; ".join(f"{n}: {meanings[n]}" for n in running)
    subject = (
        f"{running[0]} goes to a limit"
        if len(running) == 1
        else (f"{', '.join(running)} go to their limits")
    )
    raise ConvergenceError(
        f"{model}: the likelihood keeps rising as {subject}, so the data do not determine "
        f"the model ({what}). Check that frequency, recency and T share one time unit, use "
        "a longer calibration period or more clients, or try the other model."
    )


def maximize(
    objective: Objective,
    start: Sequence[float],
    *,
    clients: float,
    names: Sequence[str],
    meanings: Mapping[str, str],
    model: str,
) -> LogFit:
    """Return the maximum of ``objective`` over log-parameters, or raise ConvergenceError.

    Parameters
    ----------
    objective
        Mean log-likelihood per client and its gradient, both in log-parameters.
    start
        Starting log-parameters.
    clients
        Number of clients (the total weight), to turn the mean into the total.
    names
        Parameter names, in the order of the vector.
    meanings
        For each parameter, what it running to a limit says about the data.
    model
        Model name for the messages.
    """
    # Three or four parameters: BLAS threads only add synchronisation, which on a busy
    # machine costs more than the whole L-BFGS-B step.
    with threadpool_limits(limits=1, user_api="blas"):
        return _maximize(
            objective, start, clients=clients, names=names, meanings=meanings, model=model
        )


def _maximize(
    objective: Objective,
    start: Sequence[float],
    *,
    clients: float,
    names: Sequence[str],
    meanings: Mapping[str, str],
    model: str,
) -> LogFit:
    def negative(point: FloatArray) -> tuple[float, FloatArray]:
        value, gradient = objective(point)
        return -value, -gradient

    result = minimize(
        negative,
        np.asarray(start, dtype=np.float64),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * len(start),
        options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-6, "maxcor": 20},
    )
    point = np.asarray(result.x, dtype=np.float64)
    _refuse_limits(point, names, meanings, model, drifting=not result.success)
    value, gradient = objective(point)
    hessian = _hessian(objective, point, gradient)
    # A few Newton steps on the analytic gradient take L-BFGS-B's answer to the optimum's
    # last digits, so that the standard errors come from the right place.
    for _ in range(4):
        if np.max(np.abs(gradient)) < 1e-12:
            break
        try:
            step = np.linalg.solve(hessian, -gradient)
        except np.linalg.LinAlgError:
            break
        candidate = point + step
        if not np.all(np.abs(candidate) < LOG_BOUND):
            break
        new_value, new_gradient = objective(candidate)
        if not np.isfinite(new_value) or new_value < value - 1e-12 * abs(value):
            break
        point, value, gradient = candidate, new_value, new_gradient
    if not np.isfinite(value) or np.max(np.abs(gradient)) > _GRADIENT_TOLERANCE:
        _refuse_limits(point, names, meanings, model, drifting=True)
        raise ConvergenceError(
            f"{model}: the fit stopped before reaching an optimum "
            f"({result.message}; largest gradient {np.max(np.abs(gradient)):.2g}). "
            "This usually means too few clients with repeat purchases; summarise a longer "
            "period or more clients."
        )
    information = -hessian * clients
    try:
        chol = np.linalg.cholesky(information)
    except np.linalg.LinAlgError:
        raise ConvergenceError(
            f"{model}: the optimum is flat in some direction (the information matrix is not "
            "positive definite), so the parameters are not identified by these data. Use more "
            "clients or a longer calibration period."
        ) from None
    inverse_chol = np.linalg.inv(chol)
    covariance = inverse_chol.T @ inverse_chol
    return LogFit(
        log_params=point,
        mean_log_likelihood=float(value),
        log_covariance=covariance,
        iterations=int(result.nit),
    )
