"""The permission matrix: every page and API endpoint × every role × own / other's object.

0 leaks (issue 10, point 2): a salesperson gets for another salesperson's object exactly
what they get for an id that does not exist (404), never its data; anonymous callers are
sent to the login page (pages) or get 401 (API); a salesperson's writes on shared or
manager-only resources are 403; no response to a salesperson contains a marker written
into the other salesperson's rows; and nothing of the other's book changes.

Pages come from walking the URLconf and API operations from the OpenAPI document, so a
new page or endpoint is in the matrix the day it is added. One with a parameter this
file does not know fails :func:`test_every_parameter_is_known` until it is mapped here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cartera.api.main import api
from cartera.api.services import token_create
from cartera.audit.models import AuditEvent
from cartera.clients.models import Account
from cartera.goals.models import Goal
from cartera.web.services import saved_view_save
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    AdminFactory,
    CampaignFactory,
    ContactFactory,
    ManagerFactory,
    PaymentFactory,
    ProductFactory,
    SaleFactory,
    SalespersonFactory,
)

pytestmark = pytest.mark.django_db

MARK = "ZQXLUIS"
"""Written into every row of the other salesperson; must never reach the salesperson."""
MISSING = 987_654_321

# Pages anyone may open; everything else needs a login.
PUBLIC_PAGES = {"login", "logout", "set_language"}
PUBLIC_API = {("get", "/api/v1/openapi.json"), ("get", "/api/v1/docs")}

# Which object a URL parameter names: page URL name → kind; API parameter → kind.
PAGE_PARAMETERS = {
    "clients:detail": "account",
    "clients:log_activity": "account",
    "clients:history_csv": "account",
    "clients:view_delete": "savedview",
    "users:revoke": "apitoken",
    "prospecting:move": "account",
    "prospecting:disqualify": "account",
    "prospecting:win": "account",
    "prospecting:tick": "account",
    "team:detail": "salesperson",
    "team:hand_over": "salesperson",
}
API_PARAMETERS = {
    "account_id": "account",
    "contact_id": "contact",
    "product_id": "product",
    "sale_id": "sale",
    "payment_id": "payment",
    "activity_id": "activity",
    "campaign_id": "campaign",
    "goal_id": "goal",
}
PERSONAL = {"savedview", "apitoken"}
"""Belong to one login, whatever the role: a manager has no business with a view of Ana's."""
SHARED = {"product", "campaign"}
LITERAL_PARAMETERS = {"kind": "clients"}
"""Path parameters that name no object: the value used for every role."""
UPLOAD = "__upload__"
"""A body marker: send a small clients CSV as a multipart file instead of JSON."""
"""Readable by everyone logged in; so "other's" is the same as "own" for them."""

