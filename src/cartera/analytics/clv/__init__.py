"""Customer-base models: who is still a client, what they will buy, what they are worth.

BG/NBD and Pareto/NBD model repeat purchases and silent attrition (S0.4); Gamma-Gamma
models spend per purchase; together they give each client's lifetime value (S1.7), the
value of a portfolio with an interval for its hand-over or sale (S1.5), and the list of
valuable clients at risk of being lost. No I/O: summaries in, typed results out.

>>> from cartera.analytics.clv import summarize, BetaGeo, GammaGamma, customer_value
>>> s = summarize(sales, calibration_end="1997-09-30")
>>> m = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
>>> g = GammaGamma().fit(s["frequency"], s["monetary"])
>>> values = customer_value(m, g, s, horizon=12, discount=0.01)
"""

from cartera.analytics.clv.bgnbd import BetaGeo
from cartera.analytics.clv.errors import ClvInputError, ConvergenceError, NotFittedError
from cartera.analytics.clv.gammagamma import GammaGamma
from cartera.analytics.clv.paretonbd import ParetoNBD
from cartera.analytics.clv.sampling import sample_bgnbd, sample_gammagamma, sample_paretonbd
from cartera.analytics.clv.summary import summarize
from cartera.analytics.clv.value import (
    MONTH_DAYS,
    PortfolioValue,
    at_risk,
    customer_value,
    portfolio_value,
)

__all__ = [
    "MONTH_DAYS",
    "BetaGeo",
    "ClvInputError",
    "ConvergenceError",
    "GammaGamma",
    "NotFittedError",
    "ParetoNBD",
    "PortfolioValue",
    "at_risk",
    "customer_value",
    "portfolio_value",
    "sample_bgnbd",
    "sample_gammagamma",
    "sample_paretonbd",
    "summarize",
]
