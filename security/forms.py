from __future__ import annotations

from django import forms

# Plain-English names for the events this system logs; an event another part adds
# without a name here is shown with its underscores turned into spaces.
ACTION_LABELS = {
    "sign_in": "Sign-in",
    "sign_out": "Sign-out",
    "sign_in_lockout": "Sign-in locked",
    "signing_password": "Password typed to sign",
    "request_refused": "Page or action refused",
    "csrf_failure": "Form expired or not from this site",
    # Logged by other parts of issue 11 (second factor, governance, verify_audit).
    "second_factor": "Second-factor code",
    "role_grant": "Role granted",
    "role_remove": "Role removed",
    "rule_change": "Decision type rule changed",
    "office_holder_change": "Office holder changed",
    "verify_failed": "Record check found a change",
}
# The codes events carry as their reason or scope, in words.
DETAIL_LABELS = {
    "locked_out": "locked out after too many failures",
    "address_limit": "too many failures from this address",
    "throttled": "too many wrong passwords",
    "username_and_address": "this username from this address",
    "address": "every username from this address",
}
OUTCOME_LABELS = {
    "success": "Succeeded",
    "failure": "Failed",
    "refused": "Refused",
    "alert": "Alert",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def detail_label(code: str) -> str:
    return DETAIL_LABELS.get(code, code)


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome) or outcome.capitalize()


class SecurityLogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Event",
        required=False,
        error_messages={"invalid_choice": "Choose an event from the list"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any outcome"), *OUTCOME_LABELS.items()],
        error_messages={"invalid_choice": "Choose an outcome from the list"},
    )

    def __init__(self, *args, actions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        known = sorted({*ACTION_LABELS, *actions}, key=action_label)
        self.fields["action"].choices = [("", "Any event")] + [
            (action, action_label(action)) for action in known
        ]
