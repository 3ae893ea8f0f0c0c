from django.contrib import admin

from cartera.clients.models import Account, Contact, OwnershipPeriod
from cartera.common.admin_base import ScopedModelAdmin


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class OwnershipInline(admin.TabularInline):
    model = OwnershipPeriod
    extra = 0
    readonly_fields = ["salesperson", "started_on", "ended_on", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Ownership changes only through the hand-over service, which keeps history whole.
        return False


@admin.register(Account)
class AccountAdmin(ScopedModelAdmin):
    list_display = ["code", "legal_name", "status", "city", "segment", "owner", "is_special"]
    list_filter = ["status", "segment", "is_special", "owner"]
    search_fields = ["code", "legal_name", "trade_name", "tax_id"]
    list_select_related = ["owner"]
    autocomplete_fields = ["campaign"]
    readonly_fields = ["owner"]
    inlines = [ContactInline, OwnershipInline]


@admin.register(Contact)
class ContactAdmin(ScopedModelAdmin):
    list_display = ["name", "account", "role", "phone", "email", "is_purchasing"]
    search_fields = ["name", "email"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]


@admin.register(OwnershipPeriod)
class OwnershipPeriodAdmin(ScopedModelAdmin):
    list_display = ["account", "salesperson", "started_on", "ended_on", "reason"]
    list_select_related = ["account", "salesperson"]
    raw_id_fields = ["account"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
