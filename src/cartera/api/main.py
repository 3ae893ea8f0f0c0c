"""The ``/api/v1/`` API: routers, authentication and errors as problem details."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from cartera.api.auth import BearerToken
from cartera.api.problems import MEDIA_TYPE, field_errors, first_message, logger, problem
from cartera.api.problems import request_errors as pydantic_errors
from cartera.api.schemas import CursorError
from cartera.receivables.credit import CreditLimitExceededError


class CarteraAPI(NinjaAPI):
    """NinjaAPI whose error responses are declared as ``application/problem+json``."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        paths = schema.get("paths", {})
        for operations in paths.values():
            for method, operation in operations.items():
                _declare_problems(method, operation)
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status) >= "400" and "application/json" in content:
                        content[MEDIA_TYPE] = content.pop("application/json")
        _link_created_resources(paths)
        return schema


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_PHRASES = {
    400: "The body is not JSON",
    401: "No valid token",
    404: "Not found, or not yours",
    409: "Conflicts with the stored data",
    422: "The input is not valid",
}


def _declare_problems(method: str, operation: dict[str, Any]) -> None:
    """Declare the problems any operation of its kind can answer, once, here.

    Every authenticated call can be a 401; one with parameters a 422; with a body a
    400 (not JSON); with an id in its path a 404; every write a 409 (a unique value
    taken by a concurrent request).
    """
    responses = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    wanted = {401} if operation.get("security") else set()
    if parameters or "requestBody" in operation:
        wanted.add(422)
    if "requestBody" in operation:
        wanted.add(400)
    if any(p.get("in") == "path" for p in parameters):
        wanted.add(404)
    if method != "get":
        wanted.add(409)
    for status in wanted:
        if status not in responses and str(status) not in responses:
            responses[status] = {
                "description": _PHRASES[status],
                "content": {"application/json": {"schema": _PROBLEM_REF}},
            }


def _link_name(operation: dict[str, Any]) -> str:
    return str(operation["operationId"]).rsplit("routers_", 1)[-1]


def _link_created_resources(paths: dict[str, Any]) -> None:
    """Declare OpenAPI links from each ``POST`` that creates a row to what reads it.

    ``POST /accounts`` → ``GET``/``PATCH /accounts/{account_id}`` … with the new row's
    ``id``, and to the lists filtered by ``account``: clients (and schemathesis's
    stateful tests) can follow them without knowing the URL scheme.
    """
    for path, operations in paths.items():
        responses = operations.get("post", {}).get("responses", {})
        created = responses.get(201, responses.get("201"))
        if created is None:
            continue
        links: dict[str, Any] = {}
        for other, targets in paths.items():
            if not other.startswith(path + "/{"):
                continue
            parameter = other[len(path) + 2 :].split("}", 1)[0]
            for method, target in targets.items():
                links[f"{method}:{other[len(path) :]}"] = {
                    "operationId": target["operationId"],
                    "parameters": {parameter: "$response.body#/id"},
                }
        if path.endswith("/accounts"):
            for sub in ("contacts", "sales", "payments", "activities"):
                target = paths.get(path.replace("/accounts", f"/{sub}"), {}).get("get")
                if target is not None:
                    links[_link_name(target)] = {
                        "operationId": target["operationId"],
                        "parameters": {"account": "$response.body#/id"},
                    }
        if links:
            created["links"] = links


api = CarteraAPI(
    title="cartera",
    version="1",
    description=(
        "The customer portfolio: accounts, contacts, products, sales, payments, "
        "activities, campaigns, goals and reports. Errors are RFC 9457 problem details."
    ),
    urls_namespace="api-v1",
    auth=BearerToken(),
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(CreditLimitExceededError)
def _credit_refused(request: HttpRequest, exc: CreditLimitExceededError) -> HttpResponse:
    exposure = exc.exposure
    figures = {
        "limit": exposure.limit,
        "open_balance": exposure.open_balance,
        "unbilled_orders": exposure.unbilled_orders,
        "exposure": exposure.total,
        "amount": exc.amount,
        "exposure_after": exposure.total + exc.amount,
        "excess": exposure.total + exc.amount - (exposure.limit or 0),
    }
    errors = field_errors(exc)
    return problem(
        request,
        409,
        code="credit-limit-exceeded",
        title=_("Credit limit exceeded"),
        detail=first_message(errors).removeprefix("credit_limit: "),
        errors=errors,
        extra={"credit": {k: str(v) for k, v in figures.items()}},
    )


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = field_errors(exc)
    return problem(
        request,
        422,
        code="validation",
        title=_("The data is not valid"),
        detail=first_message(errors),
        errors=errors,
    )


@api.exception_handler(RequestValidationError)
def _malformed(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    errors = pydantic_errors(exc.errors)
    return problem(
        request,
        422,
        code="validation",
        title=_("The request is not valid"),
        detail=first_message(errors),
        errors=errors,
    )


@api.exception_handler(CursorError)
def _bad_cursor(request: HttpRequest, exc: CursorError) -> HttpResponse:
    errors = {"cursor": [_("This cursor was not handed out by the API.")]}
    return problem(
        request, 422, code="validation", title=_("The request is not valid"),
        detail=errors["cursor"][0], errors=errors,
    )  # fmt: skip


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Validation checks uniqueness first; this is the race it cannot see (two requests
    # writing the same invoice number at once) or a rule only the database knows.
    logger.warning("API conflict on %s: %s", request.path, exc)
    return problem(
        request,
        409,
        code="conflict",
        detail=_("The data conflicts with what is stored (a value already taken?)."),
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        401,
        detail=_("Send a valid API token: Authorization: Bearer <token>."),
        headers={"WWW-Authenticate": 'Bearer realm="cartera"'},
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, detail=str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, detail=_("There is nothing here, or you may not see it."))


@api.exception_handler(ObjectDoesNotExist)
def _missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _not_found(request, exc)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, detail=str(exc.message))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return problem(
        request,
        500,
        code="internal",
        detail=_("Something went wrong on our side; it has been logged."),
    )


def _add_routers() -> None:
    from cartera.api.routers import (
        accounts,
        activities,
        campaigns,
        contacts,
        goals,
        imports,
        payments,
        products,
        ratings,
        reports,
        sales,
    )

    api.add_router("/accounts", accounts.router)
    api.add_router("/contacts", contacts.router)
    api.add_router("/products", products.router)
    api.add_router("/sales", sales.router)
    api.add_router("/payments", payments.router)
    api.add_router("/activities", activities.router)
    api.add_router("/campaigns", campaigns.router)
    api.add_router("/goals", goals.router)
    api.add_router("/ratings", ratings.router)
    api.add_router("/reports", reports.router)
    api.add_router("/imports", imports.router)


_add_routers()
