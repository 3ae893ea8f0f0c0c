"""Prospect pages: the pipeline board, qualification, conversion and acquisition cost (issue 9).

The figures come from :func:`cartera.prospecting.selectors.pipeline_summary` (what
``cartera pipeline`` prints) and the board from :mod:`cartera.prospecting.board`; moves
go through the pipeline services. A salesperson sees and moves their own prospects only:
another's is not found.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from cartera.analytics.pipeline import conversion_by
from cartera.analytics.profile import Condition
from cartera.clients.models import Account
from cartera.clients.selectors import account_get
from cartera.clients.services import account_update
from cartera.common.downloads import xlsx_download
from cartera.common.scoping import can_change, sees_all
from cartera.prospecting import charts
from cartera.prospecting.board import pipeline_board, tickable
from cartera.prospecting.checklist import DEFAULT_CHECKLIST
from cartera.prospecting.models import (
    OPEN_STAGES,
    DisqualificationReason,
    PipelineStage,
    Source,
)
from cartera.prospecting.selectors import (
    PipelineSummary,
    pipeline_summary,
    qualification_checklist,
)
from cartera.prospecting.services import (
    prospect_disqualify,
    prospect_stage_set,
    prospect_win,
    qualification_checklist_set,
)
from cartera.reporting.workbook import write_workbook
from cartera.web.templatetags.cartera import money

# The default checklist is written in English in code; these msgids let the page show
# its labels translated ({% translate %}). Keep them equal to DEFAULT_CHECKLIST's labels.
CHECKLIST_LABELS = (
    gettext_noop("Needs confirmed in a conversation"),
    gettext_noop("Payment capacity: credit rating at least 600"),
    gettext_noop("Fits the ideal client profile (60 or more)"),
)
STAGE_LABELS = dict(PipelineStage.choices)
SOURCE_LABELS = dict(Source.choices)
REASON_LABELS = dict(DisqualificationReason.choices)


def _labelled(rows: list[dict[str, Any]], key: str, labels: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**row, key: labels.get(row[key], row[key])} for row in rows]


def _conversion(funnel: pl.DataFrame, by: str) -> list[dict[str, Any]]:
    return [] if funnel.is_empty() else conversion_by(funnel, by).to_dicts()


def _summary_context(summary: PipelineSummary) -> dict[str, Any]:
    cycle = summary.cycle.row(0, named=True) if summary.cycle.height else {}
    return {
        "summary": summary,
        "funnel": _labelled(summary.funnel.to_dicts(), "stage", STAGE_LABELS),
        "by_source": _labelled(
            _conversion(summary.funnel_by_source, "source"), "source", SOURCE_LABELS
        ),
        "by_campaign": _conversion(summary.funnel_by_campaign, "campaign"),
        "lost_reasons": _labelled(summary.lost_reasons.to_dicts(), "lost_reason", REASON_LABELS),
        "cycle": cycle,
    }


def _checklist_pool() -> list[tuple[Condition, bool]]:
    """Return the items a manager may tick: the checklist in force, then unused defaults."""
    current = qualification_checklist()
    keys = {c.key for c in current}
    spare = [Condition(**item) for item in DEFAULT_CHECKLIST if item["key"] not in keys]
    return [(c, True) for c in current] + [(c, False) for c in spare]


def _board_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "columns": pipeline_board(user=request.user),
        "stages": [(s.value, s.label) for s in OPEN_STAGES],
        "reasons": DisqualificationReason.choices,
        "manager": sees_all(request.user),
    }


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The pipeline board with the funnel, conversion, lost reasons and the sales cycle."""
    context = _board_context(request) | _summary_context(pipeline_summary(request.user))
    if context["manager"]:
        context["pool"] = _checklist_pool()
    return render(request, "prospecting/index.html", context)


def _prospect(request: HttpRequest, pk: int) -> Account:
    account = account_get(user=request.user, pk=pk)
    if account is None:
        # Another salesperson's prospect is indistinguishable from a missing one.
        raise Http404
    return account


def _done(request: HttpRequest) -> HttpResponse:
    """Answer a move: the board alone for htmx, else back to the page (POST, redirect, GET)."""
    if request.headers.get("HX-Request"):
        return render(request, "prospecting/_board.html", _board_context(request))
    return redirect("prospecting:index")


def _apply(
    request: HttpRequest, action: Any, success: Callable[[Account], str], **arguments: Any
) -> HttpResponse:
    try:
        account = action(by=request.user, **arguments)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(account))
    return _done(request)


@login_required
@require_POST
def prospect_move(request: HttpRequest, pk: int) -> HttpResponse:
    account = _prospect(request, pk)
    stage = request.POST.get("stage", "")
    return _apply(
        request,
        prospect_stage_set,
        lambda done: (
            _("%(name)s moved to “%(stage)s”.")
            % {"name": done.display_name, "stage": STAGE_LABELS.get(stage, stage)}
        ),
        account=account,
        stage=stage,
        note=request.POST.get("note", ""),
    )


