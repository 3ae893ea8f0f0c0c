"""Gamma-Gamma spend model: published CDNOW estimates, posterior mean, recovery (S1.7)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from scipy import integrate, stats

from cartera.analytics.clv import (
    ClvInputError,
    ConvergenceError,
    GammaGamma,
    sample_gammagamma,
    summarize,
)
from cartera.analytics.clv.gammagamma import _Likelihood


def test_cdnow_fit_reproduces_the_published_estimates(cdnow_sales: pl.DataFrame) -> None:
    # Fader, Hardie & Lee (2005, "RFM and CLV"): p 6.25, q 3.74, γ 15.44 on the 946
    # clients with repeat purchases. The estimates come from the exact means; the
    # published CSV's zbar, rounded to the cent, gives γ = 15.4477.
    summary = summarize(cdnow_sales, calibration_end=dt.date(1997, 9, 30))
    model = GammaGamma().fit(summary["frequency"], summary["monetary"])
    assert {k: round(v, 2) for k, v in model.params_.items()} == {
        "p": 6.25,
        "q": 3.74,
        "gamma": 15.44,
    }
    assert model.clients_ == 946


def test_analytic_gradient_matches_finite_differences() -> None:
    objective = _Likelihood(
        np.array([1.0, 2.0, 5.0, 1.0]), np.array([0.5, 2.0, 1.3, 0.9]), np.ones(4)
    )
    point = np.log([3.0, 2.5, 0.8])
    _, gradient = objective(point)
    step = 1e-6
    numeric = [
        (objective(point + step * e)[0] - objective(point - step * e)[0]) / (2 * step)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6)


@pytest.mark.parametrize(("x", "mean"), [(1, 12.0), (4, 35.5), (20, 9.0)])
def test_expected_spend_is_the_posterior_mean(x: int, mean: float) -> None:
    # E[p/ν | x purchases averaging `mean`], integrating the Gamma(q, γ) prior of ν
    # against the Gamma(p x, x ν) density of the mean.
    p, q, gamma = 6.25, 3.74, 15.44
    model = GammaGamma.from_params({"p": p, "q": q, "gamma": gamma})

    def weight(nu: float) -> float:
        prior = stats.gamma.pdf(nu, q, scale=1 / gamma)
        return prior * stats.gamma.pdf(mean, p * x, scale=1 / (x * nu))

    evidence = integrate.quad(weight, 0, np.inf, epsrel=1e-11, limit=200)[0]
    spend = integrate.quad(lambda nu: p / nu * weight(nu), 0, np.inf, epsrel=1e-11, limit=200)[0]
    assert model.expected_spend(x, mean) == pytest.approx(spend / evidence, rel=1e-7)
    # A client without repeat purchases gets the population mean p γ / (q - 1).
    assert model.expected_spend(0, 0.0) == pytest.approx(6.25 * 15.44 / 2.74)


def test_recovers_known_parameters_within_two_standard_errors() -> None:
    truth = {"p": 4.0, "q": 3.0, "gamma": 20.0}
    frequency = np.random.default_rng(7).geometric(0.35, 200_000) - 1
    data = sample_gammagamma(frequency, **truth, seed=8)
    model = GammaGamma().fit(data["frequency"], data["monetary"])
    assert model.clients_ == np.count_nonzero(frequency)
    for name, value in truth.items():
        assert abs(model.params_[name] - value) < 2 * model.standard_errors_[name], name


def test_non_positive_spend_of_a_repeat_client_is_located() -> None:
    with pytest.raises(ClvInputError, match=r"monetary\[2\] = -3 must be positive"):
        GammaGamma().fit([1, 0, 2, 3], [10.0, 0.0, -3.0, 5.0])


def test_too_few_repeat_clients_is_a_clear_error() -> None:
    with pytest.raises(ConvergenceError, match="fewer than two clients"):
        GammaGamma().fit([0, 0, 2], [0.0, 0.0, 5.0])


def test_infinite_population_mean_is_refused() -> None:
    model = GammaGamma.from_params({"p": 2.0, "q": 0.8, "gamma": 10.0})
    assert model.expected_spend(3, 12.0) == pytest.approx(2.0 * (10 + 36) / (6 + 0.8 - 1))
    with pytest.raises(ConvergenceError, match=r"q = 0\.8 <= 1"):
        model.expected_spend(0, 0.0)
