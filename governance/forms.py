"""The governance pages' forms. They check what can be checked on the page; the
services check everything again, for every caller."""

from __future__ import annotations

from django import forms

from accounts.roles import Role
from core.errors import DomainError
from core.forms import GovukDateField
from core.money import format_money, parse_money
from decisions.models import DecisionType, SignOffRole
from governance.models import REASON_MAX_LENGTH
from governance.rules import APPROVER_TITLE_MAX_LENGTH
from governance.validation import NAME_MAX_LENGTH, TITLE_MAX_LENGTH


def _reason(label: str = "Why is this change needed?", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Up to {REASON_MAX_LENGTH:,} characters. The reason is kept in the audit of "
            "changes with your name."
            if required
            else f"Up to {REASON_MAX_LENGTH:,} characters."
        ),
        error_messages={
            "required": "Enter why this change is needed.",
            "max_length": f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer.",
        },
    )


class RoleChangeForm(forms.Form):
    change = forms.ChoiceField(
        label="What should change?",
        choices=[("grant", "Give this person a role"), ("remove", "Remove a role they have")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to give or remove a role."},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose a role.", "invalid_choice": "Choose a role."},
    )
    reason = _reason()


class SecondFactorResetForm(forms.Form):
    """Its own prefix: it shares the person page with RoleChangeForm."""

    prefix = "reset"
    reason = _reason("Why does their authenticator app need resetting?")


class RuleChangeForm(forms.Form):
    final_approver = forms.ChoiceField(
        label="Final approver",
        choices=SignOffRole.choices,
        error_messages={"required": "Choose who approves decisions of this type."},
    )
    approver_title = forms.CharField(
        label="Approver's title on the record",
        max_length=APPROVER_TITLE_MAX_LENGTH,
        error_messages={
            "required": "Enter the approver's title.",
            "max_length": f"The title must be {APPROVER_TITLE_MAX_LENGTH} characters or fewer.",
        },
    )
    delegation_limit = forms.CharField(
        label="Delegation limit",
        required=False,
        max_length=40,
        help_text="Decisions of this value or more cannot be taken under this type. "
        "For example, £500,000. Leave blank for no limit.",
    )
    last_number = forms.IntegerField(
        label="Last reference number given",
        min_value=0,
        help_text="It can only move forward.",
        error_messages={
            "required": "Enter the last reference number given.",
            "invalid": "Enter the last reference number as a whole number, like 1620.",
            "min_value": "Enter the last reference number as a whole number, like 1620.",
        },
    )
    reason = _reason()

    @classmethod
    def initial_for(cls, decision_type: DecisionType) -> dict:
        limit = decision_type.delegation_limit_pence
        return {
            "final_approver": decision_type.final_approver,
            "approver_title": decision_type.approver_title,
            "delegation_limit": "" if limit is None else format_money(limit),
            "last_number": decision_type.last_number,
        }

    def clean_delegation_limit(self) -> int | None:
        text = self.cleaned_data["delegation_limit"].strip()
        if not text:
            return None
        try:
            pence = parse_money(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        if pence <= 0:
            raise forms.ValidationError("Enter a delegation limit above £0, or leave it blank.")
        return pence

    def rules(self) -> dict:
        data = self.cleaned_data
        return {
            "final_approver": data["final_approver"],
            "approver_title": data["approver_title"],
            "delegation_limit_pence": data["delegation_limit"],
            "last_number": data["last_number"],
        }


class OfficeHolderAddForm(forms.Form):
    role = forms.ChoiceField(
        label="Office",
        choices=[("", "Choose an office"), *SignOffRole.choices],
        error_messages={"required": "Choose an office.", "invalid_choice": "Choose an office."},
    )
    person = forms.ModelChoiceField(
        label="Who holds it (their sign-in)",
        queryset=None,
        empty_label="Choose a person",
        help_text="Only people who have the office's role can be chosen.",
        error_messages={
            "required": "Choose who holds the office.",
            "invalid_choice": "Choose who holds the office.",
        },
    )
    name = forms.CharField(
        label="Name as printed on records",
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": "Enter the office holder's name as printed on records."},
    )
    title = forms.CharField(
        label="Title as printed on records",
        max_length=TITLE_MAX_LENGTH,
        help_text="For example, Deputy Mayor for Policing and Crime",
        error_messages={"required": "Enter the office holder's title as printed on records."},
    )
    from_date = GovukDateField(
        label="In office from", error_label="Start date", help_text="For example, 1 4 2026"
    )
    to_date = GovukDateField(
        label="In office until (optional)",
        error_label="End date",
        required=False,
        help_text="Leave blank if there is no end date yet.",
    )
    reason = _reason()

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.get_username()})"
        )


class OfficeHolderEndForm(forms.Form):
    to_date = GovukDateField(
        label="Last day in office", error_label="End date", help_text="For example, 31 3 2027"
    )
    reason = _reason()


class DecideForm(forms.Form):
    note = _reason("Note (optional)", required=False)
