from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.receivables.models import Payment


@admin.register(Payment)
class PaymentAdmin(ScopedModelAdmin):
    list_display = ["reference", "account", "sale", "date", "amount", "method"]
    list_filter = ["method"]
    search_fields = ["reference", "account__code"]
    date_hierarchy = "date"
    list_select_related = ["account", "sale"]
    raw_id_fields = ["account", "sale"]
