"""The budget grid: a decision's envelope, its lines (a Django formset) and each line's
amount per financial year.

The financial years are consecutive columns from ``first_year``, shown as text
("2024 to 2025") and changed with buttons ("Add 2028 to 2029", "Remove 2024 to
2025"), so nobody types a year and everything works without JavaScript: each
button sends the whole form, and the page comes back with everything typed kept.
Totals ("Allocated", "Total by year") are computed here from what was typed or
saved, so they are right on every page load; the script only updates them live.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.forms.utils import ErrorDict

from core.errors import DomainError
from core.financial_years import FIRST_YEAR, LAST_YEAR, financial_year_of
from funding.forms import MoneyField
from funding.forms_budget_lines import MAX_LINES, LineFormSet, year_span
from funding.services import LineSpec

MAX_YEARS = 10
DEFAULT_YEARS = 4
ACTIONS = ("add_line", "add_year", "remove_year")


class BudgetForm(forms.Form):
    """The decision's own budget: the envelope, and ``lines``, a formset of lines each
    with an amount per financial year.

    Hidden ``first_year`` and ``year_count`` carry the year columns, and the line
    formset's management form the number of lines, so the buttons that add a line
    or a year (or remove an empty year) work without JavaScript.
    """

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    first_year = forms.IntegerField(
        widget=forms.HiddenInput, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    # Up to MAX_YEARS columns can be added; a saved budget spanning more still shows
    # (and saves) every year it has.
    year_count = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=LAST_YEAR - FIRST_YEAR + 1
    )
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
        first_year: int | None = None,
        year_count: int = DEFAULT_YEARS,
    ) -> None:
        super().__init__(data, initial=initial)
        first_year = first_year or financial_year_of(dt.date.today())
        self.refusal: tuple[str, str] | None = None
        if self.is_bound:
            self.data = self.data.copy()
            first_year = _bounded(self.data.get("first_year"), first_year, FIRST_YEAR, LAST_YEAR)
            year_count = _bounded(
                self.data.get("year_count"), year_count, 1, LAST_YEAR - first_year + 1
            )
            line_count = _bounded(
                self.data.get("line-TOTAL_FORMS"), _lines_sent(self.data), 1, MAX_LINES
            )
            line_count, first_year, year_count = self._act(line_count, first_year, year_count)
            self.data.update(
                {
                    "first_year": first_year,
                    "year_count": year_count,
                    "line-TOTAL_FORMS": line_count,
                    "line-INITIAL_FORMS": 0,
                }
            )
        self.years = list(range(first_year, first_year + year_count))
        if self.is_bound:
            self.lines = LineFormSet(
                self.data, prefix="line", years=self.years, quiet=self.expanding
            )
        else:
            padded = [*(lines_initial or []), *([{}] * line_count)][:line_count]
            self.lines = LineFormSet(initial=padded, prefix="line", years=self.years)
        self.initial.setdefault("first_year", first_year)
        self.initial.setdefault("year_count", year_count)

    def _act(self, line_count: int, first: int, count: int) -> tuple[int, int, int]:
        """Apply the button pressed (add a line, add or remove a year)."""
        if "add_line" in self.data:
            line_count = min(line_count + 1, MAX_LINES)
        add, remove = self.data.get("add_year"), self.data.get("remove_year")
        if add == "earlier" and count < MAX_YEARS and first > FIRST_YEAR:
            first, count = first - 1, count + 1
        elif add == "later" and count < MAX_YEARS and first + count <= LAST_YEAR:
            count += 1
        elif remove in ("first", "last") and count > 1:
            year = first if remove == "first" else first + count - 1
            typed = [
                f"line-{i}-y{year}"
                for i in range(line_count)
                if str(self.data.get(f"line-{i}-y{year}", "")).strip()
            ]
            if typed:
                # Never drop an amount someone typed: say where it is instead.
                self.refusal = (
                    f"Clear the amounts in {year_span(year)} before removing that year",
                    f"#id_{typed[0]}",
                )
            elif remove == "first":
                first, count = first + 1, count - 1
            else:
                count -= 1
        return line_count, first, count

    @property
    def expanding(self) -> bool:
        """A line or year was added or removed: show the form again, unsaved and unjudged."""
        return self.is_bound and any(action in self.data for action in ACTIONS)

    def full_clean(self):
        if self.expanding:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        valid = super().is_valid()  # cleans the lines too (see clean)
        return valid and self.lines.is_valid()

    def clean(self):
        data = super().clean()
        self.lines.is_valid()
        specs, rows = [], []
        for index, line in enumerate(self.lines.forms):
            if line.blank or line.errors:
                continue
            specs.append(
                LineSpec(
                    route=line.cleaned_data["route"],
                    amount_pence=line.cleaned_data["amount"],
                    description=line.cleaned_data.get("description") or "",
                    allocations=line.allocations(),
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
        return bool(self.errors or self.refusal) or (self.is_bound and not self.lines.is_valid())

    def line_errors(self) -> list[dict[str, str]]:
        """The lines' errors for the error summary, each linked to its field."""
        if not self.is_bound:
            return []
        items = []
        if self.refusal:
            items.append({"text": self.refusal[0], "href": self.refusal[1]})
        if not self.expanding:
            self.lines.is_valid()
            items += [{"text": error, "href": ""} for error in self.lines.non_form_errors()]
        for line in self.lines.forms:
            items += line.summary_errors()
        return items

    def year_columns(self) -> list[dict]:
        """Each year column: its start year, its words and its total."""
        return [
            {"year": year, "text": year_span(year), "total": total}
            for year, total in zip(self.years, self.column_totals(), strict=True)
        ]

    def column_totals(self) -> list[int]:
        totals = [0] * len(self.years)
        for line in self.lines.forms:
            for j, pence in enumerate(line.cell_pence()):
                totals[j] += pence
        return totals

    @property
    def can_add_line(self) -> bool:
        return len(self.lines.forms) < MAX_LINES

    def grand_total(self) -> int:
        return sum(self.column_totals())

    def year_buttons(self) -> list[dict[str, str]]:
        """The buttons that change the year columns, each naming the year it adds or
        removes. A year can be removed from either end while nothing is typed in it."""
        first, last = self.years[0], self.years[-1]
        buttons = []
        if len(self.years) < MAX_YEARS and first > FIRST_YEAR:
            buttons.append({"name": "add_year", "value": "earlier", "text": year_span(first - 1)})
        if len(self.years) < MAX_YEARS and last < LAST_YEAR:
            buttons.append({"name": "add_year", "value": "later", "text": year_span(last + 1)})
        if len(self.years) > 1:
            empty = [not any(column) for column in zip(*self._typed_cells(), strict=True)]
            if empty and empty[0]:
                buttons.append({"name": "remove_year", "value": "first", "text": year_span(first)})
            if empty and empty[-1]:
                buttons.append({"name": "remove_year", "value": "last", "text": year_span(last)})
        return buttons

    def _typed_cells(self) -> list[list[bool]]:
        return [
            [str(cell.value() or "").strip() != "" for cell in line.cells]
            for line in self.lines.forms
        ]


