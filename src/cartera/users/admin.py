from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from cartera.common.scoping import is_admin
from cartera.users.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("cartera"), {"fields": ("role", "language")}))

    def has_module_permission(self, request):  # type: ignore[no-untyped-def]
        return is_admin(request.user)

    has_view_permission = has_change_permission = has_add_permission = (  # type: ignore[assignment]
        lambda self, request, obj=None: is_admin(request.user)
    )
    has_delete_permission = has_view_permission  # type: ignore[assignment]
