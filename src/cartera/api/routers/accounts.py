"""``/accounts``: clients and prospects (S0.1, S1.1, S2.1, S2.7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from pydantic import Field

from cartera.api.access import get_visible, require_change, require_manager, resolve
from cartera.api.schemas import PageQuery, Problem, page_schema
from cartera.api.types import (
    Attributes,
    Code,
    Country,
    Day,
    Email,
    Id,
    LongText,
    Money,
    Name,
    Phone,
    Text16,
    Text32,
    Text80,
    Text120,
    Text300,
    Url,
)
from cartera.clients import listing
from cartera.clients.filters import AccountFilterForm
from cartera.clients.models import Account, AccountKind, LostReason, RevenueBand, Status
from cartera.clients.services import account_create, account_hand_over, account_update
from cartera.common.scoping import salesperson_of, sees_all
from cartera.metrics.models import AbcClass, RfmSegment
from cartera.prospecting.models import Campaign, Source
from cartera.receivables.services import credit_limit_set
from cartera.team.models import Salesperson

router = Router(tags=["accounts"])

READ = {401: Problem, 404: Problem}
WRITE = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class AccountOut(Schema):
    id: int
    code: str
    legal_name: str
    trade_name: str
    tax_id: str
    kind: str
    status: str
    lost_on: dt.date | None
    lost_reason: str
    segment: str
    industry: str
    employees: int | None
    revenue_band: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    email: str
    website: str
    source: str
    campaign_id: int | None
    owner_id: int | None
    owner_name: str | None = None
    is_special: bool
    special_benefits: str
    credit_limit: Decimal | None
    payment_terms_days: int
    attributes: dict[str, Any]
    is_archived: bool
    pipeline_stage: str
    won_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_owner_name(obj: Account) -> str | None:
        return obj.owner.name if obj.owner_id else None


AccountPage = page_schema(AccountOut, "AccountPage")


class _Editable(Schema):
    trade_name: Name | Literal[""] | None = None
    tax_id: Text32 | None = None
    kind: AccountKind | None = None
    status: Status | None = None
    lost_on: Day | None = None
    lost_reason: LostReason | Literal[""] | None = None
    segment: Text80 | None = None
    industry: Text120 | None = None
    employees: int | None = Field(None, ge=0, le=2_147_483_647)
    revenue_band: RevenueBand | Literal[""] | None = None
    city: Text120 | None = None
    region: Text120 | None = None
    postal_code: Text16 | None = None
    country: Country | None = None
    phone: Phone | None = None
    email: Email | None = None
    website: Url | None = None
    source: Source | Literal[""] | None = None
    campaign_id: Id | None = None
    is_special: bool | None = None
    special_benefits: LongText | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=32_767)
    attributes: Attributes | None = None


class AccountIn(_Editable):
    code: Code
    legal_name: Name
    owner_id: Id | None = Field(
        None, description="Salesperson who holds it; a salesperson's own by default."
    )
    since: Day | None = Field(None, description="Start of the first ownership period.")


class AccountPatch(_Editable):
    code: Code | None = None
    legal_name: Name | None = None
    is_archived: bool | None = Field(None, description="Archive instead of deleting.")


class HandOverIn(Schema):
    to_salesperson_id: Id
    reason: Text300
    on: Day | None = None


class CreditLimitIn(Schema):
    limit: Money | None = Field(description="Empty removes the limit; 0 means no credit.")
    reason: Text300


class AccountFilters(Schema):
    """The client list's filters (S2.7): the same names as the page's query string."""

    q: str | None = Field(None, max_length=200, description="Name, code or tax id.")
    kind: Literal["clients", "prospects"] | None = None
    status: Status | None = None
    city: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=200)
    segment: str | None = Field(None, max_length=200)
    owner: Id | None = Field(None, description="Salesperson id (managers only).")
    abc: list[AbcClass] | None = None
    rfm: RfmSegment | None = None
    after: Day | None = Field(None, description="Last purchase on or after.")
    before: Day | None = Field(None, description="Last purchase before.")
    product: str | None = Field(None, max_length=200, description="Bought this SKU.")
    family: str | None = Field(None, max_length=200, description="Bought this family.")
    contact: str | None = Field(None, max_length=200, description="A contact's name.")
    special: bool | None = None


_NOT_FILTERS = ("sort", "cursor", "cursor_before", "limit")
SortKey = Literal[tuple(k for key in listing.SORTS for k in (key, f"-{key}"))]  # type: ignore[valid-type]


class AccountPaging(PageQuery):
    sort: SortKey = Field("name", description="A column, with - for largest first.")
    cursor_before: str | None = Field(
        None, max_length=400, description="`previous_cursor` of a page: the page before it."
    )


def _filter_form(request: HttpRequest) -> AccountFilterForm:
    data: QueryDict = request.GET.copy()
    for key in _NOT_FILTERS:
        data.pop(key, None)
    form = AccountFilterForm(data or None, user=request.user)
    if data and not form.is_valid():
        raise DjangoValidationError(
            {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        )
    return form


@router.get("", response={200: AccountPage, 401: Problem, 422: Problem})
def account_list(
    request: HttpRequest,
    filters: Query[AccountFilters],
    paging: Query[AccountPaging],
) -> Any:
    """List the accounts you may see, filtered like the client list, in keyset pages."""
    form = _filter_form(request)
    order, descending = listing.parse_sort(paging.sort)
    accounts = listing.listed_with_columns(listing.accounts_listed(user=request.user, form=form))
    page = listing.keyset_page(
        accounts,
        sort=order,
        descending=descending,
        after=paging.cursor,
        before=paging.cursor_before,
        size=paging.limit,
    )
    return {
        "items": page.rows,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }


def _account(request: HttpRequest, pk: int) -> Account:
    return get_visible(request, Account.objects.select_related("owner"), pk)


@router.get("/{account_id}", response={200: AccountOut, **READ})
def account_read(request: HttpRequest, account_id: Id) -> Any:
    """Return one account."""
    return _account(request, account_id)


def _owner_for(request: HttpRequest, owner_id: int | None) -> Salesperson | None:
    if sees_all(request.user):
        return resolve(request, Salesperson.objects.all(), owner_id, "owner_id")
    mine = salesperson_of(request.user)
    if mine is None or (owner_id is not None and owner_id != mine.pk):
        raise PermissionDenied(_("A salesperson adds accounts to their own portfolio only."))
    return mine


def _nullable(name: str) -> bool:
    names = {f.attname: f for f in Account._meta.concrete_fields}
    return bool(names[name].null) if name in names else True


def _fields(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    if "campaign_id" in data:
        campaign = data.pop("campaign_id")
        data["campaign"] = resolve(request, Campaign.objects.all(), campaign, "campaign_id")
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}


@router.post("", response={201: AccountOut, **WRITE})
def account_add(request: HttpRequest, payload: AccountIn) -> Any:
    """Add a client or prospect (a salesperson's own, unless a manager names the owner)."""
    data = payload.dict(exclude_unset=True, exclude_none=True)
    owner = _owner_for(request, data.pop("owner_id", None))
    code, name, since = data.pop("code"), data.pop("legal_name"), data.pop("since", None)
    account = account_create(
        code=code, legal_name=name, owner=owner, since=since, **_fields(request, data)
    )
    return Reply(201, Account.objects.select_related("owner").get(pk=account.pk))


@router.patch("/{account_id}", response={200: AccountOut, **WRITE})
def account_change(request: HttpRequest, account_id: Id, payload: AccountPatch) -> Any:
    """Change an account's fields; archive it with ``is_archived`` (accounts are never deleted)."""
    account = _account(request, account_id)
    require_change(request, account)
    sent = payload.dict(exclude_unset=True)
    # Model validation lets an empty value through a blank=True text field, null
    # included, and the database then refuses it: name the field here instead.
    nulls = [k for k, v in sent.items() if v is None and not _nullable(k)]
    if nulls:
        raise DjangoValidationError(dict.fromkeys(nulls, _("This field cannot be null.")))
    data = _fields(request, sent)
    account_update(account=account, data=data)
    return _account(request, account_id)


@router.post("/{account_id}/archive", response={200: AccountOut, **WRITE})
def account_archive(request: HttpRequest, account_id: Id) -> Any:
    """Archive an account: it leaves the lists, its history stays (no hard delete)."""
    account = _account(request, account_id)
    require_change(request, account)
    account_update(account=account, data={"is_archived": True})
    return _account(request, account_id)


@router.post("/{account_id}/hand-over", response={200: AccountOut, **WRITE})
def account_hand(request: HttpRequest, account_id: Id, payload: HandOverIn) -> Any:
    """Give the account to another salesperson, keeping its history (managers; S0.4)."""
    account = _account(request, account_id)
    require_manager(request)
    to = resolve(request, Salesperson.objects.all(), payload.to_salesperson_id, "to_salesperson_id")
    account_hand_over(
        accounts=[account], to=to, reason=payload.reason, on=payload.on, by=request.user
    )
    return _account(request, account_id)


@router.put("/{account_id}/credit-limit", response={200: AccountOut, **WRITE})
def account_credit_limit(request: HttpRequest, account_id: Id, payload: CreditLimitIn) -> Any:
    """Set or remove the account's credit limit, with the reason (managers; S1.8)."""
    account = _account(request, account_id)
    require_manager(request)
    credit_limit_set(account=account, limit=payload.limit, reason=payload.reason, by=request.user)
    return _account(request, account_id)


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class HistoryOut(Schema):
    at: dt.datetime
    who: str
    model: str
    object_id: int | None
    object_label: str
    action: str
    changes: list[ChangeOut]
    reason: str


@router.get("/{account_id}/history", response={200: list[HistoryOut], **READ})
def account_audit(request: HttpRequest, account_id: Id) -> Any:
    """Return the account's audit trail: who changed what, when, old → new (newest first)."""
    from cartera.audit.selectors import account_history

    return account_history(_account(request, account_id), request.user)
