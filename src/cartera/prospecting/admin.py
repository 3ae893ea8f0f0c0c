from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.prospecting.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(ScopedModelAdmin):
    list_display = ["name", "source", "started_on", "ended_on", "cost"]
    list_filter = ["source"]
    search_fields = ["name"]
