"""Lifetime value, portfolio value with its interval, and the at-risk list (S1.7, S1.5, S0.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from cartera.analytics.clv import (
    MONTH_DAYS,
    BetaGeo,
    ClvInputError,
    GammaGamma,
    NotFittedError,
    ParetoNBD,
    at_risk,
    customer_value,
    portfolio_value,
    summarize,
)

PARETO = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@pytest.fixture(scope="module")
def cdnow(cdnow_sales: pl.DataFrame) -> tuple[pl.DataFrame, BetaGeo, GammaGamma]:
    summary = summarize(cdnow_sales, calibration_end=dt.date(1997, 9, 30))
    purchases = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    spend = GammaGamma().fit(summary["frequency"], summary["monetary"])
    return summary, purchases, spend


def test_clv_of_one_client_by_hand() -> None:
    # Pareto/NBD, x = 2, t_x = 30, T = 38 weeks, mean repeat spend 20; 2 months, 10 %
    # a month, margin 0.5. E[X(t) | alive] = (r+x)(β+T)/((α+T)(s-1)) (1 - ((β+T)/(β+T+t))^(s-1)).
    r, alpha, s, beta = PARETO.values()
    x, T = 2.0, 38.0
    month = MONTH_DAYS / 7

    def if_alive(t: float) -> float:
        return (
            (r + x)
            * (beta + T)
            / ((alpha + T) * (s - 1))
            * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
        )

    spend = 6.25 * (15.44 + 2 * 20.0) / (6.25 * 2 + 3.74 - 1)
    purchases = ParetoNBD.from_params(PARETO)
    alive = float(purchases.p_alive(x, 30.0, T))
    expected = (
        0.5
        * spend
        * alive
        * (if_alive(month) / 1.1 + (if_alive(2 * month) - if_alive(month)) / 1.1**2)
    )
    summary = pl.DataFrame(
        {"client": ["c"], "frequency": [2], "recency": [30.0], "T": [T], "monetary": [20.0]}
    )
    values = customer_value(
        purchases, GammaGamma.from_params(SPEND), summary, horizon=2, discount=0.1, margin=0.5
    )
    assert values["clv"][0] == pytest.approx(expected, rel=1e-12)
    assert values["p_alive"][0] == pytest.approx(alive)
    assert values["expected_purchases"][0] == pytest.approx(alive * if_alive(2 * month))
    assert values["expected_spend"][0] == pytest.approx(spend)
    assert values["value_at_risk"][0] == pytest.approx(expected / alive * (1 - alive))


def test_undiscounted_clv_is_spend_times_expected_purchases(
    cdnow: tuple[pl.DataFrame, BetaGeo, GammaGamma],
) -> None:
    summary, purchases, spend = cdnow
    values = customer_value(purchases, spend, summary, horizon=24, discount=0.0, margin=0.3)
    expected = purchases.conditional_expected_purchases(
        24 * MONTH_DAYS / 7, summary["frequency"], summary["recency"], summary["T"]
    )
    np.testing.assert_allclose(values["expected_purchases"], expected, rtol=1e-12)
    np.testing.assert_allclose(
        values["clv"], 0.3 * expected * values["expected_spend"].to_numpy(), rtol=1e-10
    )
    discounted = customer_value(purchases, spend, summary, horizon=24, discount=0.02)
    assert (discounted["clv"] < values["clv"] / 0.3).all()


def test_portfolio_value_sums_the_book_and_brackets_it(
    cdnow: tuple[pl.DataFrame, BetaGeo, GammaGamma],
) -> None:
    summary, purchases, spend = cdnow
    values = customer_value(purchases, spend, summary)
    book = portfolio_value(purchases, spend, summary, draws=120, seed=3)
    assert book.value == Decimal(str(round(values["clv"].sum(), 2)))
    assert book.low < book.value < book.high
    assert (book.clients, book.horizon, book.draws, book.level) == (2357, 12, 120, 0.9)
    # The interval agrees with the delta method: the value's gradient in the
    # log-parameters (by differences) against their covariance.
    models = [purchases, spend]

    def total(shift: np.ndarray) -> float:
        moved = [
            m.with_log_params(m.log_params_ + shift[i : i + m.log_params_.size])
            for m, i in zip(models, (0, 4), strict=True)
        ]
        return float(customer_value(moved[0], moved[1], summary)["clv"].sum())

    gradient = np.array([(total(1e-5 * e) - total(-1e-5 * e)) / 2e-5 for e in np.eye(7)])
    covariance = np.zeros((7, 7))
    covariance[:4, :4] = purchases.log_covariance_
    covariance[4:, 4:] = spend.log_covariance_
    half_width = 1.645 * np.sqrt(gradient @ covariance @ gradient)
    assert float(book.high - book.low) / 2 == pytest.approx(half_width, rel=0.25)


def test_a_salespersons_book_is_a_subset_of_rows(
    cdnow: tuple[pl.DataFrame, BetaGeo, GammaGamma],
) -> None:
    summary, purchases, spend = cdnow
    values = customer_value(purchases, spend, summary)
    mine = summary.filter(pl.col("client").str.ends_with("7"))
    book = portfolio_value(purchases, spend, mine, draws=20)
    expected = values.filter(pl.col("client").str.ends_with("7"))["clv"].sum()
    assert book.value == Decimal(str(round(expected, 2)))
    assert book.clients == mine.height


def test_at_risk_lists_lapsed_valuable_clients_first(
    cdnow: tuple[pl.DataFrame, BetaGeo, GammaGamma],
) -> None:
    summary, purchases, spend = cdnow
    values = customer_value(purchases, spend, summary)
    risky = at_risk(values, threshold=0.3, top=10)
    assert risky.height == 10
    assert (risky["p_alive"] < 0.3).all()
    assert risky["value_at_risk"].is_sorted(descending=True)
    worst = values.filter(pl.col("p_alive") < 0.3)["value_at_risk"].max()
    assert risky["value_at_risk"][0] == worst
    assert at_risk(values, threshold=0.0).height == 0


def test_given_parameters_have_no_interval() -> None:
    summary = pl.DataFrame({"frequency": [1], "recency": [3.0], "T": [9.0], "monetary": [5.0]})
    with pytest.raises(NotFittedError, match="no sampling uncertainty"):
        portfolio_value(
            ParetoNBD.from_params(PARETO), GammaGamma.from_params(SPEND), summary, draws=10
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"horizon": 0}, "horizon must be"), ({"discount": -2.0}, "discount must be")],
)
def test_bad_settings_are_refused(kwargs: dict[str, float], message: str) -> None:
    summary = pl.DataFrame({"frequency": [1], "recency": [3.0], "T": [9.0], "monetary": [5.0]})
    with pytest.raises(ClvInputError, match=message):
        customer_value(
            ParetoNBD.from_params(PARETO), GammaGamma.from_params(SPEND), summary, **kwargs
        )
    with pytest.raises(ClvInputError, match="no column 'monetary'"):
        customer_value(
            ParetoNBD.from_params(PARETO), GammaGamma.from_params(SPEND), summary.drop("monetary")
        )
