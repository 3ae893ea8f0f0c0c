from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.sales.models import Sale, SaleLine


class SaleLineInline(admin.TabularInline):
    model = SaleLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Sale)
class SaleAdmin(ScopedModelAdmin):
    list_display = ["number", "kind", "account", "salesperson", "date", "due_date", "total"]
    list_filter = ["kind", "channel", "salesperson"]
    search_fields = ["number", "account__code", "account__legal_name"]
    date_hierarchy = "date"
    list_select_related = ["account", "salesperson"]
    raw_id_fields = ["account"]
    inlines = [SaleLineInline]


@admin.register(SaleLine)
class SaleLineAdmin(ScopedModelAdmin):
    list_display = ["sale", "line_no", "product", "quantity", "unit_price", "amount"]
    list_select_related = ["sale", "product"]
    raw_id_fields = ["sale", "product"]
