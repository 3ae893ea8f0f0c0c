"""The receivables pages: ageing, provisions, dunning, cash flow and credit (S1.8, S1.11, S3.6).

Every figure comes from :mod:`cartera.receivables.selectors`, the functions behind
``cartera receivables aging|provisions|dunning|cashflow|credit``, scoped to the user;
the views pick the date, name the clients, translate the codes and render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cartera.analytics import receivables as ar
from cartera.analytics.receivables import DunningAction, LimitReason
from cartera.common.downloads import xlsx_download
from cartera.common.formatting import (
    current_currency,
    current_locale,
    format_money,
    format_number,
)
from cartera.common.scoping import sees_all
from cartera.receivables import charts, exports
from cartera.receivables.forms import MAX_MONTHS_AHEAD, AsOfForm, CashflowForm
from cartera.receivables.selectors import (
    cashflow_report,
    credit_by_salesperson,
    credit_exposure,
    credit_report,
    dunning_report,
    overdue_clients,
    provision_policy,
    provision_report,
    provisioned_ageing,
)
from cartera.web.selectors import accounts_by_code

TOP_OVERDUE: Final = 15
"""Clients listed under the ageing, most overdue first."""
CREDIT_ROWS: Final = 50
"""Clients listed in each credit table; the workbook of the CLI has them all."""

ACTIONS = {
    DunningAction.REMINDER: gettext_lazy("Send a reminder"),
    DunningAction.CALL: gettext_lazy("Call"),
    DunningAction.FORMAL_NOTICE: gettext_lazy("Formal notice"),
    DunningAction.SUSPEND_CREDIT: gettext_lazy("Suspend credit"),
    DunningAction.COLLECTIONS_AGENCY: gettext_lazy("Collections agency"),
    DunningAction.LEGAL_ACTION: gettext_lazy("Legal action"),
}
RISKS = {
    "low": gettext_lazy("low risk"),
    "medium": gettext_lazy("medium risk"),
    "high": gettext_lazy("high risk"),
}
REASONS = {
    LimitReason.POLICY: gettext_lazy("policy"),
    LimitReason.CAPPED: gettext_lazy("capped at the maximum"),
    LimitReason.LOW_SCORE: gettext_lazy("low solvency score"),
    LimitReason.SHORT_HISTORY: gettext_lazy("short history"),
    LimitReason.NO_SALES: gettext_lazy("no sales in a year"),
}


def _with_accounts(request: HttpRequest, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return ``rows`` each with the ``account`` of its ``client`` code (for the link)."""
    accounts = accounts_by_code(user=request.user, codes=[str(row["client"]) for row in rows])
    return [{**row, "account": accounts.get(str(row["client"]))} for row in rows]


def _buckets(aged: ar.Ageing, provision: ar.Provision) -> list[dict[str, Any]]:
    names = exports.bucket_names(aged.buckets)
    return [
        {
            "name": name,
            "amount": total.amount,
            "invoices": total.invoices,
            "rate": float(bucket.percent) / 100,
            # Policies use whole percentages mostly; 1.5 % must not show as 2 %.
            "rate_digits": 0 if bucket.percent == bucket.percent.to_integral_value() else 2,
            "provision": bucket.amount,
            "provisioned_open": bucket.open,
        }
        for name, total, bucket in zip(names, aged.totals, provision.by_bucket, strict=True)
    ]


def _ageing_chart(buckets: list[dict[str, Any]]) -> Any:
    locale, currency = current_locale(), current_currency()
    return charts.ageing(
        [b["name"] for b in buckets],
        [b["amount"] for b in buckets],
        [format_money(b["amount"], currency=currency, locale=locale) for b in buckets],
    )


def _by_salesperson(aged: ar.Ageing) -> list[dict[str, Any]]:
    keys = aged.buckets.keys
    return [
        {**row, "cells": [row[f"{key}_cents"] for key in keys]}
        for row in aged.table(by="salesperson").to_dicts()
    ]


def _dated(form: AsOfForm) -> dict[str, Any]:
    """Return the form, its date and the query that keeps the date across the tabs."""
    as_of = form.day()
    asked = form.cleaned_data.get("as_of") is not None
    return {"form": form, "as_of": as_of, "query": f"?as_of={as_of.isoformat()}" if asked else ""}


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """What clients owe at a date by days overdue, the provision, who owes most (S1.11)."""
    form = AsOfForm(request.GET)
    page = _dated(form)
    as_of = page["as_of"]
    aged, provision = provisioned_ageing(user=request.user, as_of=as_of)
    buckets = _buckets(aged, provision)
    overdue = overdue_clients(aged)
    context: dict[str, Any] = {
        **page,
        "aged": aged,
        "open_invoices": aged.items.height,
        "provision": provision,
        "buckets": buckets,
        "bucket_names": [b["name"] for b in buckets],
        "chart": _ageing_chart(buckets),
        "overdue_clients": overdue.height,
        "top": _with_accounts(request, overdue.head(TOP_OVERDUE).to_dicts()),
        "by_salesperson": _by_salesperson(aged) if sees_all(request.user) else None,
    }
    return render(request, "receivables/index.html", context)


