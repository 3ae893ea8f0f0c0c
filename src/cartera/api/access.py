"""Who may do what through the API: the role rule of ``common.scoping``, applied per call."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from cartera.common.scoping import can_change, sees_all, visible_to

M = TypeVar("M", bound=models.Model)


def visible(request: HttpRequest, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Return the part of ``queryset`` the request's user may see."""
    return visible_to(queryset, request.user)


def get_visible(request: HttpRequest, queryset: models.QuerySet[M], pk: int) -> M:
    """Return row ``pk`` if the user may see it; otherwise 404, as if it did not exist."""
    found = visible(request, queryset).filter(pk=pk).first()
    if found is None:
        raise Http404(_("Not found."))
    return found


def require_change(request: HttpRequest, obj: models.Model) -> None:
    """Refuse (403) a change to a row the user may see but not change (shared rows)."""
    if not can_change(request.user, obj):
        raise PermissionDenied(_("You may read this, but only a manager can change it."))


def require_manager(request: HttpRequest) -> None:
    if not sees_all(request.user):
        raise PermissionDenied(_("Only a manager or an administrator can do this."))


def resolve(
    request: HttpRequest, queryset: models.QuerySet[M], pk: int | None, field: str
) -> M | None:
    """Return the visible row ``pk`` named in the body by ``field``, or a field error.

    A row the user may not see gets the same message as a missing one.
    """
    from django.core.exceptions import ValidationError

    if pk is None:
        return None
    found = visible(request, queryset).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("There is no %(what)s with id %(id)s.") % {
            "what": queryset.model._meta.verbose_name, "id": pk}})  # fmt: skip
    return found


def user_of(request: HttpRequest) -> Any:
    return request.user
