"""The spending report's one question: which budget to show by financial year."""

from __future__ import annotations

from django import forms

from core.errors import DomainError
from decisions.selectors.public import parse_reference

BUDGET_HINT = "Enter the reference of the decision that approved it, like PCD 1406."


class EnvelopeChoiceForm(forms.Form):
    budget = forms.CharField(
        label="Show one budget by financial year",
        help_text=BUDGET_HINT,
        required=False,
        max_length=30,
    )

    def clean_budget(self) -> tuple[str, int] | None:
        text = self.cleaned_data["budget"].strip()
        if not text:
            return None
        try:
            return parse_reference(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
