from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.team.models import Salesperson


@admin.register(Salesperson)
class SalespersonAdmin(ScopedModelAdmin):
    list_display = ["name", "email", "territory", "hired_on", "left_on", "is_active"]
    list_filter = ["is_active", "territory"]
    search_fields = ["name", "email"]
