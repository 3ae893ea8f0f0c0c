"""Samplers of each model's generative process, for simulation, recovery tests and benchmarks.

Each draws the clients' latent traits, then their calibration summary, vectorised over
clients: given n arrivals of a Poisson process in a window, the k-th arrival time is the
window times a Beta(k, n - k + 1) variable, so no client's purchases are simulated one
by one.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cartera.analytics.clv._inputs import ArrayInput, FloatArray, as_float_array
from cartera.analytics.clv.errors import ClvInputError

Seed = int | np.random.Generator | None


def _ages(size: int, T: ArrayInput) -> FloatArray:
    ages = np.broadcast_to(as_float_array(T, "T"), (size,)).astype(np.float64)
    if (ages <= 0).any():
        raise ClvInputError("T must be positive", column="T")
    return ages


def _grid(
    last: FloatArray, count: FloatArray, ages: FloatArray, resolution: float
) -> tuple[FloatArray, FloatArray]:
    # Dated sales measure recency as whole days between the first and the last purchase
    # day, which rounds the continuous gap to the nearest day on average (rounding up
    # would bias recency, and with it r and alpha, by half a day).
    grid_T = np.round(ages / resolution) * resolution
    grid_last = np.minimum(np.round(last / resolution) * resolution, grid_T)
    return np.where(count > 0, grid_last, 0.0), grid_T


def sample_bgnbd(
    size: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: ArrayInput,
    seed: Seed = None,
    resolution: float | None = None,
) -> pl.DataFrame:
    """Return ``size`` clients drawn from the BG/NBD process.

    Parameters
    ----------
    size
        Number of clients.
    r, alpha, a, b
        Model parameters (alpha in the unit of ``T``).
    T
        Observation length of each client (scalar or one per client).
    seed
        Seed or generator, for reproducible draws.
    resolution
        If given, times are observed on a grid of this step (rounded to the nearest), as
        sales dated by day are; this makes the summary compress well.

    Returns
    -------
    polars.DataFrame
        ``frequency``, ``recency``, ``T`` and the latent ``rate`` (λ),
        ``dropout`` (p) and ``alive`` (still active at the end of T).
    """
    rng = np.random.default_rng(seed)
    ages = _ages(size, T)
    rate = rng.gamma(r, 1.0 / alpha, size)
    dropout = rng.beta(a, b, size)
    arrivals = rng.poisson(rate * ages).astype(np.float64)
    # The client leaves right after its J-th repeat purchase, J ~ Geometric(p) on 1, 2, …
    lifetime_purchases = rng.geometric(dropout).astype(np.float64)
    count = np.minimum(arrivals, lifetime_purchases)
    alive = arrivals < lifetime_purchases
    # The x-th of n uniform arrivals in (0, T] is T times a Beta(x, n - x + 1) variable.
    last = np.where(count > 0, ages * rng.beta(np.maximum(count, 1.0), arrivals - count + 1.0), 0.0)
    recency, observed_T = (
        (last, ages) if resolution is None else _grid(last, count, ages, resolution)
    )
    return pl.DataFrame(
        {
            "frequency": count.astype(np.int64),
            "recency": recency,
            "T": observed_T,
            "rate": rate,
            "dropout": dropout,
            "alive": alive,
        }
    )


def sample_paretonbd(
    size: int,
    *,
    r: float,
    alpha: float,
    s: float,
    beta: float,
    T: ArrayInput,
    seed: Seed = None,
    resolution: float | None = None,
) -> pl.DataFrame:
    """Return ``size`` clients drawn from the Pareto/NBD process.

    Parameters are as in :func:`sample_bgnbd`, with ``s`` and ``beta`` the Gamma
    heterogeneity of dropout rates. The latent columns are ``rate`` (λ), ``dropout_rate``
    (μ) and ``alive``.
    """
    rng = np.random.default_rng(seed)
    ages = _ages(size, T)
    rate = rng.gamma(r, 1.0 / alpha, size)
    dropout_rate = rng.gamma(s, 1.0 / beta, size)
    lifetime = rng.exponential(1.0 / dropout_rate)
    window = np.minimum(lifetime, ages)
    count = rng.poisson(rate * window).astype(np.float64)
    last = np.where(count > 0, window * rng.beta(np.maximum(count, 1.0), 1.0), 0.0)
    recency, observed_T = (
        (last, ages) if resolution is None else _grid(last, count, ages, resolution)
    )
    return pl.DataFrame(
        {
            "frequency": count.astype(np.int64),
            "recency": recency,
            "T": observed_T,
            "rate": rate,
            "dropout_rate": dropout_rate,
            "alive": lifetime > ages,
        }
    )


def sample_gammagamma(
    frequency: ArrayInput, *, p: float, q: float, gamma: float, seed: Seed = None
) -> pl.DataFrame:
    """Return each client's mean repeat-purchase value drawn from the Gamma-Gamma process.

    Every purchase of a client is Gamma(p, ν) with the client's ν ~ Gamma(q, gamma), so
    the mean of x purchases is Gamma(p x, x ν). Clients without repeat purchases get 0.

    Returns
    -------
    polars.DataFrame
        ``frequency``, ``monetary`` and the latent ``scale`` (ν) and ``mean_spend``
        (p / ν, the client's true mean value per purchase).
    """
    rng = np.random.default_rng(seed)
    x = np.ravel(as_float_array(frequency, "frequency"))
    scale = rng.gamma(q, 1.0 / gamma, x.size)
    repeat = x > 0
    shape = np.where(repeat, p * x, 1.0)
    monetary = np.where(repeat, rng.gamma(shape, 1.0 / (np.maximum(x, 1.0) * scale)), 0.0)
    return pl.DataFrame(
        {
            "frequency": x.astype(np.int64),
            "monetary": monetary,
            "scale": scale,
            "mean_spend": p / scale,
        }
    )
