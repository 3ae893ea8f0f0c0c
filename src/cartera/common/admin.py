from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.common.models import CompanySettings


@admin.register(CompanySettings)
class CompanySettingsAdmin(ScopedModelAdmin):
    admin_only = True
    list_display = ["name", "currency", "default_region", "locale"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return CompanySettings.objects.all()
