"""Client rating on clear, data-based criteria, on the company's own scale (S2.4, S4.5).

Typical use::

    features = client_features(sales, as_of=today, payments=payments, attributes=attrs)
    ratings = rate(features, default_policy())
    explain(ratings, "C042")            # structured: value, points, weight per criterion
    explanation_texts(ratings)          # "B: revenue 72nd percentile +29, pays 34 days late −8"
"""

from cartera.analytics.rating.assignment import propose_assignment, salesperson_quality
from cartera.analytics.rating.changes import level_changes
from cartera.analytics.rating.explanation import (
    Explanation,
    ExplanationItem,
    explain,
    explanation_frame,
    explanation_texts,
)
from cartera.analytics.rating.features import MEASURES, client_features, join_payments
from cartera.analytics.rating.policy import (
    ABCD,
    ONE_TO_TEN,
    STARS,
    Bands,
    Criterion,
    Flag,
    Level,
    Levels,
    Percentile,
    PolicyError,
    Ramp,
    RatingPolicy,
    Steps,
    default_policy,
)
from cartera.analytics.rating.scoring import AppliedCriterion, Ratings, rate

__all__ = [
    "ABCD",
    "MEASURES",
    "ONE_TO_TEN",
    "STARS",
    "AppliedCriterion",
    "Bands",
    "Criterion",
    "Explanation",
    "ExplanationItem",
    "Flag",
    "Level",
    "Levels",
    "Percentile",
    "PolicyError",
    "Ramp",
    "RatingPolicy",
    "Ratings",
    "Steps",
    "client_features",
    "default_policy",
    "explain",
    "explanation_frame",
    "explanation_texts",
    "join_payments",
    "level_changes",
    "propose_assignment",
    "rate",
    "salesperson_quality",
]
