"""Portfolio diagnosis (S1.10, S3.1–S3.10, S4.4, S0.4, S2.3): typed results, no printing.

:func:`diagnose` computes everything at once from the sales frame; the pieces are
usable alone on the per-client table of :func:`client_table`.
"""

from cartera.analytics.diagnosis.abc import Abc, AbcClass, abc_classes, abc_summary, pareto_curve
from cartera.analytics.diagnosis.attention import Attention, attention
from cartera.analytics.diagnosis.breakdown import breakdown
from cartera.analytics.diagnosis.clients import Period, client_table, period_for
from cartera.analytics.diagnosis.cohorts import cohort_retention
from cartera.analytics.diagnosis.concentration import Concentration, concentration, concentration_of
from cartera.analytics.diagnosis.engine import Diagnosis, NewClients, Revenue, diagnose
from cartera.analytics.diagnosis.margin import Margin, RiskProfitability, margin, risk_profitability
from cartera.analytics.diagnosis.mix import NewProducts, ProductMix
from cartera.analytics.diagnosis.monthly import MonthlyStatistics
from cartera.analytics.diagnosis.retention import (
    ClientCounts,
    Recurrence,
    Retention,
    Ticket,
    average_ticket,
    client_counts,
    movement,
    recurrence,
    retention,
)
from cartera.analytics.diagnosis.rfm import SEGMENTS, Rfm, rfm_scores, rfm_summary
from cartera.analytics.diagnosis.window import Window, previous_window, window_ending

__all__ = [
    "SEGMENTS",
    "Abc",
    "AbcClass",
    "Attention",
    "ClientCounts",
    "Concentration",
    "Diagnosis",
    "Margin",
    "MonthlyStatistics",
    "NewClients",
    "NewProducts",
    "Period",
    "ProductMix",
    "Recurrence",
    "Retention",
    "Revenue",
    "Rfm",
    "RiskProfitability",
    "Ticket",
    "Window",
    "abc_classes",
    "abc_summary",
    "attention",
    "average_ticket",
    "breakdown",
    "client_counts",
    "client_table",
    "cohort_retention",
    "concentration",
    "concentration_of",
    "diagnose",
    "margin",
    "movement",
    "pareto_curve",
    "period_for",
    "previous_window",
    "recurrence",
    "retention",
    "rfm_scores",
    "rfm_summary",
    "risk_profitability",
    "window_ending",
]
