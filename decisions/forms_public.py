"""Forms about what the public sees: the public list's search and filters (GET), and
the drafting step that says whether and when a decision is published (public access
to information). Bad values are reported beside their field, never a 500."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from core.errors import DomainError, Messages
from core.financial_years import parse_financial_year
from core.forms import GovukDateField
from decisions.forms import VersionedForm, _text, _yes_no
from decisions.selectors import decision_types
from decisions.selectors.search import VALUE_BANDS, Filters
from decisions.selectors.sorting import SORT_CHOICES, sort_choices, sort_key
from decisions.selectors.versions import public_access_version

YEAR_NOT_LISTED = (
    "Choose a year from the list: it has each year in which a published decision was signed"
)


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label="Search decisions", required=False, max_length=200)
    # A year, type or value not on the list (an old or edited link): said in the
    # visitor's words, not Django's "Select a valid choice".
    year = forms.TypedChoiceField(
        label="Year signed", required=False, coerce=int, empty_value=None, choices=[],
        error_messages={"invalid_choice": YEAR_NOT_LISTED},
    )  # fmt: skip
    type = forms.ChoiceField(
        label="Decision type", required=False, choices=[],
        error_messages={"invalid_choice": "Choose a decision type from the list"},
    )  # fmt: skip
    value = forms.ChoiceField(
        label="Value",
        required=False,
        choices=[("", "Any value"), *[(key, label) for key, label, _, _ in VALUE_BANDS]],
        error_messages={"invalid_choice": "Choose a value from the list"},
    )
    financial_year = forms.CharField(
        label="Financial year of spend",
        required=False,
        help_text="For example, 2024/25",
        max_length=9,
    )
    # Shown beside the results (decisions/list.html), submitted with this form.
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": "Choose an order from the list"},
    )

    # The filters (not the words searched for), in the order the form shows them.
    FILTER_FIELDS = ("year", "type", "value", "financial_year")

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
            sort=data.get("sort") or "",
        )

    @property
    def searching(self) -> bool:
        return bool(self.filters().q.strip())

    @property
    def current_sort(self) -> str:
        return sort_key(self.filters().sort, searching=self.searching)

    @property
    def sort_options(self) -> list[tuple[str, str]]:
        return sort_choices(searching=self.searching)

    def active_filters(self) -> list[dict[str, str]]:
        """Each filter in use: what it is ("Year signed: 2024") and the list's query
        string without it (a link that removes it)."""
        if not self.is_bound:
            return []
        active = []
        for name in self.FILTER_FIELDS:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            field = self[name]
            shown = self.data.get(name, "").strip()
            if hasattr(field.field, "choices") and name != "financial_year":
                shown = dict(field.field.choices).get(value, shown)
            active.append({"text": f"{field.label}: {shown}", "query": self.query(without=name)})
        return active

    def query(self, *, without: str = "", **changes: str) -> str:
        """The list's query string for these values (never the page number, nor empty
        fields), without one field or with some changed: links that keep the rest."""
        query = QueryDict(mutable=True)
        for name, values in self.data.lists():
            # Empty fields (a submitted form sends every one) say nothing.
            kept = [value for value in values if value.strip()]
            if kept and name not in ("page", without, *changes):
                query.setlist(name, kept)
        for name, value in changes.items():
            query[name] = value
        return query.urlencode()


class PublicAccessForm(VersionedForm):
    """Part 1 deferral (the reason and date are asked only under "Yes") and Part 2."""

    version_of = staticmethod(public_access_version)

    deferred = _yes_no(
        "Is the publication of Part 1 of this approval to be deferred?",
        "Choose whether publication of Part 1 is deferred",
        help_text="Deferral periods should be kept to the shortest length strictly necessary.",
    )
    deferral_reason = _text("For what reason?", widget=forms.Textarea(attrs={"rows": 3}))
    deferred_until = GovukDateField(
        label="Until what date?",
        error_label="Deferral date",
        required=False,
        help_text="For example, 27 3 2027",
    )
    has_part2 = _yes_no(
        "Is there a Part 2 form?",
        "Choose whether there is a Part 2 form",
        help_text="Only the facts or advice considered as likely to be exempt from disclosure "
        "under the FOIA should be in the separate Part 2 form, together with the legal "
        "rationale for non-publication.",
    )

    def clean(self):
        # The service enforces these too; checking here shows every problem at once.
        data = super().clean()
        if data.get("deferred"):
            if not (data.get("deferral_reason") or "").strip():
                self.add_error("deferral_reason", Messages.DEFERRAL_REASON_REQUIRED)
            if not data.get("deferred_until") and "deferred_until" not in self.errors:
                self.add_error("deferred_until", Messages.DEFERRAL_DATE_REQUIRED)
        elif data.get("deferred") is False:
            # The reason and date belong to "Yes" (hidden under it with JavaScript,
            # shown without): with "No" whatever is in them is neither checked nor
            # kept (the service clears them too).
            self.errors.pop("deferred_until", None)
            data["deferral_reason"], data["deferred_until"] = "", None
        return data
