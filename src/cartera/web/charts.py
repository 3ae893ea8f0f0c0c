"""The charts of :mod:`cartera.reporting.charts` with the page's language: titles and axes.

The SVG is built by the reporting module (it escapes every text it draws), so it is
marked safe for the templates here and nowhere else.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import polars as pl
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cartera.analytics.diagnosis import Diagnosis
from cartera.analytics.forecast import RevenueForecast
from cartera.reporting import charts, forecast_charts, forecast_html


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


def forecast(result: RevenueForecast, series: str, *, title: str) -> SafeString:
    """Return one series' history, trend and forecast with its prediction bands (S3.5, S3.8)."""
    legend = (
        _("revenue"),
        _("forecast"),
        _("interval %(levels)s") % {"levels": " / ".join(f"{level} %" for level in result.levels)},
        _("trend"),
    )
    return mark_safe(forecast_html.series_chart(result, series, title=title, legend=legend))


def seasonal_profile(result: RevenueForecast, series: str) -> SafeString:
    """Return the twelve seasonal indices of one series as bars around 1."""
    return mark_safe(
        forecast_charts.seasonal_profile_chart(
            result.decomposition.indices(series),
            # Month numbers read alike in every language; initials would not.
            labels=[str(number) for number in range(1, 13)],
            title=_("Seasonal profile"),
        )
    )


def attention(by_class: pl.DataFrame) -> SafeString:
    """Return each ABC class's share of contacts beside its share of revenue (S2.3)."""
    width, height, left, bottom, top, right = 420, 220, 44, 28, 30, 12
    plot_w, plot_h = width - left - right, height - top - bottom
    rows = {row["abc_class"]: row for row in by_class.iter_rows(named=True)}
    labels = ("A", "B", "C")
    slot = plot_w / len(labels)

    def y(share: float) -> float:
        return top + (1 - share) * plot_h

    body: list[str] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        level = y(tick)
        body.append(
            f"<line x1='{left}' y1='{level:.1f}' x2='{width - right}' y2='{level:.1f}' "
            f"stroke='{charts.GRID}'/>"
        )
        body.append(charts._text(left - 6, level + 4, f"{tick * 100:.0f}%", anchor="end"))
    names = (_("share of contacts"), _("share of revenue"))
    colours = (charts.ACCENT, charts.SECOND)
    for index, label in enumerate(labels):
        row = rows.get(label, {})
        for k, (column, colour, name) in enumerate(
            zip(("contact_share", "revenue_share"), colours, names, strict=True)
        ):
            share = float(row.get(column) or 0.0)
            x0 = left + index * slot + slot * (0.15 + 0.35 * k)
            body.append(
                f"<rect x='{x0:.1f}' y='{y(share):.1f}' width='{slot * 0.33:.1f}' "
                f"height='{max(y(0) - y(share), 0.5):.1f}' fill='{colour}'>"
                f"<title>{html.escape(label)} · {html.escape(name)}: {share * 100:.1f}%</title>"
                "</rect>"
            )
        body.append(
            charts._text(left + (index + 0.5) * slot, height - bottom + 16, label, anchor="middle")
        )
    for k, (name, colour) in enumerate(zip(names, colours, strict=True)):
        lx = left + k * 170
        body.append(f"<rect x='{lx}' y='8' width='12' height='8' fill='{colour}'/>")
        body.append(charts._text(lx + 16, 16, name))
    return mark_safe(charts._svg(width, height, body, _("Attention against value")))
