from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.goals.models import Goal


@admin.register(Goal)
class GoalAdmin(ScopedModelAdmin):
    list_display = ["year", "month", "salesperson", "target"]
    list_filter = ["year", "salesperson"]
