"""Salespeople pages: each portfolio's figures and the hand-over wizard (issue 9).

A manager sees every salesperson; a salesperson sees their own row and page, and
another's page is not found. The wizard (managers only) chooses the clients and who
takes them, previews the deal by value, then hands them over through the services of
:mod:`cartera.clients.services`, which record the ownership history (S0.4, S1.5).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from cartera.clients.services import (
    account_hand_over_filtered,
    handover_accept,
    salesperson_leave,
)
from cartera.common.scoping import sees_all
from cartera.team.forms import HandOverForm
from cartera.team.models import Salesperson
from cartera.team.selectors import (
    HandoverPlan,
    book_of,
    handover_plan,
    handover_suggestion,
    salesperson_get,
    team_rows,
)

BOOK_SHOWN = 200
"""Accounts listed on a salesperson's page; the client list filters the rest."""


def _visible(request: HttpRequest, salesperson_id: int) -> Salesperson:
    person = salesperson_get(user=request.user, pk=salesperson_id)
    if person is None:
        # Another salesperson's page is indistinguishable from a missing one.
        raise Http404
    return person


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "team/index.html",
        {"rows": team_rows(user=request.user), "manager": sees_all(request.user)},
    )


@login_required
@require_GET
def salesperson_detail(request: HttpRequest, salesperson_id: int) -> HttpResponse:
    person = _visible(request, salesperson_id)
    (row,) = team_rows(user=request.user, salesperson=person)
    book = book_of(user=request.user, salesperson=person)
    return render(
        request,
        "team/detail.html",
        {
            "row": row,
            "person": person,
            "book": book[:BOOK_SHOWN],
            "book_count": book.count(),
            "book_shown": BOOK_SHOWN,
            "manager": sees_all(request.user),
        },
    )


def _apply(request: HttpRequest, form: HandOverForm, plan: HandoverPlan) -> dict[str, int]:
    """Hand the clients over as previewed; return how many each receiver got."""
    data = form.cleaned_data
    receivers: list[Salesperson] = list(data["receivers"])
    common: dict[str, Any] = {"reason": data["reason"], "by": request.user, "on": data["on"]}
    if plan.leaving:
        return salesperson_leave(salesperson=plan.salesperson, to=receivers, **common).handed
    if len(receivers) == 1:
        moved = account_hand_over_filtered(
            from_=plan.salesperson, to=receivers[0], filters=form.filters(), **common
        )
        return {receivers[0].name: moved}
    handover_accept(moves=plan.moves(), **common)
    return {share.receiver.name: len(share.accounts) for share in plan.shares}


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request: HttpRequest, salesperson_id: int) -> HttpResponse:
    """The wizard: 1 choose clients and receivers, 2 preview, 3 confirm (managers)."""
    person = _visible(request, salesperson_id)
    if not sees_all(request.user):
        raise PermissionDenied
    suggestion = handover_suggestion(user=request.user, salesperson=person)
    step = request.POST.get("step") if request.method == "POST" else None
    context: dict[str, Any] = {"person": person, "suggestion": suggestion.to_dicts()}
    if step == "edit":  # back from the preview, with what was chosen
        context["form"] = HandOverForm(request.POST, salesperson=person)
        return render(request, "team/hand_over.html", context | {"step": 1})
    if step not in ("preview", "confirm"):
        suggested = set(suggestion["proposed"].to_list()) if suggestion.height else set()
        initial = {"receivers": Salesperson.objects.filter(name__in=suggested, is_active=True)}
        context["form"] = HandOverForm(salesperson=person, initial=initial)
        return render(request, "team/hand_over.html", context | {"step": 1})
    form = HandOverForm(request.POST, salesperson=person)
    context["form"] = form
    if not form.is_valid():
        return render(request, "team/hand_over.html", context | {"step": 1})
    try:
        plan = handover_plan(
            salesperson=person,
            receivers=list(form.cleaned_data["receivers"]),
            filters=form.filters(),
            leaving=form.cleaned_data["leaving"],
        )
        if step == "preview":
            return render(request, "team/hand_over.html", context | {"step": 2, "plan": plan})
        handed = _apply(request, form, plan)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return render(request, "team/hand_over.html", context | {"step": 1})
    context |= {"step": 3, "plan": plan, "handed": handed, "total": sum(handed.values())}
    return render(request, "team/hand_over.html", context)
