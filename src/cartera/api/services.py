"""Issuing and revoking API tokens (the web page and ``cartera token`` call these)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.api.models import ApiToken
from cartera.common.scoping import is_admin
from cartera.common.services import validated_save

if TYPE_CHECKING:
    from cartera.users.models import User

SCHEME = "crt"
# Tokens are random, not chosen by people: a fast hash resists guessing as well as a
# slow one would, and keeps every API call from paying a password-hashing cost.


def token_digest(token: str) -> str:
    """Return the stored form of ``token``: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """Return ``(prefix, secret)`` of a well-formed token, else ``None``."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token: the row, and the secret text, shown this once and never again."""

    token: ApiToken
    secret: str


def _may_manage(actor: Any, owner: User) -> bool:
    return bool(actor.is_authenticated and (actor.pk == owner.pk or is_admin(actor)))


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    created_by: Any,
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    """Issue a token acting as ``user``; ``created_by`` is ``user`` or an administrator."""
    if not _may_manage(created_by, user):
        raise PermissionDenied(_("Only the user or an administrator can issue their tokens."))
    if not user.is_active:
        raise ValidationError({"user": _("%(user)s is not an active user.") % {"user": user}})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    prefix = secrets.token_hex(4)
    secret = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=prefix,
        digest=token_digest(secret),
        created_by=created_by if getattr(created_by, "pk", None) else None,
        expires_at=expires_at,
    )
    validated_save(token)
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, revoked_by: Any) -> ApiToken:
    """Revoke ``token`` from now on (kept, marked, for the record); idempotent."""
    if not _may_manage(revoked_by, token.user):
        raise PermissionDenied(_("Only the user or an administrator can revoke their tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        validated_save(token)
    return token