def _bounded(raw, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(raw), high))
    except (TypeError, ValueError):
        return max(low, min(default, high))


def _lines_sent(data) -> int:
    """How many lines a form without its management data sent (its highest line-N-)."""
    numbers = [int(m[1]) for key in data if (m := re.match(r"line-(\d+)-", key))]
    return max(numbers, default=0) + 1


def budget_initial(envelope, lines, *, today: dt.date | None = None) -> dict:
    """The BudgetForm's keyword arguments for a saved budget (or a new one): the
    envelope, the lines, and year columns covering every saved allocation."""
    first = financial_year_of(today or dt.date.today())
    if envelope is None:
        return {"initial": {}, "lines_initial": [], "first_year": first}
    years = sorted({a.financial_year for line in lines for a in line.allocations.all()})
    lines_initial = [
        {
            "route": line.route,
            "description": line.description,
            "amount": line.amount_pence,
            **{f"y{a.financial_year}": a.amount_pence for a in line.allocations.all()},
        }
        for line in lines
    ]
    return {
        "initial": {
            "description": envelope.description,
            "funding_source": envelope.funding_source,
            "total": envelope.total_pence,
        },
        "lines_initial": lines_initial,
        "line_count": max(len(lines), 1),
        "first_year": years[0] if years else first,
        "year_count": years[-1] - years[0] + 1 if years else DEFAULT_YEARS,
    }
