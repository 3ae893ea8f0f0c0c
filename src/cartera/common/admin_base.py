"""The admin follows the same role rule as every page (common.scoping)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest

from cartera.common.scoping import can_change, is_admin, sees_all, visible_to


class ScopedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows and permissions follow :mod:`cartera.common.scoping`."""

    admin_only = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return visible_to(super().get_queryset(request), request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user) if self.admin_only else request.user.is_active

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user) if self.admin_only else sees_all(request.user)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if self.admin_only:
            return is_admin(request.user)
        return sees_all(request.user) if obj is None else can_change(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_admin(request.user)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        # A salesperson editing in the admin may only point at rows they can see.
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            with suppress(ImproperlyConfigured):  # models without a rule are not narrowed
                field.queryset = visible_to(field.queryset, request.user)
        return field
