from django.contrib import admin

from cartera.common.admin_base import ScopedModelAdmin
from cartera.metrics.models import ClientMetrics, MetricsRun


@admin.register(ClientMetrics)
class ClientMetricsAdmin(ScopedModelAdmin):
    list_display = ["account", "abc_class", "rfm_segment", "last_purchase", "p_alive", "clv"]
    list_filter = ["abc_class", "rfm_segment", "at_risk"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]

    # Derived data: rewritten by every refresh, so nobody edits it by hand.
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(MetricsRun)
class MetricsRunAdmin(ScopedModelAdmin):
    admin_only = True
    list_display = ["computed_at", "as_of", "clients", "seconds", "clv_fitted", "note"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return MetricsRun.objects.all()

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
