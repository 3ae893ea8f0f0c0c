"""Ideal client profiles: conditions, fit scores, market reality, learned proposals (S4.1–S4.3).

Typical use::

    profile = Profile("restaurants", (Condition("industry", "eq", "food"), ...))
    scores = fit_scores(accounts, profile)          # fit 0–100 per client and prospect
    market_reality(accounts, profile)               # how many match, clients vs prospects
    learned = learn_profile(clients, best="is_best")  # what the best clients share
    learned.to_profile("learned", chosen=[0, 2])    # accepted by the manager
"""

from cartera.analytics.profile.conditions import OPERATORS, Condition, Profile
from cartera.analytics.profile.fit import (
    FitExplanation,
    FitItem,
    FitScores,
    MarketReality,
    best_fit,
    explain_fit,
    fit_scores,
    market_reality,
)
from cartera.analytics.profile.learn import (
    LearnedProfile,
    ProposedCondition,
    learn_profile,
    top_share,
)

__all__ = [
    "OPERATORS",
    "Condition",
    "FitExplanation",
    "FitItem",
    "FitScores",
    "LearnedProfile",
    "MarketReality",
    "Profile",
    "ProposedCondition",
    "best_fit",
    "explain_fit",
    "fit_scores",
    "learn_profile",
    "market_reality",
    "top_share",
]