# A valid body for each write, so that scoping is the only reason left to refuse it.
# "{own}" / "{other}" stand for the account of the salesperson / of the other one.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/accounts"): {"code": "NEW-{n}", "legal_name": "Nueva {n}"},
    ("patch", "/api/v1/accounts/{account_id}"): {"city": "Cuenca"},
    ("post", "/api/v1/accounts/{account_id}/archive"): {},
    ("post", "/api/v1/accounts/{account_id}/hand-over"): {
        "to_salesperson_id": "{ana}", "reason": "Reparto",
    },
    ("put", "/api/v1/accounts/{account_id}/credit-limit"): {"limit": "100.00", "reason": "x"},
    ("post", "/api/v1/contacts"): {"account_id": "{account}", "name": "Nuevo contacto"},
    ("post", "/api/v1/sales"): {
        "number": "NEW-{n}", "account_id": "{account}", "date": "2026-04-01",
        "lines": [{"sku": "MATRIX", "quantity": "1"}],
    },
    ("post", "/api/v1/payments"): {
        "reference": "NEW-{n}", "account_id": "{account}", "date": "2026-04-02", "amount": "1.00",
    },
    ("post", "/api/v1/activities"): {
        "account_id": "{account}", "kind": "call", "date": "2026-04-03",
    },
    ("put", "/api/v1/goals"): {"year": 2031, "target": "10.00", "salesperson_id": "{ana}"},
    ("post", "/api/v1/imports/{kind}"): {UPLOAD: "code;legal_name\nIMP-{n};Importada\n"},
    ("patch", "/api/v1/contacts/{contact_id}"): {"role": "Compras"},
    ("patch", "/api/v1/activities/{activity_id}"): {"outcome": "positive"},
    ("post", "/api/v1/products"): {"sku": "NEW-{n}", "name": "Nuevo {n}"},
    ("patch", "/api/v1/products/{product_id}"): {"family": "Otra"},
    ("post", "/api/v1/campaigns"): {
        "name": "Nueva {n}", "source": "web", "started_on": "2026-04-01",
    },
    ("patch", "/api/v1/campaigns/{campaign_id}"): {"cost": "10.00"},
}  # fmt: skip
MANAGER_ONLY = {
    ("post", "/api/v1/accounts/{account_id}/hand-over"),
    ("put", "/api/v1/accounts/{account_id}/credit-limit"),
    ("put", "/api/v1/goals"),
    ("post", "/api/v1/imports/{kind}"),
    ("post", "/api/v1/products"),
    ("patch", "/api/v1/products/{product_id}"),
    ("post", "/api/v1/campaigns"),
    ("patch", "/api/v1/campaigns/{campaign_id}"),
}


@dataclass
class Book:
    account: Account
    ids: dict[str, int]


def _book(person: Any, mark: str, user: Any) -> Book:
    account = AccountFactory(owner=person, code=f"{mark}-A", legal_name=f"{mark} cuenta")
    contact = ContactFactory(account=account, name=f"{mark} contacto")
    sale = SaleFactory(account=account, number=f"{mark}-F")
    payment = PaymentFactory(account=account, reference=f"{mark}-P")
    activity = ActivityFactory(account=account, summary=f"{mark} visita")
    goal = Goal.objects.create(salesperson=person, year=2026, target=Decimal("1000.00"))
    view = saved_view_save(user=user, page="clients", name=f"{mark} vista", query="city=X")
    token = token_create(user=user, name=f"{mark} token", created_by=user).token
    return Book(
        account,
        {
            "account": account.pk, "contact": contact.pk, "sale": sale.pk,
            "payment": payment.pk, "activity": activity.pk, "goal": goal.pk,
            "savedview": view.pk, "apitoken": token.pk, "salesperson": person.pk,
        },
    )  # fmt: skip


@pytest.fixture
def matrix(db: None) -> dict[str, Any]:
    ana, luis = SalespersonFactory(name="Ana"), SalespersonFactory(name=f"{MARK} Luis")
    mine, theirs = _book(ana, "ANA", ana.user), _book(luis, MARK, luis.user)
    product = ProductFactory(sku="MATRIX", list_price=Decimal("1.00"))
    campaign = CampaignFactory()
    for book in (mine, theirs):
        book.ids |= {"product": product.pk, "campaign": campaign.pk}
    users = {
        "salesperson": ana.user,
        "manager": ManagerFactory(),
        "admin": AdminFactory(),
    }
    return {"ana": ana, "luis": luis, "mine": mine, "theirs": theirs, "users": users}


# --- the URLconf ----------------------------------------------------------------------


Route = tuple[str, str, URLPattern]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            space = f"{namespace}{item.namespace}:" if item.namespace else namespace
            yield from _walk(item, prefix + str(item.pattern), space)
        else:
            yield prefix + str(item.pattern), f"{namespace}{item.name}", item


def pages() -> list[tuple[str, str]]:
    """Return (route, name) of every page: the URLconf less the admin and the API."""
    return [
        (route, name)
        for route, name, _p in _walk(get_resolver())
        if not route.startswith(("admin/", "api/"))
    ]


