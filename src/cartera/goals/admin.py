from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from cartera.common.admin_base import ScopedModelAdmin
from cartera.common.scoping import sees_all
from cartera.goals.models import Goal
from cartera.goals.services import goal_set


@admin.register(Goal)
class GoalAdmin(ScopedModelAdmin):
    """Goals in the admin: everyone sees their own, only managers set them (S3.5).

    Saving goes through :func:`~cartera.goals.services.goal_set`, so editing a month
    moves the year to the sum of its months and editing the year re-spreads its months
    in the same shape.
    """

    list_display = ["year", "month", "salesperson", "target"]
    list_filter = ["year", "salesperson"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Which goal a row is stays fixed; a different one is added, not moved.
        return ["salesperson", "year", "month"] if obj is not None else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return sees_all(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return sees_all(request.user)

    def save_model(self, request: HttpRequest, obj: Goal, form: ModelForm, change: bool) -> None:
        saved = goal_set(
            acting_user=request.user,
            year=obj.year,
            month=obj.month,
            target=obj.target,
            salesperson=obj.salesperson,
        )
        obj.pk = saved.pk
