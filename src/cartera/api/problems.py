"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API returns has the same shape: ``type`` (a URI naming the kind of
problem; ``about:blank`` when the status says it all), ``title``, ``status``, ``detail``
and ``instance`` (the path asked for), plus ``errors`` — field name → messages — when
the input was refused. A credit-limit refusal adds the figures under ``credit``.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://cartera.invalid/problems/"
"""Problem types are names, not pages: RFC 9457 only asks that they be URIs."""

logger = logging.getLogger("cartera.api")

NON_FIELD = "__all__"


def problem_type(code: str) -> str:
    return f"{TYPE_BASE}{code}"


def problem(
    request: HttpRequest,
    status: int,
    *,
    detail: str,
    code: str | None = None,
    title: str | None = None,
    errors: dict[str, list[str]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Return a problem-details response for ``status``."""
    body: dict[str, Any] = {
        "type": problem_type(code) if code else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=_json_default),
        status=status,
        content_type=MEDIA_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """Return a Django ``ValidationError`` as field → messages (``__all__`` for the rest)."""
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {NON_FIELD: [str(m) for m in error.messages]}


def request_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Return django-ninja's (pydantic's) request errors as field → messages.

    A location such as ``("body", "payload", "lines", 0, "quantity")`` becomes the field
    ``lines.0.quantity``; query and path parameters keep their own name.
    """
    out: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] == "body":
            location = location[2:] if len(location) > 2 else location[1:]
        elif location:
            location = location[1:]
        field = ".".join(location) or NON_FIELD
        out.setdefault(field, []).append(str(error.get("msg", _("Invalid value."))))
    return out


def first_message(errors: dict[str, list[str]]) -> str:
    for field, messages in errors.items():
        if messages:
            return messages[0] if field == NON_FIELD else f"{field}: {messages[0]}"
    return _("The request is not valid.")
