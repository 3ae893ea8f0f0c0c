"""Pages of the client directory: the spreadsheet-like list (S2.7) and the client file (S2.1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cartera.activities.services import activity_log
from cartera.clients import client_file, exports, listing
from cartera.clients.filters import AccountFilterForm
from cartera.clients.forms import ActivityQuickForm
from cartera.clients.models import Account
from cartera.clients.selectors import account_get, contacts_of, ownership_history
from cartera.common.formatting import current_locale
from cartera.common.scoping import salesperson_of, sees_all
from cartera.metrics.selectors import latest_run, metrics_of, run_is_current
from cartera.metrics.services import metrics_refresh_if_stale
from cartera.web.selectors import saved_views_of
from cartera.web.services import saved_view_delete, saved_view_save

PAGE = "clients"
# Query-string keys that are not filters: kept apart so saved views and exports keep
# the filters and sort but never a page cursor.
_PAGING = ("after", "before")


def _filters_only(query: QueryDict) -> QueryDict:
    kept = query.copy()
    for key in _PAGING:
        kept.pop(key, None)
    return kept


@login_required
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    run = metrics_refresh_if_stale()
    form = AccountFilterForm(_filters_only(request.GET) or None, user=user)
    sort, descending = listing.parse_sort(request.GET.get("sort"))
    accounts = listing.accounts_listed(user=user, form=form)
    found = listing.list_page(
        accounts,
        sort=sort,
        descending=descending,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    page, count, more = found.page, found.count, found.more
    folded = form.groups.get("more", []) + form.groups.get("analytics", [])
    query = _filters_only(request.GET)
    context = {
        "form": form,
        "page": page,
        "rows": listing.rows_shown(page.rows),
        "sort_toggle": listing.sort_toggles(sort, descending),
        "show_owner": sees_all(user),
        "more_open": any(request.GET.get(name) for name in folded),
        "count": count,
        "more": more,
        "sort": sort,
        "descending": descending,
        "sorts": listing.SORTS,
        "query": query.urlencode(),
        "datalists": listing.suggestion_datalists(user=user),
        "saved_views": saved_views_of(user=user, page=PAGE),
        "metrics_run": run,
        "metrics_current": run_is_current(run),
    }
    template = "clients/_rows.html" if request.headers.get("HX-Request") else None
    return render(request, template or "clients/account_list.html", context)


def _export_queryset(request: HttpRequest) -> tuple[AccountFilterForm, object]:
    form = AccountFilterForm(_filters_only(request.GET) or None, user=request.user)
    sort, descending = listing.parse_sort(request.GET.get("sort"))
    accounts = listing.accounts_listed(user=request.user, form=form)
    return form, listing.ordered(accounts, sort, descending)


@login_required
@require_GET
def account_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, accounts = _export_queryset(request)
    rows = exports.export_rows(accounts)  # type: ignore[arg-type]
    response = StreamingHttpResponse(
        exports.csv_lines(rows, locale=current_locale()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_("clients")}.csv"'
    return response


@login_required
@require_GET
def account_export_xlsx(request: HttpRequest) -> FileResponse:
    _form, accounts = _export_queryset(request)
    workbook = exports.write_xlsx(exports.export_rows(accounts), sheet=_("Clients"))  # type: ignore[arg-type]
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=f"{_('clients')}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    query = _filters_only(QueryDict(request.POST.get("query", "")))
    if not name:
        messages.error(request, _("Give the view a name."))
    else:
        try:
            saved_view_save(user=request.user, page=PAGE, name=name, query=query.urlencode())
            messages.success(request, _("View “%(name)s” saved.") % {"name": name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(f"{_list_url()}?{query.urlencode()}")


@login_required
@require_POST
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not saved_view_delete(user=request.user, pk=pk):
        raise Http404
    messages.success(request, _("View deleted."))
    return redirect(_list_url())


def _list_url() -> str:
    from django.urls import reverse

    return reverse("clients:list")


def _file_context(request: HttpRequest, account: Account) -> dict[str, object]:
    run = latest_run()  # the page refreshed it if it had to
    return {
        "account": account,
        "contacts": contacts_of(account=account),
        "ownership": ownership_history(account=account),
        "sales": client_file.latest_sales(account=account),
        "products": client_file.products_bought(account=account),
        "activities": client_file.timeline(account=account),
        "next_action": client_file.next_action(account=account),
        "metrics": metrics_of(account=account),
        "metrics_run": run,
        "metrics_current": run_is_current(run),
        "today": timezone.localdate(),
    }


def _visible_account(request: HttpRequest, pk: int) -> Account:
    account = account_get(user=request.user, pk=pk)
    if account is None:
        # Not 403: another salesperson's client must be indistinguishable from a missing one.
        raise Http404
    return account


@login_required
@require_GET
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_account(request, pk)
    # Keep the ABC/RFM/value of a small portfolio current without a manual refresh.
    metrics_refresh_if_stale()
    context = _file_context(request, account)
    context["log_form"] = ActivityQuickForm(account=account)
    context["rating"] = client_file.rating_of(account=account)
    context["receivables"] = client_file.receivables_of(
        account=account, user=request.user, as_of=context["today"]
    )
    context["history"] = client_file.history_of(account=account, user=request.user)
    return render(request, "clients/account_detail.html", context)


@login_required
@require_GET
def account_history_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Download every audited change of one client, one field change a row."""
    account = _visible_account(request, pk)
    response = HttpResponse(
        client_file.history_csv(account=account, user=request.user),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{account.code}-{_("history")}.csv"'
    return response


@login_required
@require_POST
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a visit, call, e-mail, offer or survey from the client file (S2.2)."""
    account = _visible_account(request, pk)
    form = ActivityQuickForm(request.POST, account=account)
    logged = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            activity_log(
                account=account,
                kind=data["kind"],
                date=data["date"],
                salesperson=salesperson_of(request.user),
                contact=data["contact"],
                summary=data["summary"],
                outcome=data["outcome"],
                next_action_on=data["next_action_on"],
                next_action=data["next_action"],
            )
            logged = True
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
    if not request.headers.get("HX-Request"):
        if logged:
            messages.success(request, _("Follow-up logged."))
        else:
            messages.error(request, _("The follow-up was not logged: check the form."))
        return redirect("clients:detail", pk=account.pk)
    context = _file_context(request, account)
    context["log_form"] = ActivityQuickForm(account=account) if logged else form
    context["logged"] = logged
    return render(request, "clients/_follow_up.html", context)
