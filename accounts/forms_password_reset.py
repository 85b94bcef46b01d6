"""Django's password-reset forms (its tokens, its emails) with GOV.UK messages and
the shared reset throttle."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from accounts import throttle
from core.security_log import security_event


def link_lifetime() -> str:
    """How long an emailed link works (Django's PASSWORD_RESET_TIMEOUT), in words."""
    hours = max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1)
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}"


class ThrottledPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, request=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        email = self.fields["email"]
        email.label = "Email address"
        email.error_messages["required"] = "Enter your email address"
        email.error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        email.error_messages["max_length"] = "Email address must be 254 characters or fewer"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        refusal = throttle.reset_refusal(self.request, email)
        if refusal:
            raise forms.ValidationError(refusal, code="throttled")
        return email

    def save(self, **kwargs) -> None:
        email = self.cleaned_data["email"]
        # The log, not the page, may say whether anyone has this address.
        matched = [user.get_username() for user in self.get_users(email)]
        security_event(
            "password_reset",
            outcome="requested",
            request=self.request,
            user=email[:150],
            accounts=matched,
        )
        # Links start from SITE_URL like every other email (notifications), not from
        # the Host header the request happened to carry.
        kwargs["extra_email_context"] = {
            "site_url": settings.SITE_URL,
            "lifetime": link_lifetime(),
        }
        super().save(**kwargs)


class GovukSetPasswordForm(SetPasswordForm):
    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The passwords do not match. Enter the same new password twice",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "New password", "Confirm new password"
        first.error_messages["required"] = "Enter a new password"
        second.error_messages["required"] = "Enter the new password again"
        first.help_text = (
            "At least 8 characters, not a common password, not only numbers and not like "
            "your name or username."
        )
