"""``/contacts``: the people at each account, the purchasing contact first (S2.6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cartera.api.access import get_visible, require_change, resolve, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Email, Id, Name, Phone, Text120
from cartera.clients.models import Account, Contact
from cartera.clients.services import contact_create, contact_update

router = Router(tags=["contacts"])


class ContactOut(Schema):
    id: int
    account_id: int
    name: str
    role: str
    phone: str
    email: str
    is_purchasing: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ContactIn(Schema):
    account_id: Id
    name: Name
    role: Text120 = ""
    phone: Phone = ""
    email: Email = ""
    is_purchasing: bool = False


ContactPage = page_schema(ContactOut, "ContactPage")


class ContactQuery(PageQuery):
    account: Id | None = Field(None, description="Only this account's contacts.")


@router.get("", response={200: ContactPage, 401: Problem, 422: Problem})
def contact_list(
    request: HttpRequest,
    params: Query[ContactQuery],
) -> Any:
    """List the contacts you may see, newest first."""
    contacts = visible(request, Contact.objects.all())
    if params.account is not None:
        contacts = contacts.filter(account_id=params.account)
    return keyset(contacts, cursor=params.cursor, limit=params.limit)


@router.get("/{contact_id}", response={200: ContactOut, 401: Problem, 404: Problem})
def contact_read(request: HttpRequest, contact_id: Id) -> Any:
    """Return one contact."""
    return get_visible(request, Contact.objects.all(), contact_id)


@router.post("", response={201: ContactOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem})
def contact_add(request: HttpRequest, payload: ContactIn) -> Any:
    """Add a contact person to an account you may change."""
    data = payload.dict()
    account = resolve(request, Account.objects.all(), data.pop("account_id"), "account_id")
    assert account is not None
    require_change(request, account)
    return Status(201, contact_create(account=account, **data))


class ContactPatch(Schema):
    name: Name | None = None
    role: Text120 | None = None
    phone: Phone | None = None
    email: Email | None = None
    is_purchasing: bool | None = None


@router.patch(
    "/{contact_id}",
    response={200: ContactOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
)
def contact_change(request: HttpRequest, contact_id: Id, payload: ContactPatch) -> Any:
    """Change a contact person of an account you may change."""
    contact = get_visible(request, Contact.objects.select_related("account"), contact_id)
    require_change(request, contact.account)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    return contact_update(contact=contact, data=data)
