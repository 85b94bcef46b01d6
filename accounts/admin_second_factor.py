"""People's authenticator apps in the back office, in place of django-otp's own admin,
which shows each device's secret key (anyone who could read it could make codes) and
offers a QR code view this project does not install. Here a device can be seen and
deleted (someone lost their phone: they set the app up again at their next sign-in),
never read for its key, added or changed. Only superusers hold these permissions.
"""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.security_log import security_event

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(admin.ModelAdmin):
    list_display = ("user", "confirmed", "last_used_at", "throttling_failure_count")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields
    search_fields = ("user__username", "user__first_name", "user__last_name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def _log_reset(self, request, device: TOTPDevice) -> None:
        security_event(
            "second_factor",
            outcome="success",
            request=request,
            purpose="reset",
            subject=device.user.get_username(),
        )

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._log_reset(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        devices = list(queryset.select_related("user"))
        super().delete_queryset(request, queryset)
        for device in devices:
            self._log_reset(request, device)
