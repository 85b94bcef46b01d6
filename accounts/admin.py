from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User

# Who holds power is changed only through the two-person flow of governance/ (a user
# administrator asks, a second confirms, the change is audited): here these fields
# are read-only for everyone, superusers included, and a POST of them is ignored.
POWER_FIELDS = ("groups", "user_permissions", "is_superuser", "is_staff")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Role details", {"fields": ("job_title", "team")}),
    )
    list_display = ("username", "first_name", "last_name", "job_title", "is_active")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *POWER_FIELDS)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version would restore old staff or superuser status.
        if request.method == "POST":
            raise PermissionDenied("Roles change only through a user administrator.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied("Only a superuser can set another person's password.")
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """The roles' permissions are stated in accounts/roles.py (applied by roles_sync
    after each migrate): readable here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Authenticator apps (the second factor): seen and reset, never their keys.
from accounts import admin_second_factor  # noqa: E402, F401
