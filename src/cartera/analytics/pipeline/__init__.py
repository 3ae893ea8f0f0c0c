"""Prospect pipeline analytics: funnel, conversion, sales cycle, acquisition cost (S0.5–S0.7, S1.4).

The frames it reads are described in :mod:`cartera.analytics.pipeline.columns`.
"""

from cartera.analytics.pipeline.acquisition import acquisition_cost
from cartera.analytics.pipeline.columns import (
    CAMPAIGNS,
    LOST,
    PROSPECTS,
    STAGE_EVENTS,
    STAGES,
    prepare_campaigns,
    prepare_prospects,
    prepare_stage_events,
)
from cartera.analytics.pipeline.cycle import sales_cycle
from cartera.analytics.pipeline.funnel import conversion_by, funnel, furthest_stage, lost_reasons
from cartera.analytics.pipeline.qualification import qualification

__all__ = [
    "CAMPAIGNS",
    "LOST",
    "PROSPECTS",
    "STAGES",
    "STAGE_EVENTS",
    "acquisition_cost",
    "conversion_by",
    "funnel",
    "furthest_stage",
    "lost_reasons",
    "prepare_campaigns",
    "prepare_prospects",
    "prepare_stage_events",
    "qualification",
    "sales_cycle",
]