@login_required
@require_POST
def prospect_discard(request: HttpRequest, pk: int) -> HttpResponse:
    account = _prospect(request, pk)
    return _apply(
        request,
        prospect_disqualify,
        lambda done: _("%(name)s disqualified.") % {"name": done.display_name},
        account=account,
        reason=request.POST.get("reason", ""),
        note=request.POST.get("note", ""),
    )


@login_required
@require_POST
def prospect_won(request: HttpRequest, pk: int) -> HttpResponse:
    account = _prospect(request, pk)
    return _apply(
        request,
        prospect_win,
        lambda done: _("%(name)s won: now a client.") % {"name": done.display_name},
        account=account,
    )


@login_required
@require_POST
def prospect_tick(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a yes/no item of the checklist for one prospect (needs confirmed …)."""
    account = _prospect(request, pk)
    key = request.POST.get("key", "")
    item = next((c for c in qualification_checklist() if c.key == key), None)
    if item is None or not tickable(item) or not can_change(request.user, account):
        messages.error(request, _("This item is not answered by hand."))
        return _done(request)
    attributes = {**account.attributes, item.attribute: request.POST.get("value") == "1"}
    account_update(account=account, data={"attributes": attributes})
    messages.success(request, _("Checklist of %(name)s updated.") % {"name": account.display_name})
    return _done(request)


def _number(raw: str) -> int | float | None:
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@login_required
@require_POST
def checklist_save(request: HttpRequest) -> HttpResponse:
    """Keep the ticked items as the qualification checklist, with their thresholds (managers)."""
    if not sees_all(request.user):
        raise PermissionDenied
    ticked = set(request.POST.getlist("item"))
    items = []
    for condition, _in_force in _checklist_pool():
        if condition.key not in ticked:
            continue
        value = condition.value
        raw = request.POST.get(f"value-{condition.key}")
        if raw is not None and isinstance(value, int | float) and not isinstance(value, bool):
            value = _number(raw)
        items.append(
            {"key": condition.key, "label": condition.label, "attribute": condition.attribute,
             "op": condition.op, "value": value}
        )  # fmt: skip
    if not items:
        messages.error(request, _("Keep at least one item in the checklist."))
        return redirect("prospecting:index")
    try:
        qualification_checklist_set(items=items, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Qualification checklist saved."))
    return redirect("prospecting:index")


def _cost_rows(frame: pl.DataFrame, by: str) -> list[dict[str, Any]]:
    rows = frame.to_dicts()
    return _labelled(rows, by, SOURCE_LABELS) if by == "source" else rows


def _cost_chart(rows: list[dict[str, Any]], by: str) -> SafeString:
    def units(cents: int | None) -> float | None:
        return None if cents is None else cents / 100

    return mark_safe(  # built and escaped by prospecting.charts
        charts.cost_against_revenue_chart(
            [str(row[by]) for row in rows],
            [units(row["cac_cents"]) for row in rows],
            [units(row.get("first_year_revenue_per_client_cents")) for row in rows],
            title=_("Acquisition cost and first-year revenue per client"),
            legend=(_("acquisition cost per client"), _("first-year revenue per client")),
            amount=lambda value: money(Decimal(str(round(value, 2)))),
        )
    )


@login_required
@require_GET
def acquisition(request: HttpRequest) -> HttpResponse:
    """Acquisition cost per campaign and per source against first-year revenue (S1.4)."""
    summary = pipeline_summary(request.user)
    campaigns = _cost_rows(summary.cost_by_campaign, "campaign")
    sources = _cost_rows(summary.cost_by_source, "source")
    context = {
        "summary": summary,
        "manager": sees_all(request.user),
        "tables": [
            (_("By campaign"), "campaign", campaigns),
            (_("By source"), "source", sources),
        ],
        "charts": [
            (_cost_chart(rows, by), caption)
            for rows, by, caption in (
                (
                    campaigns,
                    "campaign",
                    _(
                        "Per campaign: what each client won cost, and what "
                        "the clients won bring in their first year."
                    ),
                ),
                (sources, "source", _("Per acquisition source.")),
            )
            if rows
        ],
    }
    return render(request, "prospecting/acquisition.html", context)


@login_required
@require_GET
def acquisition_xlsx(request: HttpRequest) -> HttpResponse:
    """The acquisition-cost tables as a workbook (managers: the costs are the company's)."""
    if not sees_all(request.user):
        raise PermissionDenied
    summary = pipeline_summary(request.user)
    with tempfile.TemporaryDirectory() as folder:
        path = write_workbook(
            Path(folder) / "book.xlsx",
            {_("By campaign"): summary.cost_by_campaign, _("By source"): summary.cost_by_source},
        )
        # The open handle keeps the data after the directory is removed (POSIX).
        handle = path.open("rb")
    return xlsx_download(handle, f"{_('acquisition-cost')}-{summary.as_of.isoformat()}.xlsx")
