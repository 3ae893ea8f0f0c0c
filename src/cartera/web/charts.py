"""The charts of :mod:`cartera.reporting.charts` with the page's language: titles and axes.

The SVG is built by the reporting module (it escapes every text it draws), so it is
marked safe for the templates here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cartera.analytics.diagnosis import Diagnosis
from cartera.reporting import charts


def pareto(d: Diagnosis) -> SafeString:
    curve = d.abc.curve
    return mark_safe(  # built and escaped by reporting.charts
        charts.pareto_chart(
            curve["client_share"].to_list(),
            curve["revenue_share"].to_list(),
            thresholds=d.abc.thresholds,
            title=_("Pareto curve"),
            x_label=_("share of clients"),
            y_label=_("share of revenue"),
        )
    )


def concentration(d: Diagnosis, names: Mapping[str, str]) -> SafeString:
    top = d.client_table.filter(pl.col("active")).head(10)
    labels = [names.get(str(code), str(code)) for code in top["client"].to_list()]
    return mark_safe(
        charts.concentration_chart(
            labels,
            top["revenue_share"].fill_null(0.0).to_list(),
            alert_share=d.concentration.alert_share,
            title=_("Largest clients' share of revenue"),
        )
    )


def monthly(d: Diagnosis) -> SafeString:
    months = d.monthly.months.tail(36)
    return mark_safe(
        charts.monthly_revenue_chart(
            months["month"].to_list(),
            (months["revenue_cents"] / 100).to_list(),
            (months["moving_average_3m_cents"] / 100).to_list(),
            highlight_from=d.window.start.replace(day=1),
            title=_("Monthly revenue"),
            legend=(_("revenue"), _("3-month moving average")),
        )
    )


def cohorts(d: Diagnosis) -> SafeString:
    frame = d.cohorts
    sizes = frame.group_by("cohort").agg(pl.col("size").first()).sort("cohort")
    cells = {(c, k): r for c, k, r in frame.select("cohort", "offset", "retention").iter_rows()}
    return mark_safe(
        charts.cohort_heatmap(
            sizes["cohort"].to_list(),
            sizes["size"].to_list(),
            cells,
            offsets=int(frame["offset"].max() or 0) + 1 if frame.height else 1,
            title=_("Cohort retention"),
            offset_label=_("months after the first purchase"),
        )
    )
