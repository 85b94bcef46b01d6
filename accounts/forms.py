from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts import throttle
from accounts.throttle import TOO_MANY_ATTEMPTS, TOO_MANY_FROM_ADDRESS

__all__ = ["TOO_MANY_ATTEMPTS", "TOO_MANY_FROM_ADDRESS", "ThrottledAuthenticationForm"]


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Say what to do (GOV.UK), not Django's "This field is required." twice.
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if not (username and self.cleaned_data.get("password")):
            return super().clean()  # nothing to check: the boxes say what to enter
        refusal = throttle.login_refusal(self.request, username)
        if refusal:
            raise forms.ValidationError(refusal, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            # The failure is counted by django-axes (user_login_failed); this says
            # whether it was the one that reached a limit.
            refusal = throttle.failure_refusal(self.request, username)
            if refusal:
                raise forms.ValidationError(refusal, code="throttled") from None
            raise
