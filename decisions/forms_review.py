"""Forms for the workflow actions: comments, confirmations, the signer's password."""

from __future__ import annotations

from django import forms

from core.errors import Messages

YES_NO = [("no", "No, I have no interests to declare"), ("yes", "Yes, I have interests to record")]


class ActionForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class CommentRequiredForm(ActionForm):
    comment = forms.CharField(
        label="Comment for the officer",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": Messages.COMMENT_REQUIRED},
    )


class ConfirmForm(ActionForm):
    confirm = forms.BooleanField(
        label="I confirm the statement above",
        error_messages={"required": "Confirm the statement to continue"},
    )


class PasswordMixin:
    """The signer types their password again; guesses are throttled per signer."""

    def clean_password(self) -> str:
        from accounts.throttle import signing_blocked, signing_failed, signing_succeeded

        password = self.cleaned_data["password"]
        if self.user is None or signing_blocked(self.user):
            raise forms.ValidationError(Messages.SIGNING_THROTTLED)
        if not self.user.check_password(password):
            signing_failed(self.user)
            raise forms.ValidationError(Messages.PASSWORD_INCORRECT)
        signing_succeeded(self.user)
        return password


def _password_field() -> forms.CharField:
    return forms.CharField(
        label="Your password",
        help_text="Signing needs your password again.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to sign"},
    )


class ApproveForm(PasswordMixin, ActionForm):
    """The Deputy Mayor's sign-off: interests, the statement, and the password again."""

    has_interests = forms.ChoiceField(
        label="Do you have any personal or prejudicial interest to record?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you have any interests to record"},
    )
    interests = forms.CharField(
        label="Interests to record",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    password = _password_field()

    def clean(self):
        data = super().clean()
        if data.get("has_interests") == "yes" and not (data.get("interests") or "").strip():
            self.add_error("interests", "Enter the interests to record")
        if data.get("has_interests") == "no":
            data["interests"] = ""
        return data


class SignForm(PasswordMixin, ConfirmForm):
    """A signature (the Chief Executive's, or a CEOD approval): statement and password."""

    password = _password_field()


ACTION_FORMS = {
    "submit": ActionForm,
    "withdraw": ActionForm,
    "clear": ConfirmForm,
    "sign": SignForm,
    "return": CommentRequiredForm,
    "reject": CommentRequiredForm,
}


def approve_form_class(final_approver: str) -> type[forms.Form]:
    return ApproveForm if final_approver == "dmpc" else SignForm


class WithdrawPublicationForm(forms.Form):
    reason = forms.CharField(
        label="Why is this decision being withdrawn from publication?",
        help_text="This reason is shown to the public on the decision's page.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for withdrawing it"},
    )
