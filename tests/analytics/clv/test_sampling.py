"""The samplers agree with the models on what a population looks like (S0.4)."""

from __future__ import annotations

import numpy as np
import pytest

from cartera.analytics.clv import (
    BetaGeo,
    ParetoNBD,
    sample_bgnbd,
    sample_gammagamma,
    sample_paretonbd,
)


def test_bgnbd_share_alive_matches_mean_p_alive() -> None:
    # Law of total probability: the mean of P(alive | history) over a population is the
    # share of it that is alive, which the sampler knows.
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    data = sample_bgnbd(200_000, **params, T=39.0, seed=3)
    p_alive = BetaGeo.from_params(params).p_alive(data["frequency"], data["recency"], data["T"])
    share = data["alive"].mean()
    assert abs(p_alive.mean() - share) < 4 * np.sqrt(share * (1 - share) / data.height)


def test_paretonbd_share_alive_matches_mean_p_alive() -> None:
    params = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    data = sample_paretonbd(200_000, **params, T=39.0, seed=4, resolution=1 / 7)
    model = ParetoNBD.from_params(params)
    p_alive = model.p_alive(data["frequency"], data["recency"], data["T"])
    share = data["alive"].mean()
    # Rounding to days moves recency by half a day at most: allow a little more.
    assert abs(p_alive.mean() - share) < 4 * np.sqrt(share * (1 - share) / data.height) + 2e-3


def test_gammagamma_monetary_is_the_mean_of_gamma_purchases() -> None:
    frequency = np.full(100_000, 4)
    data = sample_gammagamma(frequency, p=6.0, q=4.0, gamma=15.0, seed=9)
    # Given ν, the mean of 4 purchases has mean p/ν: E[p/ν] = p γ / (q - 1) = 30.
    assert data["monetary"].mean() == pytest.approx(30.0, rel=0.01)
    assert (sample_gammagamma([0, 0], p=6.0, q=4.0, gamma=15.0, seed=1)["monetary"] == 0).all()


def test_samplers_are_reproducible_and_consistent() -> None:
    first = sample_bgnbd(1000, r=1.0, alpha=2.0, a=1.0, b=2.0, T=10.0, seed=42)
    second = sample_bgnbd(1000, r=1.0, alpha=2.0, a=1.0, b=2.0, T=10.0, seed=42)
    assert first.equals(second)
    for data in (first, sample_paretonbd(1000, r=1.0, alpha=2.0, s=1.0, beta=2.0, T=10.0, seed=1)):
        assert (data["recency"] <= data["T"]).all()
        assert ((data["frequency"] == 0) == (data["recency"] == 0)).all()
