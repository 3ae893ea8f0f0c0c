from django.contrib import admin

from cartera.catalog.models import Product
from cartera.common.admin_base import ScopedModelAdmin


@admin.register(Product)
class ProductAdmin(ScopedModelAdmin):
    list_display = ["sku", "name", "family", "list_price", "unit_cost", "launched_on", "is_active"]
    list_filter = ["family", "is_active"]
    search_fields = ["sku", "name"]
