r"""The Pareto/NBD tail integral, i.e. its Gaussian hypergeometric term, in log space.

The Pareto/NBD likelihood needs, for ``t`` in {t_x, T},

.. math::

    I(t) = \int_t^\infty (\alpha+\tau)^{-m} (\beta+\tau)^{-n} \, d\tau,
    \qquad m = r + x, \; n = s + 1,

which Fader and Hardie write with :math:`{}_2F_1`: with :math:`M = r + s + x`,

* for α ≥ β: :math:`I = (\alpha+t)^{-M}\, {}_2F_1(M, s+1; M+1; \tfrac{\alpha-\beta}{\alpha+t}) / M`,
* for α < β: :math:`I = (\beta+t)^{-M}\, {}_2F_1(M, r+x; M+1; \tfrac{\beta-\alpha}{\beta+t}) / M`.

Summing the series (or calling ``scipy.special.hyp2f1``) overflows or converges slowly
when the argument nears 1 (α and β far apart) or the first parameters are large
(frequent buyers): that is where code calling ``hyp2f1`` directly returns NaN or
infinity. Here the integral is evaluated
directly: substituting :math:`u = ((\gamma+t)/(\gamma+\tau))^{M}` with
:math:`\gamma = \max(\alpha, \beta)` turns it into Euler's integral of the matching
regime's :math:`{}_2F_1`, :math:`\int_0^1 (1 - z u^{1/M})^{-b} du`, whose integrand is
bounded and increasing and has at worst an algebraic singularity at 0, which a
tanh-sinh rule integrates to near machine precision. Everything is summed in log space
(log-sum-exp over the nodes), so nothing overflows whatever the regime.

The derivatives with respect to the four parameters are integrals of the derivatives of
the integrand, taken with the same nodes: the gradient is analytic, not differenced.

References
----------
Fader, P. S. and Hardie, B. G. S. (2005). A Note on Deriving the Pareto/NBD Model and
Related Expressions. http://brucehardie.com/notes/009/
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_CHUNK = 1 << 15
"""Nodes times rows evaluated at once, to bound the temporary arrays (a few MiB each)."""


@dataclass(frozen=True, slots=True)
class TailIntegral:
    """``log I(t)`` and its derivatives with respect to m, α, n and β."""

    log_value: FloatArray
    d_m: FloatArray
    d_alpha: FloatArray
    d_n: FloatArray
    d_beta: FloatArray


_STEP = 1.0 / 8.0
_KNEE_STEP = 0.5
"""Largest step in w near a knee: its singularities sit π off the real axis."""
_DROP = 45.0
"""Nodes cover the integrand down to exp(-45) of its peak on both sides."""
_W_MAX = 700.0
"""exp(w) stays finite; beyond, the integrand is below exp(-700 M) of its peak."""


def _chunk(
    t: FloatArray, m: FloatArray, n: float, alpha: float, beta: float, gradient: bool
) -> tuple[FloatArray, ...]:
    # In w = log(τ - t) the integrand is log-concave, rising with slope 1 on the left
    # and falling with slope -M on the right, with knees at w ≈ log(α+t) and log(β+t).
    # Nodes w = w* + σ sinh(v) are centred on its mode w* and scaled by its curvature
    # σ: the peak is resolved however sharp (many purchases make it narrow), the tails
    # are reached in few steps, and the trapezoid rule in v converges geometrically in
    # every regime of the hypergeometric term (α ≥ β, α < β, far apart or equal).
    a_t = alpha + t
    b_t = beta + t
    big_m = m + n - 1.0
    # The mode solves M y² + (m B + n A - A - B) y - A B = 0 for y = exp(w).
    linear = m * b_t + n * a_t - a_t - b_t
    y = 2.0 * a_t * b_t / (linear + np.sqrt(linear * linear + 4.0 * big_m * a_t * b_t))
    curvature = m * a_t * y / (a_t + y) ** 2 + n * b_t * y / (b_t + y) ** 2
    sigma = 1.0 / np.sqrt(curvature)
    centre = np.log(y)
    low = np.minimum(centre, np.log(np.minimum(a_t, b_t) / (m + n))) - _DROP
    high = np.maximum(centre, np.log(np.maximum(a_t, b_t) * (m + n) / big_m)) + _DROP / big_m
    v_low = np.arcsinh((low - centre) / sigma).min()
    v_high = np.arcsinh((high - centre) / sigma).max()
    # The knees (singularities π off the real axis) need steps of at most about 0.5 in
    # w; far from the centre, sinh stretches the steps, so shorten them when α and β are
    # decades apart.
    knee = np.maximum(np.abs(np.log(a_t) - centre), np.abs(np.log(b_t) - centre))
    step = min(_STEP, float((_KNEE_STEP / np.hypot(sigma, knee)).min()))
    first = np.floor(v_low / step)
    v = np.arange(first, np.ceil(v_high / step) + 1.0) * step
    w = np.minimum(centre[:, None] + sigma[:, None] * np.sinh(v)[None, :], _W_MAX)
    grow = np.exp(w)
    q_a = a_t[:, None] + grow
    q_b = b_t[:, None] + grow
    log_a = np.log(q_a)
    log_b = np.log(q_b)
    log_f = w + np.log(np.cosh(v))[None, :] - m[:, None] * log_a - n * log_b
    # The mode sits at v = 0 (the Jacobian cosh v moves it by a few units at most), so
    # that column can stand for the maximum in the log-sum-exp.
    peak = log_f[:, int(-first)].copy()
    share = np.exp(log_f - peak[:, None])
    total = share.sum(axis=1)
    log_value = peak + np.log(total) + np.log(step * sigma)
    if not gradient:
        return (log_value,)
    d_m = -np.einsum("ij,ij->i", share, log_a) / total
    d_n = -np.einsum("ij,ij->i", share, log_b) / total
    d_alpha = -m * (share / q_a).sum(axis=1) / total
    d_beta = -n * (share / q_b).sum(axis=1) / total
    return log_value, d_m, d_alpha, d_n, d_beta


def log_tail_integral(
    t: FloatArray,
    m: FloatArray,
    n: float,
    alpha: float,
    beta: float,
    *,
    gradient: bool = True,
) -> TailIntegral:
    r"""Return the log of the tail integral I(t) and its gradient.

    .. math:: I(t) = \int_t^\infty (\alpha+\tau)^{-m} (\beta+\tau)^{-n} \, d\tau

    Parameters
    ----------
    t
        Lower limits, ``t >= 0``.
    m
        Exponents of ``(α+τ)``, one per ``t``; ``m + n > 1``.
    n
        Exponent of ``(β+τ)``.
    alpha, beta
        Positive shifts.
    gradient
        Whether to compute the derivatives of the logarithm (otherwise they are zeros).
    """
    t = np.asarray(t, dtype=np.float64).ravel()
    m = np.broadcast_to(np.asarray(m, dtype=np.float64), t.shape).ravel()
    rows = max(1, _CHUNK // 160)
    parts = [
        _chunk(t[i : i + rows], m[i : i + rows], n, alpha, beta, gradient)
        for i in range(0, t.size, rows)
    ] or [tuple(np.empty(0) for _ in range(5 if gradient else 1))]
    columns = [np.concatenate(c) for c in zip(*parts, strict=True)]
    if not gradient:
        zeros = np.zeros_like(columns[0])
        columns += [zeros, zeros, zeros, zeros]
    return TailIntegral(*columns)
