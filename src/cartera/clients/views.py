"""Pages of the client directory: the filtered list and the client file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cartera.clients.filters import AccountFilterForm
from cartera.clients.selectors import (
    account_get,
    accounts_visible_to,
    contacts_of,
    ownership_history,
)

PAGE_SIZE = 50


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    accounts = accounts_visible_to(request.user).select_related("owner")
    if request.GET:
        accounts = form.apply(accounts)
    page = Paginator(accounts.order_by("legal_name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "clients/account_list.html", {"form": form, "page": page})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = account_get(user=request.user, pk=pk)
    if account is None:
        # Not 403: another salesperson's client must be indistinguishable from a missing one.
        raise Http404
    context = {
        "account": account,
        "contacts": contacts_of(account=account),
        "ownership": ownership_history(account=account),
        "sales": account.sales.order_by("-date", "-id")[:20],
        "activities": account.activities.select_related("salesperson").order_by("-date", "-id")[
            :20
        ],
    }
    return render(request, "clients/account_detail.html", context)
