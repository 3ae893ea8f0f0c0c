"""Fixed quadrature rules shared by the models: tanh-sinh on (0, 1) and Gauss-Jacobi.

References
----------
Takahasi, H. and Mori, M. (1974). Double exponential formulas for numerical integration.
Publications of the Research Institute for Mathematical Sciences 9(3), 721-741.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt
from scipy.special import roots_jacobi

FloatArray = npt.NDArray[np.float64]

_STEP = 1.0 / 8.0
_REACH = 3.75
"""Nodes beyond |k h| = 3.75 carry weights below 1e-40 of the largest one."""


@cache
def tanh_sinh() -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``(log u, log (1 - u), log w)`` of the tanh-sinh rule on (0, 1).

    The rule integrates functions that are analytic inside the interval to near machine
    precision even with algebraic or logarithmic singularities at either end, which is
    what the Pareto/NBD integrals have. Logarithms of the nodes are returned exactly
    (not as ``log(u)`` of a rounded ``u``) because the integrands are evaluated in log
    space and the nodes crowd against both ends.
    """
    k = np.arange(-_REACH, _REACH + _STEP / 2, _STEP)
    y = 0.5 * np.pi * np.sinh(k)
    # u = 1 / (1 + exp(-2y)) and 1 - u = 1 / (1 + exp(2y)), both without cancellation.
    log_u = -np.logaddexp(0.0, -2.0 * y)
    log_1mu = -np.logaddexp(0.0, 2.0 * y)
    log_cosh_y = np.abs(y) + np.log1p(np.exp(-2.0 * np.abs(y))) - np.log(2.0)
    log_w = np.log(_STEP * np.pi / 4.0) + np.log(np.cosh(k)) - 2.0 * log_cosh_y
    for array in (log_u, log_1mu, log_w):
        array.setflags(write=False)
    return log_u, log_1mu, log_w


def gauss_nodes_needed(pole: float) -> int:
    """Return how many Gauss nodes integrate a function analytic except at ``pole``.

    For a function on [0, 1] whose nearest singularity is the real point ``pole``
    outside it, the Gauss error falls like ρ**(-2n), where ρ is the sum of the semi-axes
    of the Bernstein ellipse through the singularity; this returns the n that makes it
    1e-16, within [8, 256].
    """
    x = abs(2.0 * pole - 1.0)
    rho = x + np.sqrt(max(x * x - 1.0, 0.0))
    if rho <= 1.0 + 1e-12:
        return 256
    return int(np.clip(np.ceil(18.5 / np.log(rho)) + 2, 8, 256))


@lru_cache(maxsize=512)
def beta_expectation_nodes(a: float, b: float, nodes: int) -> tuple[FloatArray, FloatArray]:
    """Return ``nodes`` points ``p`` and weights summing to 1 for expectations under Beta(a, b).

    Gauss-Jacobi absorbs the weight ``p**(a-1) (1-p)**(b-1)`` exactly, so a function
    analytic on [0, 1] is integrated to the precision :func:`gauss_nodes_needed` sets.
    """
    points, weights = roots_jacobi(nodes, b - 1.0, a - 1.0)
    p = (1.0 + points) / 2.0
    w = weights / weights.sum()
    p.setflags(write=False)
    w.setflags(write=False)
    return p, w
