"""Forms for the workflow actions: comments, confirmations, the signer's password."""

from __future__ import annotations

from django import forms
from django.utils.module_loading import import_string

from accounts.second_factor import (
    CODE_FORMAT,
    CODE_REQUIRED,
    SecondFactorError,
    second_factor_required,
    second_factor_verify,
)
from core.errors import Messages
from decisions.models import DecisionEvent, SignOff, SignOffWording
from decisions.workflow import TRANSITIONS

YES_NO = [("no", "No, I have no interests to declare"), ("yes", "Yes, I have interests to record")]


# The event log keeps comments of up to this many characters.
COMMENT_MAX_LENGTH = DecisionEvent._meta.get_field("comment").max_length


class ActionForm(forms.Form):
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": Messages.COMMENT_TOO_LONG},
    )

    def __init__(self, *args, user=None, decision=None, request=None, **kwargs) -> None:
        self.user = user
        self.decision = decision
        self.request = request  # for the security log's client address
        super().__init__(*args, **kwargs)


class SubmitForm(ActionForm):
    comment = forms.CharField(
        label="Note for the reviewers (optional)",
        help_text=(
            "The Head of Service, the Chief Executive and the decision maker see this note "
            "on their review page. It is never published."
        ),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": Messages.COMMENT_TOO_LONG},
    )


def _reason_field(label: str, *, required: str, help_text: str = "", rows: int = 4):
    """A required comment: the reason for returning, rejecting or withdrawing."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required, "max_length": Messages.COMMENT_TOO_LONG},
    )


class CommentRequiredForm(ActionForm):
    comment = _reason_field("Comment for the officer", required=Messages.RETURN_REASON_REQUIRED)


class ReasonForm(ActionForm):
    """The required reason on a final step's confirmation page, worded for the step."""

    comment = _reason_field("Reason", required=Messages.COMMENT_REQUIRED, rows=5)
    wording: tuple[str, str, str] = ("", "", "")  # label, hint, message when left empty

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]  # this form's own copy
        field.label, field.help_text, field.error_messages["required"] = self.wording


class RejectForm(ReasonForm):
    wording = (
        "Why are you rejecting this decision?",
        "The officers who drafted it are told this reason. It is never published.",
        Messages.REJECT_REASON_REQUIRED,
    )


class WithdrawForm(ReasonForm):
    wording = (
        "Why are you withdrawing this draft?",
        "The reason is kept in the decision's history. It is never published.",
        Messages.WITHDRAW_REASON_REQUIRED,
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
        from core.security_log import security_event

        password = self.cleaned_data["password"]
        reference = getattr(self.decision, "reference", "") or ""
        if self.user is None or signing_blocked(self.user):
            security_event(
                "signing_password",
                outcome="refused",
                user=self.user,
                decision=reference,
                reason="throttled",
            )
            raise forms.ValidationError(Messages.SIGNING_THROTTLED)
        if not self.user.check_password(password):
            signing_failed(self.user)
            security_event(
                "signing_password", outcome="failure", user=self.user, decision=reference
            )
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


def _code_field() -> forms.CharField:
    return forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now. Signing needs it as well as your password.",
        # Room for a code typed with spaces ("123 456"); anything longer is not a code.
        max_length=20,
        error_messages={"required": CODE_REQUIRED, "max_length": CODE_FORMAT},
    )


class SignForm(PasswordMixin, ConfirmForm):
    """A signature (the Chief Executive's): the statement confirmed, the password again,
    and, for those who need a second factor, the code their app shows now."""

    password = _password_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if second_factor_required(self.user):
            self.fields["code"] = _code_field()

    def clean(self):
        data = super().clean()
        self.clean_statement(data)
        # The code is checked last, once everything else is right: a code can be used
        # only once, so a form refused for another reason must not spend it.
        if "code" in self.fields and not self.errors:
            try:
                second_factor_verify(
                    user=self.user, code=data["code"], request=self.request, purpose="signing"
                )
            except SecondFactorError as error:
                self.add_error("code", error.message)
        return data

    def clean_statement(self, data: dict) -> None:
        """Checks of what is signed, before the code (ApproveForm: interests)."""


class ApproveForm(SignForm):
    """The final approver's signature. Where the stored wording has the signer record
    interests (the Deputy Mayor's), they answer that instead of ticking a box."""

    has_interests = forms.ChoiceField(
        label="Do you have any personal or prejudicial interest to record?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you have any interests to record"},
    )
    interests = forms.CharField(
        label="Interests to record",
        required=False,
        max_length=SignOff._meta.get_field("interests").max_length,
        error_messages={"max_length": Messages.INTERESTS_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        decision_type = self.decision.decision_type if self.decision else None
        records_interests = (
            decision_type is not None
            and SignOffWording.objects.filter(
                decision_type=decision_type,
                role=decision_type.final_approver,
                records_interests=True,
            ).exists()
        )
        if records_interests:
            del self.fields["confirm"]
        else:
            del self.fields["has_interests"], self.fields["interests"]

    def clean_statement(self, data: dict) -> None:
        if data.get("has_interests") == "yes" and not (data.get("interests") or "").strip():
            self.add_error("interests", "Enter the interests to record")
        if data.get("has_interests") == "no":
            data["interests"] = ""


def action_form(action: str, decision, *args, user, **kwargs) -> ActionForm:
    """The form of this workflow step (named in its entry of the transitions table).
    Several action forms share a page: ids carry the action so labels stay unique."""
    form_class = import_string(TRANSITIONS[action].form)
    return form_class(*args, user=user, decision=decision, auto_id=f"id_{action}_%s", **kwargs)


class WithdrawPublicationForm(forms.Form):
    reason = forms.CharField(
        label="Why is this decision being withdrawn from publication?",
        help_text="This reason is shown to the public on the decision's page.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for withdrawing it"},
    )


class ConversationForm(forms.Form):
    """A comment in the decision's conversation (internal: never published)."""

    text = forms.CharField(
        label="Add a comment",
        help_text=(
            "Only the officers and reviewers working on this decision see comments. "
            "They are never published."
        ),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": Messages.CONVERSATION_COMMENT_REQUIRED,
            "max_length": Messages.COMMENT_TOO_LONG,
        },
    )
    # Where the comment was written (the task list or the review page): the page to
    # go back to. Only these two names are accepted.
    back = forms.ChoiceField(
        choices=[("overview", "overview"), ("review", "review")],
        required=False,
        widget=forms.HiddenInput,
    )
