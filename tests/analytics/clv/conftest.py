"""Shared data for the customer-base model tests: the CDNOW sample (Fader & Hardie)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import integrate, special

CDNOW = Path(__file__).parents[2] / "data" / "cdnow"


@pytest.fixture(scope="session")
def cdnow_sales() -> pl.DataFrame:
    """The raw CDNOW transactions as a sales frame (client, date, amount in dollars)."""
    raw = pl.read_csv(
        CDNOW / "CDNOW_sample.txt", has_header=False, new_columns=["line"], separator="\t"
    )
    fields = raw.select(
        pl.col("line").str.extract_groups(r"^\s*(\d+)\s+(\d+)\s+(\d{8})\s+(\d+)\s+([\d.]+)\s*$")
    ).unnest("line")
    return fields.select(
        pl.col("2").str.to_integer().cast(pl.String).alias("client"),
        pl.col("3").str.to_date("%Y%m%d").alias("date"),
        pl.col("5").str.to_decimal(scale=2).alias("amount"),
    )


@pytest.fixture(scope="session")
def cdnow_summary() -> pl.DataFrame:
    """The published calibration summary (39 weeks, weeks rounded to 2 decimals)."""
    return pl.read_csv(CDNOW / "cdnow_customers_summary.csv").with_columns(
        pl.col("ID").cast(pl.String).alias("client")
    )


@pytest.fixture(scope="session")
def cdnow_with_spend() -> pl.DataFrame:
    """The published summary with zbar, the mean of the repeat purchases (2 decimals)."""
    return pl.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv").with_columns(
        pl.col("ID").cast(pl.String).alias("client")
    )


def gamma_quantile(shape: float, rate: float):
    """Return the quantile function of Gamma(shape, rate)."""
    return lambda u: special.gammaincinv(shape, u) / rate


def beta_quantile(a: float, b: float):
    """Return the quantile function of Beta(a, b)."""
    return lambda u: special.betaincinv(a, b, u)


def expect_over_quantiles(function, first, second) -> float:
    """Return E[function(X, Y)] for independent X, Y, integrated over their quantiles.

    Integrating in quantile space (u, v on the unit square) avoids the singular
    densities of small Gamma and Beta shapes; this is the independent check of the
    models' closed forms and quadratures.
    """
    value, _ = integrate.dblquad(
        lambda v, u: function(first(u), second(v)),
        0.0,
        1.0,
        0.0,
        1.0,
        epsabs=0.0,
        epsrel=1e-8,
    )
    return float(value)


def monte_carlo_mean(values: np.ndarray) -> tuple[float, float]:
    """Return the sample mean and its standard error."""
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))
