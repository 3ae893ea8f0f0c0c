"""Reads of API tokens: who a presented token is, and the tokens a user may see."""

from __future__ import annotations

import datetime as dt
import hmac
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cartera.api.models import ApiToken
from cartera.api.services import split_token, token_digest
from cartera.common.scoping import is_admin

if TYPE_CHECKING:
    from cartera.users.models import User

# Writing "last used" on every call would make each API read a write; once a minute
# says as much about a token's use.
LAST_USED_STEP = dt.timedelta(minutes=1)


def token_user(token: str) -> User | None:
    """Return the active user a presented bearer token acts as, or ``None``."""
    parts = split_token(token)
    if parts is None:
        return None
    now = timezone.now()
    found = (
        ApiToken.objects.select_related("user")
        .filter(prefix=parts[0], revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if found is None or not hmac.compare_digest(found.digest, token_digest(token)):
        return None
    if not found.user.is_active:
        return None
    if found.last_used_at is None or found.last_used_at < now - LAST_USED_STEP:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    """Return the tokens ``user`` may list: their own; an administrator's, everyone's."""
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    if is_admin(user):
        return tokens
    if not user.is_authenticated or user.pk is None:
        return tokens.none()
    return tokens.filter(user_id=user.pk)
