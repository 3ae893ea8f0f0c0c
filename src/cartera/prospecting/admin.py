from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.prospecting.models import Campaign, QualificationItem, StageChange


@admin.register(Campaign)
class CampaignAdmin(ScopedModelAdmin):
    list_display = ["name", "source", "started_on", "ended_on", "cost"]
    list_filter = ["source"]
    search_fields = ["name"]


@admin.register(QualificationItem)
class QualificationItemAdmin(ScopedModelAdmin):
    list_display = ["position", "label", "attribute", "op", "value", "is_active"]
    list_display_links = ["label"]


@admin.register(StageChange)
class StageChangeAdmin(ScopedModelAdmin):
    """The pipeline history: written by the prospecting services only."""

    list_display = ["date", "account", "from_stage", "stage", "reason", "changed_by"]
    list_filter = ["stage", "reason"]
    date_hierarchy = "date"
    search_fields = ["account__code"]
    list_select_related = ["account", "changed_by"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
