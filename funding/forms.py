"""Forms for money: amounts typed as people write them, budgets as a year grid."""

from __future__ import annotations

import re

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


class LineForm(forms.Form):
    """One budget line of the grid: its route, amount and an amount per year column.

    A row left entirely empty is no line at all; a row with anything typed needs
    its route and amount.
    """

    route = forms.ChoiceField(choices=ROUTE_CHOICES, required=False)
    description = forms.CharField(required=False, max_length=500)
    amount = MoneyField(required=False)

    def __init__(self, *args, number: int, year_count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.number, self.year_count = number, year_count
        self.fields["route"].label = f"Line {number}: procurement route"
        self.fields["description"].label = f"Line {number}: description (optional)"
        self.fields["amount"].label = f"Line {number}: amount"
        for j in range(year_count):
            self.fields[f"year-{j}"] = MoneyField(
                label=f"Line {number}, financial year {j + 1}", required=False
            )

    @property
    def blank(self) -> bool:
        """Nothing typed in this row (a new budget starts with blank rows)."""
        if not self.is_bound:
            return not any(self.initial.values())
        return not any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in self.fields
        )

    def clean(self):
        data = super().clean()
        if self.blank:
            return data
        if not data.get("route"):
            self.add_error("route", f"Choose the procurement route for line {self.number}")
        if data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", f"Enter the amount for line {self.number}")
        return data

    @property
    def cells(self) -> list:
        return [self[f"year-{j}"] for j in range(self.year_count)]

    def cell_pence(self) -> list[int]:
        """Each year's valid amount so far (0 where empty or not a valid amount)."""
        cleaned = getattr(self, "cleaned_data", {}) or {}
        return [cleaned.get(f"year-{j}") or 0 for j in range(self.year_count)]

    @property
    def allocated(self) -> int:
        return sum(self.cell_pence())


class BaseLineFormSet(forms.BaseFormSet):
    """The grid's lines. Each line form is told its number and the year columns."""

    def __init__(self, *args, year_count: int, **kwargs) -> None:
        self.year_count = year_count
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"number": (index or 0) + 1, "year_count": self.year_count}


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES
)


class BudgetForm(forms.Form):
    """The decision's own budget: the envelope, its year columns, and ``lines``, a
    formset of lines each with an amount per year.

    The hidden ``line_count`` and ``year_count`` carry the grid's size, so "Add
    another line" and "Add another year" work without JavaScript; the line
    formset's management data is derived from them.
    """

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

    def __init__(
        self,
        data=None,
        *,
        initial: dict | None = None,
        lines_initial: list[dict] | None = None,
        line_count: int = 1,
        year_count: int = 4,
    ) -> None:
        super().__init__(data, initial=initial)
        if self.is_bound:
            line_count = _bounded(self.data.get("line_count"), line_count, MAX_LINES)
            year_count = _bounded(self.data.get("year_count"), year_count, MAX_YEARS)
            if "add_line" in self.data:
                line_count = min(line_count + 1, MAX_LINES)
            if "add_year" in self.data:
                year_count = min(year_count + 1, MAX_YEARS)
            self.data = self.data.copy()
            self.data["line_count"], self.data["year_count"] = line_count, year_count
            self.data["line-TOTAL_FORMS"], self.data["line-INITIAL_FORMS"] = line_count, 0
            self.lines = LineFormSet(self.data, prefix="line", year_count=year_count)
        else:
            padded = [*(lines_initial or []), *([{}] * line_count)][:line_count]
            self.lines = LineFormSet(initial=padded, prefix="line", year_count=year_count)
        self.line_count, self.year_count = line_count, year_count
        self.initial.setdefault("line_count", line_count)
        self.initial.setdefault("year_count", year_count)
        for j in range(year_count):
            self.fields[f"year-{j}"] = forms.CharField(
                label=f"Financial year {j + 1}", required=False, max_length=9
            )

    @property
    def expanding(self) -> bool:
        """The officer asked for another row or column: show the form again, unsaved."""
        return self.is_bound and ("add_line" in self.data or "add_year" in self.data)

    def is_valid(self) -> bool:
        valid = super().is_valid()  # cleans the lines too (see clean)
        return valid and self.lines.is_valid()

    def _years(self, data) -> dict[int, int]:
        """Column -> financial year (start year), each column's error on its field."""
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
        return years

    def clean(self):
        data = super().clean()
        years = self._years(data)
        self.lines.is_valid()
        specs, rows = [], []
        for index, line in enumerate(self.lines.forms):
            if line.blank:
                continue
            allocations = {}
            for j, pence in enumerate(
                line.cleaned_data.get(f"year-{j}") for j in range(self.year_count)
            ):
                if pence is None:
                    continue
                if j not in years:
                    if f"year-{j}" not in self.errors:
                        self.add_error(f"year-{j}", "Enter the financial year for this column")
                    continue
                allocations[years[j]] = pence
            if not line.errors:
                specs.append(
                    LineSpec(
                        route=line.cleaned_data["route"],
                        amount_pence=line.cleaned_data["amount"],
                        description=line.cleaned_data.get("description") or "",
                        allocations=allocations,
                    )
                )
                rows.append(index)
        data["lines"], self._spec_rows = specs, rows
        return data

    def add_service_error(self, error: DomainError) -> None:
        """Put a service's refusal beside its field: ``line-<n>-<field>`` names the
        n-th line sent to the service, which is a row of the grid."""
        match = re.fullmatch(r"line-(\d+)-(\w+)", error.field or "")
        if match and int(match[1]) < len(self._spec_rows):
            line = self.lines.forms[self._spec_rows[int(match[1])]]
            line.add_error(match[2] if match[2] in line.fields else None, error.message)
        else:
            self.add_error(error.field if error.field in self.fields else None, error.message)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or (self.is_bound and not self.lines.is_valid())

    def line_errors(self) -> list[dict[str, str]]:
        """The lines' errors for the error summary, each linked to its field."""
        if not self.is_bound:
            return []
        self.lines.is_valid()
        errors = [{"text": error, "href": ""} for error in self.lines.non_form_errors()]
        for line in self.lines.forms:
            errors += [{"text": error, "href": ""} for error in line.non_field_errors()]
            for field in line:
                errors += [{"text": error, "href": f"#{field.auto_id}"} for error in field.errors]
        return errors

    def years(self) -> list:
        return [self[f"year-{j}"] for j in range(self.year_count)]

    def column_totals(self) -> list[int]:
        totals = [0] * self.year_count
        for line in self.lines.forms:
            for j, pence in enumerate(line.cell_pence()):
                totals[j] += pence
        return totals


def _bounded(raw, default: int, limit: int) -> int:
    try:
        return max(1, min(int(raw), limit))
    except (TypeError, ValueError):
        return default


def budget_initial(envelope, lines) -> tuple[dict, list[dict], int, int]:
    """Initial data from a saved budget: (envelope and years, lines, line and year counts)."""
    if envelope is None:
        return {}, [], 1, 4
    years = sorted({a.financial_year for line in lines for a in line.allocations.all()})
    initial = {
        "description": envelope.description,
        "funding_source": envelope.funding_source,
        "total": envelope.total_pence,
    }
    for j, year in enumerate(years):
        initial[f"year-{j}"] = format_financial_year(year)
    lines_initial = [
        {
            "route": line.route,
            "description": line.description,
            "amount": line.amount_pence,
            **{
                f"year-{years.index(a.financial_year)}": a.amount_pence
                for a in line.allocations.all()
            },
        }
        for line in lines
    ]
    return initial, lines_initial, max(len(lines), 1), max(len(years), 4)


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
    version = forms.IntegerField(min_value=1)
