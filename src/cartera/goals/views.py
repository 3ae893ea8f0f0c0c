"""The forecast and goals page: next year's revenue with its interval, goals and drift (S3.5).

Every figure comes from :mod:`cartera.goals.reports` (the selectors, cached); a goal is
set through :func:`cartera.goals.services.goal_set`, the service the API uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cartera.analytics.forecast import TOTAL, UNASSIGNED
from cartera.common.downloads import xlsx_download
from cartera.common.scoping import sees_all
from cartera.goals import exports, reports
from cartera.goals.services import goal_set
from cartera.team.models import Salesperson
from cartera.web import charts

YEARS_AROUND = 2
"""Years offered on each side of the current one."""
CLIENTS_SHOWN = 5
"""Clients named under each drift warning (the largest shortfalls)."""


class GoalForm(forms.Form):
    salesperson = forms.ModelChoiceField(
        label=gettext_lazy("Salesperson"),
        queryset=Salesperson.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=gettext_lazy("Company"),
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1900, max_value=2999)
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"),
        choices=[("", gettext_lazy("Whole year"))] + [(str(m), str(m)) for m in range(1, 13)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    target = forms.DecimalField(
        label=gettext_lazy("Target"), min_value=0, max_digits=14, decimal_places=2
    )
    spread = forms.ChoiceField(
        label=gettext_lazy("Months of a yearly goal"),
        choices=[
            ("keep", gettext_lazy("Keep their proportions")),
            ("profile", gettext_lazy("By the seasonal profile")),
            ("even", gettext_lazy("Evenly")),
        ],
        initial="keep",
    )


def _year(request: HttpRequest, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if abs(year - today.year) <= YEARS_AROUND else today.year


def _people(request: HttpRequest) -> list[Salesperson]:
    # Only a manager chooses among salespeople; a salesperson sees their own book.
    if not sees_all(request.user):
        return []
    return list(Salesperson.objects.filter(is_active=True).order_by("name"))


def _chosen(request: HttpRequest, people: list[Salesperson]) -> Salesperson | None:
    wanted = request.GET.get("salesperson", "")
    return next((p for p in people if str(p.pk) == wanted), None)


def _forecast_context(
    report: reports.ForecastReport, chosen: Salesperson | None, people: list[Salesperson]
) -> dict[str, Any]:
    total = report.total
    company = str(total.models["series"][0])
    series = reports.series_rows(report.forecast if report.by else total)
    focus_series = chosen.name if chosen is not None else company
    focus = report.forecast if chosen is not None else total
    shown = focus.models.filter(focus.models["series"] == focus_series).height > 0
    months = focus.forecast.filter(focus.forecast["series"] == focus_series).sort("month")
    total_row = reports.series_rows(total)[0]
    return {
        "report": report,
        "interval_titles": [
            _("%(level)d %% interval") % {"level": level} for level in total.levels
        ],
        "total_row": total_row,
        "series_rows": series if report.by else [],
        "ids": {p.name: p.pk for p in people},
        "focus_name": chosen.name if chosen is not None else None,
        "focus_shown": shown,
        "focus_chart": charts.forecast(focus, focus_series, title=_("Revenue and forecast"))
        if shown
        else None,
        "profile_chart": charts.seasonal_profile(focus, focus_series) if shown else None,
        "focus_months": [
            (
                row["month"],
                row["forecast_cents"],
                [(row[f"lo_{level}_cents"], row[f"hi_{level}_cents"]) for level in total.levels],
            )
            for row in months.iter_rows(named=True)
        ],
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Forecast of the next twelve months, the year's goals and the drift warnings (S3.5)."""
    today = timezone.localdate()
    year = _year(request, today)
    people = _people(request)
    chosen = _chosen(request, people)
    forecast = reports.revenue_forecast(user=request.user, as_of=today)
    tracking = reports.goal_tracking(user=request.user, year=year, as_of=today)
    rows = reports.goal_rows(tracking)
    if chosen is not None:
        rows = [r for r in rows if r.is_company or r.salesperson_id == chosen.pk]
    drift = reports.drift_warnings(user=request.user, as_of=today)
    alerts = [
        (alert, alert.clients.head(CLIENTS_SHOWN).select("account_id", "client_name").rows())
        for alert in drift.alerts
        if chosen is None or alert.salesperson_id in (None, chosen.pk)
    ]
    context: dict[str, Any] = {
        "today": today,
        "year": year,
        "years": range(today.year - YEARS_AROUND, today.year + YEARS_AROUND + 1),
        "people": people,
        "chosen": chosen,
        "goal_rows": rows,
        "tracking": tracking,
        "alerts": alerts,
        "drift_note": _("Below the lower bound of the %(level)d %% interval two months running.")
        % {"level": drift.level},
        "can_set": sees_all(request.user),
        "company_series": TOTAL,
        "unassigned": UNASSIGNED,
        "form": GoalForm(initial={"year": year, "salesperson": chosen}),
        "forecast": forecast,
    }
    if forecast is not None:
        context |= _forecast_context(forecast, chosen, people)
    return render(request, "goals/index.html", context)


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The forecast and the year's goals as a workbook, for what the user sees."""
    today = timezone.localdate()
    year = _year(request, today)
    workbook = exports.goals_workbook(user=request.user, year=year, as_of=today)
    return xlsx_download(workbook, f"{_('forecast-and-goals')}-{year}.xlsx")


@login_required
@require_POST
def set_goal(request: HttpRequest) -> HttpResponse:
    """Set a yearly or monthly goal (managers): the service the API's ``PUT /goals`` calls."""
    if not sees_all(request.user):
        raise PermissionDenied
    form = GoalForm(request.POST)
    back = reverse("goals:index")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    try:
        goal_set(
            acting_user=request.user,
            year=data["year"],
            target=data["target"],
            salesperson=data["salesperson"],
            month=data["month"],
            spread=data["spread"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    who = data["salesperson"].name if data["salesperson"] else _("the company")
    messages.success(
        request, _("Goal of %(who)s for %(year)s saved.") % {"who": who, "year": data["year"]}
    )
    return redirect(f"{back}?year={data['year']}")
