from django.contrib import admin

from cartera.activities.models import Activity
from cartera.common.admin_base import ScopedModelAdmin


@admin.register(Activity)
class ActivityAdmin(ScopedModelAdmin):
    list_display = ["date", "kind", "account", "salesperson", "summary", "next_action_on"]
    list_filter = ["kind", "outcome", "salesperson"]
    date_hierarchy = "date"
    list_select_related = ["account", "salesperson"]
    raw_id_fields = ["account", "contact"]
