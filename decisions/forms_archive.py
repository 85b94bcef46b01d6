"""The back office's form for one archived record (a decision taken before the
system). Shape only; the rules are the service's (decisions/services/archive.py),
whose messages are shown beside the same fields."""

from __future__ import annotations

from django import forms

from core.forms import GovukDateField
from decisions.forms import _text
from decisions.services.archive_checks import archived_record_problems


class ArchivedRecordForm(forms.Form):
    reference = _text(
        "Reference",
        "Enter the reference, like PCD 1760",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        help_text="As published: the series, one space and the number, like PCD 1760.",
    )
    title = _text("Title", "Enter the title", widget=forms.Textarea(attrs={"rows": 2}))
    decision_by = _text(
        "Decision by",
        "Enter who took the decision, as published",
        widget=forms.TextInput,
        help_text="Exactly as published: name and title in the wording of the time, such as "
        "“Authorisation name: Sophie Linden, Deputy Mayor for Policing and Crime”.",
    )
    date_signed = GovukDateField(
        label="Date signed",
        required=False,
        help_text="For example, 27 3 2018. Leave it empty if it is not recorded.",
    )
    date_published = GovukDateField(
        label="Date published",
        required=False,
        help_text="For example, 3 4 2018. Leave it empty if it is not recorded (give at least "
        "one of the two dates).",
    )
    summary = _text("Summary (optional)", widget=forms.Textarea(attrs={"rows": 5}))
    recommendations = _text(
        "Recommendations (optional)",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One recommendation a paragraph: leave a blank line between them.",
    )
    document = forms.FileField(
        label="Signed original (optional)",
        required=False,
        help_text="The signed PDF, smaller than 20 MB. If the page comes back with a problem, "
        "choose the file again: browsers do not keep a chosen file.",
    )
    source_url = _text(
        "Web address where it was published (optional)",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
        help_text="For example, https://www.london.gov.uk/decisions/pcd-1760",
    )

    def clean(self):
        # Every problem at once, as the import would find them one by one (it checks
        # them again).
        data = super().clean()
        if {"date_signed", "date_published"} & set(self.errors):
            return data
        problems = archived_record_problems(
            reference=data.get("reference") or "",
            title=data.get("title") or "",
            date_signed=data.get("date_signed"),
            date_published=data.get("date_published"),
            decision_by=data.get("decision_by") or "",
            source_url=data.get("source_url") or "",
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data
