"""The public list's search and filters (GET). Bad values are reported, never a 500."""

from __future__ import annotations

from django import forms

from core.errors import DomainError
from core.financial_years import parse_financial_year
from decisions.selectors import decision_types
from decisions.selectors.search import VALUE_BANDS, Filters


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label="Search decisions", required=False, max_length=200)
    year = forms.TypedChoiceField(
        label="Year signed", required=False, coerce=int, empty_value=None, choices=[]
    )
    type = forms.ChoiceField(label="Decision type", required=False, choices=[])
    value = forms.ChoiceField(
        label="Value",
        required=False,
        choices=[("", "Any value"), *[(key, label) for key, label, _, _ in VALUE_BANDS]],
    )
    financial_year = forms.CharField(
        label="Financial year of spend",
        required=False,
        help_text="For example, 2024/25",
        max_length=9,
    )

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year"), *[(y, str(y)) for y in years]]
        # The reference series are data: "DMPC Decisions (PCD)", one per type.
        self.fields["type"].choices = [
            ("", "All types"),
            *[
                (code, f"{name}s ({code})")
                for code, name in decision_types().values_list("code", "name")
            ],
        ]

    def clean_financial_year(self) -> int | None:
        value = self.cleaned_data["financial_year"].strip()
        if not value:
            return None
        try:
            return parse_financial_year(value)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error

    def filters(self) -> Filters:
        """The valid filters; an invalid one is left out (its error is shown)."""
        data = self.cleaned_data if self.is_bound else {}
        return Filters(
            q=data.get("q") or "",
            year=data.get("year"),
            type_code=data.get("type") or "",
            value_band=data.get("value") or "",
            financial_year=data.get("financial_year"),
        )
