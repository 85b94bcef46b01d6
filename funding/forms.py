"""Forms for money: amounts typed as people write them, budgets as a year grid."""

from __future__ import annotations

from django import forms

from core.errors import DomainError, Messages
from core.financial_years import format_financial_year, parse_financial_year
from core.money import format_money, parse_money
from funding.models import ProcurementRoute
from funding.services import LineSpec

MAX_LINES = 8
MAX_YEARS = 8


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


class BudgetForm(forms.Form):
    """The decision's own budget: envelope, lines, and a grid of lines x years."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    line_count = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_LINES)
    year_count = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_YEARS)
    description = forms.CharField(
        label="What is the budget for?",
        error_messages={"required": "Enter what the budget is for"},
        widget=forms.TextInput,
    )
    funding_source = forms.CharField(
        label="Funding source",
        help_text="For example, Commissioning & Partnership Directorate's core funding",
        error_messages={"required": "Enter the funding source"},
    )
    total = MoneyField(
        label="Total budget",
        help_text="For example, £1,800,000 or £1.8m",
        error_messages={"required": "Enter the total budget"},
    )

    def __init__(self, *args, line_count: int = 1, year_count: int = 4, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            line_count = _bounded(self.data.get("line_count"), line_count, MAX_LINES)
            year_count = _bounded(self.data.get("year_count"), year_count, MAX_YEARS)
            if "add_line" in self.data:
                line_count = min(line_count + 1, MAX_LINES)
            if "add_year" in self.data:
                year_count = min(year_count + 1, MAX_YEARS)
            self.data = self.data.copy()
            self.data["line_count"], self.data["year_count"] = line_count, year_count
        self.line_count, self.year_count = line_count, year_count
        self.initial.setdefault("line_count", line_count)
        self.initial.setdefault("year_count", year_count)
        for j in range(year_count):
            self.fields[f"year-{j}"] = forms.CharField(
                label=f"Financial year {j + 1}", required=False, max_length=9
            )
        for i in range(line_count):
            self.fields[f"line-{i}-route"] = forms.ChoiceField(
                label=f"Line {i + 1}: procurement route", choices=ROUTE_CHOICES, required=False
            )
            self.fields[f"line-{i}-description"] = forms.CharField(
                label=f"Line {i + 1}: description (optional)", required=False, max_length=500
            )
            self.fields[f"line-{i}-amount"] = MoneyField(
                label=f"Line {i + 1}: amount", required=False
            )
            for j in range(year_count):
                self.fields[f"line-{i}-year-{j}"] = MoneyField(
                    label=f"Line {i + 1}, financial year {j + 1}", required=False
                )

    @property
    def expanding(self) -> bool:
        """The officer asked for another row or column: show the form again, unsaved."""
        return self.is_bound and ("add_line" in self.data or "add_year" in self.data)

    def clean(self):
        data = super().clean()
        years: dict[int, int] = {}
        for j in range(self.year_count):
            text = (data.get(f"year-{j}") or "").strip()
            if not text:
                continue
            try:
                year = parse_financial_year(text)
            except DomainError as error:
                self.add_error(f"year-{j}", error.message)
                continue
            if year in years.values():
                self.add_error(
                    f"year-{j}",
                    Messages.FINANCIAL_YEAR_REPEATED.format(year=format_financial_year(year)),
                )
            elif years and year < max(years.values()):
                self.add_error(f"year-{j}", Messages.FINANCIAL_YEARS_ORDER)
            years[j] = year
        specs = []
        for i in range(self.line_count):
            route = data.get(f"line-{i}-route") or ""
            amount = data.get(f"line-{i}-amount")
            cells = {j: data.get(f"line-{i}-year-{j}") for j in range(self.year_count)}
            typed = [
                self.data.get(self.add_prefix(f"line-{i}-{name}"), "")
                for name in ("route", "description", "amount")
            ] + [self.data.get(self.add_prefix(f"line-{i}-year-{j}"), "") for j in cells]
            if not any(str(value).strip() for value in typed):
                continue  # an empty row
            if not route:
                self.add_error(f"line-{i}-route", f"Choose the procurement route for line {i + 1}")
            if amount is None and f"line-{i}-amount" not in self.errors:
                self.add_error(f"line-{i}-amount", f"Enter the amount for line {i + 1}")
            allocations = {}
            for j, pence in cells.items():
                if pence is None:
                    continue
                if j not in years:
                    if f"year-{j}" not in self.errors:
                        self.add_error(f"year-{j}", "Enter the financial year for this column")
                    continue
                allocations[years[j]] = pence
            if route and amount is not None:
                specs.append(
                    LineSpec(
                        route=route,
                        amount_pence=amount,
                        description=data.get(f"line-{i}-description") or "",
                        allocations=allocations,
                    )
                )
        data["lines"] = specs
        return data

    def rows(self) -> list[dict]:
        """The grid for the template, with each line's and year's totals so far."""
        cleaned = getattr(self, "cleaned_data", {}) or {}
        column_totals = [0] * self.year_count
        rows = []
        for i in range(self.line_count):
            cells = [self[f"line-{i}-year-{j}"] for j in range(self.year_count)]
            values = [cleaned.get(f"line-{i}-year-{j}") for j in range(self.year_count)]
            for j, value in enumerate(values):
                column_totals[j] += value or 0
            rows.append(
                {
                    "number": i + 1,
                    "route": self[f"line-{i}-route"],
                    "description": self[f"line-{i}-description"],
                    "amount": self[f"line-{i}-amount"],
                    "cells": cells,
                    "allocated": sum(v or 0 for v in values),
                }
            )
        self.column_totals = column_totals
        return rows

    def years(self) -> list:
        return [self[f"year-{j}"] for j in range(self.year_count)]


def _bounded(raw, default: int, limit: int) -> int:
    try:
        return max(1, min(int(raw), limit))
    except (TypeError, ValueError):
        return default


def budget_initial(envelope, lines) -> tuple[dict, int, int]:
    """Initial form data from a saved budget: (initial, line_count, year_count)."""
    if envelope is None:
        return {}, 1, 4
    years = sorted({a.financial_year for line in lines for a in line.allocations.all()})
    initial = {
        "description": envelope.description,
        "funding_source": envelope.funding_source,
        "total": envelope.total_pence,
    }
    for j, year in enumerate(years):
        initial[f"year-{j}"] = format_financial_year(year)
    for i, line in enumerate(lines):
        initial[f"line-{i}-route"] = line.route
        initial[f"line-{i}-description"] = line.description
        initial[f"line-{i}-amount"] = line.amount_pence
        for allocation in line.allocations.all():
            j = years.index(allocation.financial_year)
            initial[f"line-{i}-year-{j}"] = allocation.amount_pence
    return initial, max(len(lines), 1), max(len(years), 4)


class MovementForm(forms.Form):
    """Move money from a line of a decision this draft amends to a new line."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
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
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sources: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_line"].choices = [(line.pk, label) for line, label in sources]
        for j in range(MAX_YEARS // 2 + 2):
            self.fields[f"move-year-{j}"] = forms.CharField(
                label=f"Financial year {j + 1}", required=False, max_length=9
            )
            self.fields[f"move-amount-{j}"] = MoneyField(
                label=f"Amount in financial year {j + 1}", required=False
            )
        self.year_rows = [
            (self[f"move-year-{j}"], self[f"move-amount-{j}"]) for j in range(MAX_YEARS // 2 + 2)
        ]

    def clean(self):
        data = super().clean()
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
    version = forms.IntegerField(min_value=1)