def operations() -> list[tuple[str, str, list[str]]]:
    """Return (method, path template, path parameters) of every API operation."""
    spec = api.get_openapi_schema()
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            found.append((method, path, params))
    return found


def _page_url(route: str, name: str, ids: dict[str, int] | None) -> str:
    kind = PAGE_PARAMETERS.get(name)
    url = "/" + route
    for parameter in re.findall(r"<(?:\w+:)?(\w+)>", route):
        value = MISSING if ids is None else ids[kind]  # type: ignore[index]
        url = re.sub(rf"<(?:\w+:)?{parameter}>", str(value), url)
    return url


def _api_url(path: str, params: list[str], ids: dict[str, int] | None) -> str:
    for parameter in params:
        if parameter in LITERAL_PARAMETERS:
            path = path.replace("{" + parameter + "}", LITERAL_PARAMETERS[parameter])
            continue
        value = MISSING if ids is None else ids[API_PARAMETERS[parameter]]
        path = path.replace("{" + parameter + "}", str(value))
    return path


def _fill(value: Any, subs: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, sub in subs.items():
            value = value.replace("{" + key + "}", sub)
        return int(value) if value.isdigit() and value != "" else value
    if isinstance(value, dict):
        return {k: _fill(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, subs) for v in value]
    return value


_counter = iter(range(1, 10**6))


def _body(method: str, path: str, account: Account, matrix: dict[str, Any]) -> Any:
    subs = {"n": str(next(_counter)), "account": str(account.pk), "ana": str(matrix["ana"].pk)}
    return _fill(BODIES.get((method, path), {}), subs)


def _trace_of_theirs(matrix: dict[str, Any]) -> tuple[int, int]:
    history = Account.history.filter(id=matrix["theirs"].account.pk)  # type: ignore[attr-defined]
    return AuditEvent.objects.count(), history.count()


def _api_call(client: Client, token: str | None, method: str, url: str, body: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "get":
        return client.get(url, **headers)
    if isinstance(body, dict) and UPLOAD in body:
        upload = SimpleUploadedFile("matrix.csv", body[UPLOAD].encode(), "text/csv")
        return client.post(url, {"file": upload}, **headers)
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **headers
    )


def _no_mark(response: Any, where: str) -> None:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert MARK.encode() not in content, f"LEAK: {where} shows the other salesperson's data"


# --- the tests ------------------------------------------------------------------------


def test_every_parameter_is_known():
    unknown = [
        name
        for route, name in pages()
        if re.search(r"<[^>]+>", route) and name not in PAGE_PARAMETERS
    ]
    known = API_PARAMETERS.keys() | LITERAL_PARAMETERS.keys()
    unknown += [p for _m, _path, params in operations() for p in params if p not in known]
    writes = [(m, p) for m, p, _params in operations() if m != "get"]
    assert not unknown, f"add these to the permission matrix: {unknown}"
    assert set(writes) <= set(BODIES), f"give a valid body: {set(writes) - set(BODIES)}"


def test_anonymous_is_sent_to_login_on_every_page(matrix, client):
    for route, name in pages():
        if name in PUBLIC_PAGES:
            continue
        url = _page_url(route, name, matrix["mine"].ids)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith(str(settings.LOGIN_URL).join("//")), url


def test_anonymous_gets_401_on_every_api_operation(matrix, client):
    for method, path, params in operations():
        if (method, path) in PUBLIC_API:
            continue
        url = _api_url(path, params, matrix["mine"].ids)
        body = _body(method, path, matrix["mine"].account, matrix)
        response = _api_call(client, None, method, url, body)
        assert response.status_code == 401, (method, url, response.status_code)


@pytest.mark.parametrize("role", ["salesperson", "manager", "admin"])
def test_pages_for_every_role_and_object(matrix, role):
    user = matrix["users"][role]
    client = Client()
    client.force_login(user)
    for route, name in pages():
        if name in PUBLIC_PAGES:
            continue
        has_object = bool(re.search(r"<[^>]+>", route))
        for method in ("get", "post"):
            call = getattr(client, method)
            own = call(_page_url(route, name, matrix["mine"].ids))
            if role == "salesperson":
                _no_mark(own, f"{method} {route}")
            personal = PAGE_PARAMETERS.get(name) in PERSONAL and role != "salesperson"
            if not has_object or personal:
                assert own.status_code < 500, (method, route, own.status_code)
                continue
            assert own.status_code != 404, ("own object not found", method, route)
            missing = call(_page_url(route, name, None))
            other = call(_page_url(route, name, matrix["theirs"].ids))
            if role == "salesperson":
                # Indistinguishable from a missing object: same status, no data.
                assert other.status_code == missing.status_code, (method, route, other.status_code)
                assert other.status_code in {404, 405}, (method, route, other.status_code)
                _no_mark(other, f"{method} {route} (other's)")
            else:
                assert other.status_code == own.status_code, (method, route)


@pytest.mark.parametrize("role", ["salesperson", "manager", "admin"])
def test_api_for_every_role_and_object(matrix, role):
    user = matrix["users"][role]
    token = token_create(user=user, name="matrix", created_by=user).secret
    client = Client()
    theirs_before = _trace_of_theirs(matrix)
    for method, path, params in operations():
        if (method, path) in PUBLIC_API:
            continue
        template = BODIES.get((method, path), {})
        own_url = _api_url(path, params, matrix["mine"].ids)
        own_body = _body(method, path, matrix["mine"].account, matrix)
        own = _api_call(client, token, method, own_url, own_body)
        assert own.status_code < 500, (method, path, own.status_code, own.content[:300])
        where = f"{role} {method} {path}"
        if role == "salesperson":
            _no_mark(own, where)
            if (method, path) in MANAGER_ONLY:
                assert own.status_code == 403, (where, own.status_code)
            else:
                assert own.status_code in {200, 201}, (where, own.status_code, own.content[:300])
        else:
            assert own.status_code in {200, 201}, (where, own.status_code, own.content[:300])
        kinds = {API_PARAMETERS[p] for p in params if p in API_PARAMETERS}
        references_account = "{account}" in json.dumps(template)
        if not kinds and not references_account:
            continue
        other_url = _api_url(path, params, matrix["theirs"].ids)
        other_body = _body(method, path, matrix["theirs"].account, matrix)
        other = _api_call(client, token, method, other_url, other_body)
        if role != "salesperson" or (kinds <= SHARED and not references_account):
            assert other.status_code < 500, (where, other.status_code)
            continue
        # The other's object, whether named in the path or in the body, is answered like
        # one that does not exist.
        missing_url = _api_url(path, params, None) if kinds else other_url
        ghost = Account(pk=MISSING)
        missing = _api_call(client, token, method, missing_url, _body(method, path, ghost, matrix))
        assert other.status_code == missing.status_code, (where, other.status_code)
        assert other.status_code in {404, 422}, (where, other.status_code)
        _no_mark(other, f"{where} (other's)")
    if role == "salesperson":
        # Nothing of the other's book was written: no history row, no event.
        assert _trace_of_theirs(matrix) == theirs_before


def test_a_salesperson_cannot_read_another_books_rows_through_list_filters(matrix):
    user = matrix["users"]["salesperson"]
    token = token_create(user=user, name="matrix", created_by=user).secret
    client = Client()
    theirs = matrix["theirs"].account.pk
    for path in ("/api/v1/contacts", "/api/v1/sales", "/api/v1/payments", "/api/v1/activities"):
        response = _api_call(client, token, "get", f"{path}?account={theirs}", None)
        assert response.json()["items"] == [], path
    response = _api_call(client, token, "get", f"/api/v1/accounts?q={MARK}-A", None)
    assert response.json()["items"] == []
