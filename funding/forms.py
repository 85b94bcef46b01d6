"""Forms for money: amounts typed as people write them, budget movements and
commitments (the budget grid is funding.forms_budget)."""

from __future__ import annotations

from django import forms

from core.errors import DomainError, Messages
from core.financial_years import format_financial_year, parse_financial_year
from core.money import format_money, parse_money
from funding.models import ProcurementRoute

# Rows of financial years offered for the new line of a budget movement.
MOVE_YEAR_ROWS = 6


class MoneyField(forms.CharField):
    """Accepts 1800000, 1,800,000, £1,800,000 or £1.8m; cleans to integer pence."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("spellcheck", "false")

    def prepare_value(self, value):
        return format_money(value) if isinstance(value, int) else value

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            return parse_money(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error


ROUTE_CHOICES = [("", "Choose a route"), *ProcurementRoute.choices]


class MovementForm(forms.Form):
    """Move money from a line of a decision this draft amends to a new line."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    source_line = forms.TypedChoiceField(
        label="Which line does the money come from?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the line the money comes from"},
    )
    amount = MoneyField(
        label="How much moves to the new line?",
        help_text="For example, £1.8m",
        error_messages={"required": "Enter the amount to move"},
    )
    route = forms.ChoiceField(
        label="Procurement route of the new line",
        choices=ROUTE_CHOICES,
        error_messages={"required": "Choose the procurement route of the new line"},
    )
    description = forms.CharField(label="Description (optional)", required=False, max_length=500)
    over_commitment_reason = forms.CharField(
        label="If this is more than the line's uncommitted amount, why is that acceptable?",
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sources: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_line"].choices = [(line.pk, label) for line, label in sources]
        for j in range(MOVE_YEAR_ROWS):
            self.fields[f"move-year-{j}"] = forms.CharField(
                label=f"Financial year {j + 1}", required=False, max_length=9
            )
            self.fields[f"move-amount-{j}"] = MoneyField(
                label=f"Amount in financial year {j + 1}", required=False
            )
        self.year_rows = [
            (self[f"move-year-{j}"], self[f"move-amount-{j}"]) for j in range(MOVE_YEAR_ROWS)
        ]

    def add_service_error(self, error: DomainError) -> None:
        """A refusal about a financial year goes beside that year's amount (the first
        year row when it names none)."""
        field = error.field if error.field in self.fields else None
        if error.field == "financial_year":
            field = self._year_rows.get(str(error.params.get("year")), "move-year-0")
        self.add_error(field, error.message)

    def clean(self):
        data = super().clean()
        self._year_rows: dict[str, str] = {}
        allocations: dict[int, int] = {}
        for j in range(len(self.year_rows)):
            text = (data.get(f"move-year-{j}") or "").strip()
            pence = data.get(f"move-amount-{j}")
            if not text and pence is None:
                continue
            if not text:
                self.add_error(f"move-year-{j}", "Enter the financial year for this amount")
                continue
            try:
                year = parse_financial_year(text)
            except DomainError as error:
                self.add_error(f"move-year-{j}", error.message)
                continue
            if year in allocations:
                self.add_error(
                    f"move-year-{j}",
                    Messages.FINANCIAL_YEAR_REPEATED.format(year=format_financial_year(year)),
                )
            elif pence is None:
                self.add_error(f"move-amount-{j}", "Enter the amount for this financial year")
            else:
                allocations[year] = pence
                self._year_rows[format_financial_year(year)] = f"move-amount-{j}"
        data["allocations"] = allocations
        return data


class CommitmentForm(forms.Form):
    line = forms.TypedChoiceField(
        label="Budget line",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the budget line"},
    )
    kind = forms.ChoiceField(
        label="Contract or grant?",
        choices=[("contract", "Contract"), ("grant", "Grant")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose contract or grant"},
    )
    route = forms.ChoiceField(
        label="How was it awarded?",
        choices=[("", "The line's own route"), *ProcurementRoute.choices],
        required=False,
    )
    counterparty = forms.CharField(
        label="Awarded to",
        max_length=300,
        error_messages={"required": "Enter who it is awarded to"},
    )
    max_value = MoneyField(
        label="Maximum value", error_messages={"required": "Enter the maximum value"}
    )
    awarded_on = forms.DateField(
        label="Date awarded (optional)",
        required=False,
        help_text="For example, 29/2/2024",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date awarded as day/month/year, like 29/2/2024"},
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, lines: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(line.pk, label) for line, label in lines]


class RemoveMovementForm(forms.Form):
    movement = forms.IntegerField(min_value=1)
    version = forms.CharField(max_length=64)