def _month_end_before(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def _provisions(request: HttpRequest, as_of: dt.date) -> tuple[Any, Any, Any]:
    """Return the ageing and provision at ``as_of`` and the movement since the month end."""
    aged, closing = provisioned_ageing(user=request.user, as_of=as_of)
    opening = provision_report(user=request.user, as_of=_month_end_before(as_of))
    return aged, closing, ar.provision_movement(opening, closing)


@login_required
@require_GET
def provisions(request: HttpRequest) -> HttpResponse:
    """The provision for doubtful debts by bucket and client, and its movement (S1.11)."""
    form = AsOfForm(request.GET)
    page = _dated(form)
    as_of = page["as_of"]
    aged, provision, movement = _provisions(request, as_of)
    policy = provision_policy()
    by_client = provision.by_client.filter(pl.col("provision_cents") != 0)
    moved = movement.by_client.sort(["net_cents", "client"], descending=[True, False])
    context = {
        **page,
        "provision": provision,
        "movement": movement,
        "buckets": _buckets(aged, provision),
        "overrides": len(policy.overrides),
        "by_client": _with_accounts(request, by_client.to_dicts()),
        "moved": _with_accounts(request, moved.to_dicts()),
    }
    return render(request, "receivables/provisions.html", context)


def _workbook(book: Any, name: str, as_of: dt.date) -> FileResponse:
    return xlsx_download(book, f"{name}-{as_of.isoformat()}.xlsx")


@login_required
@require_GET
def ageing_xlsx(request: HttpRequest) -> FileResponse:
    """The ageing at the page's date: summary, clients and open invoices as a workbook."""
    as_of = AsOfForm(request.GET).day()
    aged, provision = provisioned_ageing(user=request.user, as_of=as_of)
    return _workbook(exports.ageing_workbook(aged, provision), _("ageing"), as_of)


@login_required
@require_GET
def provisions_xlsx(request: HttpRequest) -> FileResponse:
    """The provision and its movement since the month end, for the accountant."""
    as_of = AsOfForm(request.GET).day()
    book = exports.provisions_workbook(*_provisions(request, as_of))
    return _workbook(book, _("provisions"), as_of)


@login_required
@require_GET
def dunning(request: HttpRequest) -> HttpResponse:
    """Who to chase: overdue clients, their purchasing contact and the step their age calls for."""
    form = AsOfForm(request.GET)
    page = _dated(form)
    as_of = page["as_of"]
    report = dunning_report(user=request.user, as_of=as_of)
    invoices: dict[str, list[dict[str, Any]]] = {}
    for item in report.items.select(
        "client", "invoice", "due_date", "days_overdue", "open_cents"
    ).iter_rows(named=True):
        invoices.setdefault(item["client"], []).append(item)
    rows = [
        {
            **row,
            "action_label": ACTIONS.get(row["action"], row["action"]),
            "items": invoices[row["client"]],
        }
        for row in report.clients.to_dicts()
    ]
    context = {
        **page,
        "rows": _with_accounts(request, rows),
        "total": report.clients["overdue_cents"].sum(),
    }
    return render(request, "receivables/dunning.html", context)


@login_required
@require_GET
def cashflow(request: HttpRequest) -> HttpResponse:
    """Sales against collections month by month, and the collections expected ahead (S3.6)."""
    form = CashflowForm(request.GET)
    page = _dated(form)
    as_of = page["as_of"]
    months_ahead = form.months_ahead()
    monthly, forecast = cashflow_report(user=request.user, as_of=as_of, months_ahead=months_ahead)
    locale = current_locale()
    chart = charts.cashflow(
        monthly["month"].to_list(),
        (monthly["net_sales_cents"] / 100).to_list(),
        (monthly["collected_cents"] / 100).to_list(),
        forecast.months["month"].to_list(),
        (forecast.months["expected_cents"] / 100).to_list(),
        amount=lambda value: format_number(value, locale=locale),
    )
    context = {
        **page,
        "months": monthly.reverse().to_dicts(),
        "forecast": forecast,
        "expected": forecast.months.to_dicts(),
        "expected_total": forecast.months["expected_cents"].sum(),
        "months_ahead": months_ahead,
        "max_months": MAX_MONTHS_AHEAD,
        "chart": chart,
    }
    return render(request, "receivables/cashflow.html", context)


@login_required
@require_GET
def credit(request: HttpRequest) -> HttpResponse:
    """Exposure against limits, proposed limits, DSO and risk by salesperson (S1.8, S1.9)."""
    form = AsOfForm(request.GET)
    page = _dated(form)
    as_of = page["as_of"]
    report = credit_report(user=request.user, as_of=as_of)
    exposure = credit_exposure(report)
    clients = [
        {**row, "reason_label": REASONS.get(row["reason"], row["reason"])}
        for row in exposure.head(CREDIT_ROWS).to_dicts()
    ]
    people = credit_by_salesperson(report)
    context = {
        **page,
        "over_limit": report.exposure.filter(pl.col("headroom_cents") < 0).height,
        "without_limit": report.exposure.filter(
            pl.col("limit_cents").is_null() & (pl.col("exposure_cents") > 0)
        ).height,
        "clients": _with_accounts(request, clients),
        "clients_total": exposure.height,
        "people": people.to_dicts(),
        "matrix": [
            {**row, "risk_label": RISKS.get(row["risk"], row["risk"])}
            for row in report.risk_matrix.to_dicts()
        ],
        "weakest": _with_accounts(request, report.solvency.head(10).to_dicts()),
    }
    return render(request, "receivables/credit.html", context)
