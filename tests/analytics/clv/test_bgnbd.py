"""BG/NBD: published CDNOW estimates, independent checks of predictions, recovery (S0.4, S1.7)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from cartera.analytics.clv import (
    BetaGeo,
    ClvInputError,
    ConvergenceError,
    NotFittedError,
    sample_bgnbd,
)
from cartera.analytics.clv._inputs import UniqueRows
from cartera.analytics.clv.bgnbd import _Likelihood

from .conftest import beta_quantile, expect_over_quantiles, gamma_quantile, monte_carlo_mean

CDNOW_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


@pytest.fixture(scope="module")
def cdnow_fit(cdnow_summary: pl.DataFrame) -> BetaGeo:
    return BetaGeo().fit(cdnow_summary["frequency"], cdnow_summary["recency"], cdnow_summary["T"])


def test_cdnow_fit_reproduces_the_published_estimates(cdnow_fit: BetaGeo) -> None:
    # Fader, Hardie & Lee (2005), "Counting your customers the easy way", table 1.
    assert {k: round(v, 3) for k, v in cdnow_fit.params_.items()} == CDNOW_PARAMS
    assert round(cdnow_fit.log_likelihood_, 1) == -9582.4
    assert cdnow_fit.clients_ == 2357
    assert all(0 < e < 0.5 * cdnow_fit.params_[k] for k, e in cdnow_fit.standard_errors_.items())


def test_analytic_gradient_matches_finite_differences() -> None:
    rows = UniqueRows(
        x=np.array([0.0, 0.0, 1.0, 3.0, 7.0]),
        t_x=np.array([0.0, 0.0, 2.5, 30.0, 38.0]),
        T=np.array([39.0, 30.0, 35.0, 39.0, 38.5]),
        weight=np.array([5.0, 2.0, 3.0, 1.0, 1.0]),
    )
    objective = _Likelihood(rows, 39.0)
    point = np.log([0.6, 0.3, 1.7, 0.4])
    _, gradient = objective(point)
    step = 1e-6
    numeric = [
        (objective(point + step * e)[0] - objective(point - step * e)[0]) / (2 * step)
        for e in np.eye(4)
    ]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9)


def _posterior_integrals(x: float, t_x: float, T: float, t: float) -> tuple[float, float, float]:
    """Return (likelihood, alive part, alive expected purchases) by integrating over λ, p."""
    p = CDNOW_PARAMS
    rate, dropout = gamma_quantile(p["r"], p["alpha"]), beta_quantile(p["a"], p["b"])

    def alive(lam: float, q: float) -> float:
        return (1 - q) ** x * lam**x * np.exp(-lam * T)

    def dead(lam: float, q: float) -> float:
        return q * (1 - q) ** (x - 1) * lam**x * np.exp(-lam * t_x) if x > 0 else 0.0

    def future(lam: float, q: float) -> float:
        return alive(lam, q) * -np.expm1(-lam * q * t) / q

    total = expect_over_quantiles(lambda a, b: alive(a, b) + dead(a, b), rate, dropout)
    return (
        total,
        expect_over_quantiles(alive, rate, dropout),
        expect_over_quantiles(future, rate, dropout),
    )


@pytest.mark.parametrize(("x", "t_x", "T"), [(2, 30.43, 38.86), (5, 20.0, 32.0)])
def test_predictions_match_integration_over_the_latent_traits(
    x: float, t_x: float, T: float
) -> None:
    model = BetaGeo.from_params(CDNOW_PARAMS)
    likelihood, alive, future = _posterior_integrals(x, t_x, T, t=52.0)
    assert model.p_alive(x, t_x, T) == pytest.approx(alive / likelihood, rel=1e-6)
    assert model.conditional_expected_purchases(52.0, x, t_x, T) == pytest.approx(
        future / likelihood, rel=1e-6
    )
    rows = UniqueRows(np.array([x]), np.array([t_x]), np.array([T]), np.ones(1))
    log_likelihood, _ = _Likelihood(rows, 1.0)(np.log(list(CDNOW_PARAMS.values())))
    assert log_likelihood == pytest.approx(np.log(likelihood), rel=1e-7)


def test_conditional_expectation_matches_the_hypergeometric_closed_form() -> None:
    # FHL (2005) eq. 10, with scipy's 2F1, for a < 1 (CDNOW) and a > 1.
    for params in (CDNOW_PARAMS, {"r": 1.3, "alpha": 9.0, "a": 2.5, "b": 4.0}):
        r, alpha, a, b = params.values()
        x, t_x, T, t = 3.0, 20.0, 35.0, 40.0
        z = t / (alpha + T + t)
        head = (a + b + x - 1) / (a - 1)
        tail = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(
            r + x, b + x, a + b + x - 1, z
        )
        alive = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
        model = BetaGeo.from_params(params)
        assert model.conditional_expected_purchases(t, x, t_x, T) == pytest.approx(
            head * tail * alive, rel=1e-10
        )


def test_new_client_purchases_match_simulation() -> None:
    model = BetaGeo.from_params(CDNOW_PARAMS)
    draws = sample_bgnbd(400_000, **CDNOW_PARAMS, T=52.0, seed=11)["frequency"].to_numpy()
    mean, error = monte_carlo_mean(draws.astype(float))
    assert abs(model.expected_purchases(52.0) - mean) < 4 * error
    counts = np.bincount(draws, minlength=4)[:4] / draws.size
    probabilities = model.probability_of_purchases(np.arange(4), 52.0)
    errors = np.sqrt(probabilities * (1 - probabilities) / draws.size)
    assert np.all(np.abs(probabilities - counts) < 4 * errors)
    assert model.probability_of_purchases(np.arange(2000), 52.0).sum() == pytest.approx(1.0)


def test_recovers_known_parameters_within_two_standard_errors() -> None:
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    rng = np.random.default_rng(2026)
    ages = (273 - rng.integers(0, 84, 200_000)) / 7.0  # acquired over 12 weeks, daily dates
    data = sample_bgnbd(200_000, **truth, T=ages, seed=rng, resolution=1 / 7)
    model = BetaGeo().fit(data["frequency"], data["recency"], data["T"])
    for name, value in truth.items():
        assert abs(model.params_[name] - value) < 2 * model.standard_errors_[name], name


def test_p_alive_is_one_without_repeat_purchases_and_falls_with_silence() -> None:
    model = BetaGeo.from_params(CDNOW_PARAMS)
    assert model.p_alive(0, 0, 30.0) == 1.0
    alive = model.p_alive(3, 10.0, np.array([10.0, 20.0, 40.0, 80.0]))
    assert np.all(np.diff(alive) < 0)
    assert alive[0] == pytest.approx(1 / (1 + 0.793 / (2.426 + 2)))


@settings(max_examples=50, deadline=None)
@given(
    st.integers(min_value=0, max_value=200),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.1, max_value=500.0),
    st.floats(min_value=0.0, max_value=500.0),
)
def test_prediction_invariants(x: int, share: float, T: float, t: float) -> None:
    model = BetaGeo.from_params(CDNOW_PARAMS)
    t_x = share * T if x > 0 else 0.0
    alive = float(model.p_alive(x, t_x, T))
    assert 0.0 <= alive <= 1.0
    later = model.conditional_expected_purchases(np.array([t, t + 1.0]), x, t_x, T)
    assert np.all(np.isfinite(later))
    assert 0.0 <= later[0] <= later[1]


def test_no_repeat_purchases_is_a_clear_error() -> None:
    with pytest.raises(ConvergenceError, match="no repeat purchases"):
        BetaGeo().fit([0, 0, 0], [0, 0, 0], [10, 20, 30])


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "message"),
    [
        ([1, 2], [5.0, 12.0], [10.0, 11.0], r"recency\[1\] = 12 is later than T"),
        ([1, -1], [5.0, 0.0], [10.0, 11.0], r"frequency\[1\] = -1"),
        ([1, 0], [5.0, 3.0], [10.0, 11.0], r"recency\[1\] = 3 must be 0"),
        ([1, 1.5], [5.0, 3.0], [10.0, 11.0], r"frequency\[1\] = 1.5 .* whole"),
        ([1, 1], [5.0, np.nan], [10.0, 11.0], r"recency\[1\] = nan is not a finite"),
    ],
)
def test_invalid_summaries_are_located(
    frequency: list[float], recency: list[float], T: list[float], message: str
) -> None:
    with pytest.raises(ClvInputError, match=message):
        BetaGeo().fit(frequency, recency, T)


def test_predicting_before_fit_says_what_to_do() -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        BetaGeo().p_alive(1, 1.0, 2.0)


def test_numpy_polars_and_pandas_inputs_give_the_same_fit(cdnow_summary: pl.DataFrame) -> None:
    columns = [cdnow_summary[c] for c in ("frequency", "recency", "T")]
    from_polars = BetaGeo().fit(*columns).params_
    from_numpy = BetaGeo().fit(*(c.to_numpy() for c in columns)).params_
    from_pandas = BetaGeo().fit(*(c.to_pandas() for c in columns)).params_
    assert from_polars == from_numpy == from_pandas
