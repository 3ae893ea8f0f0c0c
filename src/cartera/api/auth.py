"""Bearer-token authentication: ``Authorization: Bearer crt_…`` acts as the token's user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from cartera.api.selectors import token_user


class BearerToken(HttpBearer):
    """Authenticate with a token from :func:`cartera.api.services.token_create`."""

    openapi_description = "A token from `cartera token create` (or the profile page)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is None:
            return None
        # The rest of the app (scoping, the audit trail's middleware) reads request.user.
        request.user = user
        return user
