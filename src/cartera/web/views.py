"""The shell of the web app: the dashboard per role and the report pages.

Every figure comes from :mod:`cartera.metrics.portfolio` (the analytics run once per
scope and data version) or from a selector; the views only pick and render.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from cartera.clients.selectors import portfolio_counts
from cartera.common.downloads import xlsx_download
from cartera.common.money import quantize
from cartera.common.scoping import sees_all
from cartera.metrics.attention import BookAttention, attention_report
from cartera.metrics.models import RfmSegment
from cartera.metrics.portfolio import full_diagnosis, portfolio_diagnosis, portfolio_valuation
from cartera.metrics.selectors import clients_at_risk, latest_run, run_is_current
from cartera.metrics.services import metrics_refresh, metrics_refresh_if_stale
from cartera.prospecting.models import Source
from cartera.receivables.exports import bucket_names
from cartera.sales.models import Channel
from cartera.web import charts, exports
from cartera.web.dashboard import dashboard_figures
from cartera.web.selectors import DUE_SHOWN, accounts_by_code, contacts_due

BREAKDOWN_TITLES = {
    "salesperson": gettext_lazy("By salesperson"),
    "segment": gettext_lazy("By segment"),
    "city": gettext_lazy("By city"),
    "channel": gettext_lazy("By channel"),
}

# The diagnosis engine writes its notes in English; these msgids let the page show them
# translated (``{% translate note %}``). Keep them equal to the engine's text.
ENGINE_NOTES = (
    gettext_noop(
        "new products skipped: no launch dates and under a year of history before the window"
    ),
    gettext_noop("no invoice column: tickets are counted as distinct client-days"),
    gettext_noop("no cost column: margin not computed"),
)


def _names(request: HttpRequest, codes: list[str]) -> dict[str, Any]:
    return accounts_by_code(user=request.user, codes=codes)


def _freshness(request: HttpRequest, run: Any = None) -> dict[str, Any]:
    run = run or latest_run()
    return {
        "metrics_run": run,
        "metrics_current": run_is_current(run),
        "can_refresh": sees_all(request.user),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    run = metrics_refresh_if_stale()
    diagnosis = portfolio_diagnosis(user=user)
    today = timezone.localdate()
    due = contacts_due(user=user, on=today)
    owed, goals = dashboard_figures(user=user, as_of=today)
    owing = [str(row["client"]) for row in owed.top]
    context: dict[str, Any] = {
        "counts": portfolio_counts(user=user),
        "diagnosis": diagnosis,
        "at_risk": clients_at_risk(user=user),
        "due": due[:DUE_SHOWN],
        "due_count": due.count(),
        "today": today,
        "receivables": owed,
        "ageing_lines": list(zip(bucket_names(owed.buckets), owed.lines, strict=True)),
        "goals": goals,
        **_freshness(request, run),
    }
    accounts: dict[str, Any] = {}
    if diagnosis is not None:
        over = diagnosis.concentration.over_threshold
        top = diagnosis.client_table.filter(pl.col("active")).head(10)["client"].to_list()
        # One lookup names the concentration's clients and the most overdue ones.
        accounts = _names(request, [c for c, _s in over] + top + owing)
        context |= {
            # Abc defines __getitem__ by class label, which templates would try first.
            "abc_classes": diagnosis.abc.classes,
            "pareto_chart": charts.pareto(diagnosis),
            "concentration_chart": charts.concentration(
                diagnosis, {code: a.display_name for code, a in accounts.items()}
            ),
            "over_threshold": [(accounts.get(code), code, share) for code, share in over],
        }
    elif owing:
        accounts = _names(request, owing)
    context["overdue_top"] = [
        {**row, "account": accounts.get(str(row["client"]))} for row in owed.top
    ]
    return render(request, "web/dashboard.html", context)


@login_required
@require_POST
def refresh_metrics(request: HttpRequest) -> HttpResponse:
    """Recompute the stored client metrics now (managers; a big portfolio takes a while)."""
    if not sees_all(request.user):
        raise PermissionDenied
    run = metrics_refresh()
    messages.success(
        request,
        _("Client metrics recomputed: %(n)s clients in %(s)s s.")
        % {"n": run.clients, "s": f"{run.seconds:.1f}"},
    )
    return redirect(request.POST.get("next") or "web:dashboard")


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "web/reports.html", {})


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


# Dimensions whose values are stored codes: shown by their translated labels.
CODED_DIMENSIONS = {"channel": Channel.choices, "source": Source.choices}


def _labelled(dimension: str, rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    labels = dict(CODED_DIMENSIONS.get(dimension, ()))
    if not labels:
        return rows
    return [{**row, key: labels.get(row[key], row[key])} for row in rows]


@login_required
@require_GET
def diagnosis_report(request: HttpRequest) -> HttpResponse:
    """Everything ``cartera analyze`` shows, for the portfolio the user sees (S1.10)."""
    diagnosis = portfolio_diagnosis(user=request.user)
    context: dict[str, Any] = {"diagnosis": diagnosis, **_freshness(request)}
    if diagnosis is not None:
        top = diagnosis.client_table
        accounts = _names(
            request,
            [c for c, _s in diagnosis.concentration.over_threshold] + top["client"].to_list(),
        )
        names = {code: a.display_name for code, a in accounts.items()}
        largest = [{**row, "account": accounts.get(str(row["client"]))} for row in top.to_dicts()]
        context |= {
            "abc_classes": diagnosis.abc.classes,
            "charts": [
                (
                    charts.pareto(diagnosis),
                    _("Cumulative share of the window revenue by clients, largest first (S3.7)."),
                ),
                (
                    charts.concentration(diagnosis, names),
                    _("The ten largest clients; red at or above the alert share (S4.4)."),
                ),
            ],
            "monthly_chart": charts.monthly(diagnosis),
            "cohort_chart": charts.cohorts(diagnosis),
            "over_threshold": [
                (accounts.get(code), code, share)
                for code, share in diagnosis.concentration.over_threshold
            ],
            "rfm_rows": _records(diagnosis.rfm.segments),
            "rfm_labels": RfmSegment.choices,
            "breakdowns": [
                (BREAKDOWN_TITLES.get(name, name), name, _labelled(name, _records(frame), name))
                for name, frame in diagnosis.breakdowns.items()
            ],
            "sources": [
                (name, _labelled(name, _records(frame.head(30)), "value"))
                for name, frame in diagnosis.sources.items()
            ],
            "families": (_records(diagnosis.product_mix.families) if diagnosis.product_mix else []),
            "new_product_rows": (
                _records(diagnosis.new_products.top) if diagnosis.new_products else []
            ),
            "margin_rows": _records(diagnosis.margin.by_class) if diagnosis.margin else [],
            "months": _records(diagnosis.monthly.months.tail(24).reverse()),
            "largest": largest,
        }
    return render(request, "web/diagnosis.html", context)


@login_required
@require_GET
def diagnosis_xlsx(request: HttpRequest) -> HttpResponse:
    """The diagnosis workbook of ``cartera analyze --xlsx``, with every client in scope."""
    diagnosis = full_diagnosis(user=request.user)
    if diagnosis is None:
        messages.info(request, _("There are no sales to analyse yet."))
        return redirect("web:diagnosis")
    return xlsx_download(
        exports.diagnosis_workbook(diagnosis),
        f"{_('diagnosis')}-{diagnosis.as_of.isoformat()}.xlsx",
    )


@login_required
@require_GET
def value_report(request: HttpRequest) -> HttpResponse:
    """The portfolio's value over the next year with its interval, and who it hinges on."""
    valuation = portfolio_valuation(user=request.user)
    codes = []
    if valuation.clients:
        codes = valuation.top["client"].to_list() + valuation.at_risk["client"].to_list()
    accounts = _names(request, codes)

    def named(frame: pl.DataFrame) -> list[dict[str, Any]]:
        # The models estimate in floats; money is shown as Decimal, rounded at this edge.
        return [
            {
                **row,
                "account": accounts.get(str(row["client"])),
                "clv_money": quantize(repr(row["clv"])),
                "value_at_risk_money": quantize(repr(row["value_at_risk"])),
            }
            for row in frame.to_dicts()
        ]

    peak = max(valuation.alive_counts) or 1
    context = {
        "valuation": valuation,
        "top": named(valuation.top) if valuation.clients else [],
        "risky": named(valuation.at_risk) if valuation.clients else [],
        "alive_bars": [
            (index / 10, (index + 1) / 10, count, round(100 * count / peak))
            for index, count in enumerate(valuation.alive_counts)
        ],
        **_freshness(request),
    }
    return render(request, "web/value.html", context)


