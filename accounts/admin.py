from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User

# Records managers manage people and their roles (groups), but cannot make anyone a
# superuser, hand out single permissions, or set another person's password (which
# would let them sign as that person).
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Role details", {"fields": ("job_title", "team")}),
    )
    list_display = ("username", "first_name", "last_name", "job_title", "is_active")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += SUPERUSER_ONLY_FIELDS
        return fields

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied("Only a superuser can set another person's password.")
        return super().user_change_password(request, id, form_url)


# Authenticator apps (the second factor): seen and reset, never their keys.
from accounts import admin_second_factor  # noqa: E402, F401
