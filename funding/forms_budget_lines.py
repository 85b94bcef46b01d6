"""One line of the budget grid (funding.forms_budget): its route, description,
amount and an amount per financial year, and the formset of the grid's lines."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict

from core.errors import DomainError
from core.money import parse_money
from funding.forms import ROUTE_CHOICES, MoneyField

MAX_LINES = 8


def year_span(start_year: int) -> str:
    """A financial year in words, as the grid shows it: 2024 -> "2024 to 2025"."""
    return f"{start_year} to {start_year + 1}"


def _pence_or_zero(value) -> int:
    """What a cell adds to the totals: its amount, or nothing while it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return parse_money(str(value or "").strip()) if str(value or "").strip() else 0
    except DomainError:
        return 0


def _sentence_after(prefix: str, message: str) -> str:
    """ "Line 2, 2025 to 2026" + "Enter an amount…" -> "Line 2, 2025 to 2026: enter an amount…"
    (unless the message already names the line)."""
    if prefix.lower() in message.lower():
        return message
    return f"{prefix}: {message[:1].lower()}{message[1:]}"


class LineForm(forms.Form):
    """One budget line: its route, description, amount and an amount per year.

    A line left entirely empty is no line at all; a line with anything typed needs
    its route and amount. ``quiet`` (a row or column being added or removed) shows
    what was typed without judging it yet.
    """

    route = forms.ChoiceField(choices=ROUTE_CHOICES, required=False)
    description = forms.CharField(required=False, max_length=500)
    amount = MoneyField(required=False)

    def __init__(self, *args, number: int, years: list[int], quiet: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.number, self.years, self.quiet = number, years, quiet
        self.fields["route"].label = f"Line {number}: procurement route"
        self.fields["description"].label = f"Line {number}: description (optional)"
        self.fields["amount"].label = f"Line {number}: amount"
        for year in years:
            self.fields[f"y{year}"] = MoneyField(
                label=f"Line {number}, {year_span(year)}", required=False
            )

    def full_clean(self):
        if self.quiet:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    @property
    def blank(self) -> bool:
        """Nothing typed in this line (a new budget starts with a blank line)."""
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
            self.add_error(
                "route",
                f"Choose the procurement route for line {self.number}, or ‘Not a procurement’",
            )
        if data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", f"Enter the amount for line {self.number}")
        return data

    @property
    def cells(self) -> list:
        return [self[f"y{year}"] for year in self.years]

    def cell_pence(self) -> list[int]:
        """Each year's amount as typed or saved (0 where empty or not yet an amount)."""
        return [_pence_or_zero(self[f"y{year}"].value()) for year in self.years]

    @property
    def allocated(self) -> int:
        return sum(self.cell_pence())

    def allocations(self) -> dict[int, int]:
        """Financial year -> pence of the cells that hold an amount (after cleaning)."""
        cleaned = self.cleaned_data
        return {y: cleaned[f"y{y}"] for y in self.years if cleaned.get(f"y{y}") is not None}

    def summary_errors(self) -> list[dict[str, str]]:
        """This line's errors for the error summary, each naming the line (and the
        year, for a cell) and linking to its input."""
        line = f"Line {self.number}"
        items = [{"text": _sentence_after(line, e), "href": ""} for e in self.non_field_errors()]
        for name, field in self.fields.items():
            prefix = field.label if name.startswith("y") else line
            items += [
                {"text": _sentence_after(prefix, error), "href": f"#{self[name].auto_id}"}
                for error in self[name].errors
            ]
        return items


class BaseLineFormSet(forms.BaseFormSet):
    """The grid's lines. Each line form is told its number and the year columns."""

    def __init__(self, *args, years: list[int], quiet: bool = False, **kwargs) -> None:
        self.years, self.quiet = years, quiet
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"number": (index or 0) + 1, "years": self.years, "quiet": self.quiet}

    def full_clean(self):
        if self.quiet:
            self._errors, self._non_form_errors = [], self.error_class()
            return
        super().full_clean()


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES
)