@login_required
@require_GET
def value_xlsx(request: HttpRequest) -> HttpResponse:
    """Every client's P(alive), expected purchases and lifetime value, with the summary."""
    workbook = exports.value_workbook(user=request.user)
    if workbook is None:
        messages.info(request, _("The value models need more sales history to be fitted."))
        return redirect("web:value")
    return xlsx_download(workbook, f"{_('portfolio-value')}.xlsx")


def _attention_rows(
    request: HttpRequest, book: BookAttention
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    found = book.attention
    frames = (found.over_served_c, found.under_served_a)
    accounts = _names(request, [c for frame in frames for c in frame["client"].to_list()])
    return tuple(  # type: ignore[return-value]
        [{**row, "account": accounts.get(str(row["client"]))} for row in frame.to_dicts()]
        for frame in frames
    )


@login_required
@require_GET
def attention_report_view(request: HttpRequest) -> HttpResponse:
    """Each ABC class's share of contacts against its share of revenue, by book (S2.3)."""
    report = attention_report(user=request.user)
    context: dict[str, Any] = {"report": report}
    if report is not None:
        books = []
        for book in (report.scope, *report.books):
            over, under = _attention_rows(request, book)
            books.append(
                {
                    "book": book,
                    "classes": _records(book.attention.by_class),
                    "chart": charts.attention(book.attention.by_class),
                    "over": over,
                    "under": under,
                }
            )
        context |= {
            "scope": books[0],
            "scope_heading": _("Whole portfolio")
            if sees_all(request.user)
            else _("Your portfolio"),
            "books": books[1:],
        }
    return render(request, "web/attention.html", context)
