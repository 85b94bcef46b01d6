from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.throttle import login_blocked, login_failed, login_succeeded

TOO_MANY_ATTEMPTS = "Too many failed sign-in attempts. Wait 15 minutes, then try again."


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password.",
        "throttled": TOO_MANY_ATTEMPTS,
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Say what to do (GOV.UK), not Django's "This field is required." twice.
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def _address(self) -> str:
        return self.request.META.get("REMOTE_ADDR", "") if self.request else ""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if login_blocked(username, self._address()):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(username, self._address())
            raise
        login_succeeded(username, self._address())
        return cleaned
