"""Forms for drafting. They check shape (present, a choice, a date); the rules live
in the services, whose DomainErrors are shown next to the same fields."""

from __future__ import annotations

import uuid

from django import forms

from core.errors import Messages
from core.money import format_money
from decisions.models import REVIEWER_DECLARATIONS, Decision, DecisionType, LeadIn, LinkKind
from decisions.models.decision import lead_in_wording
from decisions.selectors import decision_types
from decisions.selectors.versions import (
    declarations_version,
    lead_in_version,
    part2_version,
    summary_version,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, required_message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
        **kwargs,
    )


def _text(label: str, required_message: str | None = None, **kwargs) -> forms.CharField:
    # No max_length here: the services check lengths and say so in the form's words.
    return forms.CharField(
        label=label,
        required=required_message is not None,
        strip=False,
        error_messages={"required": required_message} if required_message else {},
        **kwargs,
    )


class VersionedForm(forms.Form):
    """Carries the version of what the form edits, as it was shown (stale-save check):
    a step's fingerprint of the fields it shows (``version_of``), so that saving
    another step or adding a paragraph is no conflict."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)

    @staticmethod
    def version_of(decision: Decision) -> str:
        raise NotImplementedError


class ItemVersionedForm(forms.Form):
    """Edits one paragraph or recommendation: carries that item's own version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AddForm(forms.Form):
    """Adds an item: a one-time token minted when the form is shown, stored with the
    new row, so the same form sent twice adds one item."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    @staticmethod
    def new_token() -> uuid.UUID:
        return uuid.uuid4()


def decision_type_label(decision_type: DecisionType) -> str:
    """ "Chief Executive Decision (CEOD): approved by the Chief Executive Officer,
    under £500,000", from the type's row (the scheme of delegation is data)."""
    label = (
        f"{decision_type.name} ({decision_type.code}): approved by the "
        f"{decision_type.approver_title}"
    )
    if decision_type.delegation_limit_pence is not None:
        label += f", under {format_money(decision_type.delegation_limit_pence)}"
    return label


class DecisionCreateForm(forms.Form):
    type_code = forms.ChoiceField(
        label="What type of decision is this?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of decision"},
    )
    title = _text("Title", "Enter a title", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = [
            (decision_type.code, decision_type_label(decision_type))
            for decision_type in decision_types()
        ]


class SummaryForm(VersionedForm):
    version_of = staticmethod(summary_version)

    title = _text("Title", "Enter a title", widget=forms.Textarea(attrs={"rows": 2}))
    executive_summary = _text(
        "Executive summary",
        help_text="What the decision does and why, in plain English. Separate paragraphs with "
        "a blank line.",
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class RecommendationForm(ItemVersionedForm):
    text = _text(
        "Recommendation",
        "Enter the recommendation",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RecommendationAddForm(AddForm):
    text = RecommendationForm.base_fields["text"]


class ParagraphForm(ItemVersionedForm):
    text = _text(
        "Paragraph",
        "Enter the paragraph",
        help_text="You can use *stars* for emphasis, **two stars** for bold, "
        "[words](https://…) for a link, lines starting with - or (a), (b), (c) for lists, "
        "and simple tables.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    budget_table_follows = forms.BooleanField(
        label="Show the budget table after this paragraph", required=False
    )


class ParagraphAddForm(AddForm):
    text = ParagraphForm.base_fields["text"]
    budget_table_follows = ParagraphForm.base_fields["budget_table_follows"]


class ItemActionForm(forms.Form):
    """Move up, move down or remove an item of a list. Removing a paragraph or
    recommendation names the version shown, so a changed one is not removed unseen."""

    action = forms.ChoiceField(choices=[("up", "up"), ("down", "down"), ("remove", "remove")])
    version = forms.IntegerField(min_value=1, required=False)


class LinkForm(AddForm):
    reference = _text(
        "Reference of the other decision",
        "Enter the reference of the other decision, like PCD 1406",
        help_text="For example, PCD 1406",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label="How does this decision relate to it?",
        choices=[
            (LinkKind.AMENDS, "It amends that decision"),
            (LinkKind.SUPERSEDES, "It supersedes that decision"),
            (LinkKind.RELATED, "It is related to that decision"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how this decision relates to the other one"},
    )
    description = _text(
        "Describe the link in one line (optional)",
        help_text="For example: amends the procurement route for £1.8m of the £17.2m approved "
        "in PCD 1406",
        widget=forms.TextInput,
    )


class AppendixForm(AddForm):
    title = _text("Title", "Enter the title of the appendix", widget=forms.TextInput)
    file = forms.FileField(
        label="Upload the paper (optional)",
        required=False,
        help_text="PDF only, smaller than 20 MB.",
    )
    published = _yes_no(
        "Publish this appendix with the decision?",
        "Choose whether to publish this appendix",
    )


class Part2Form(VersionedForm):
    version_of = staticmethod(part2_version)

    content = _text(
        "Part 2: confidential facts and advice",
        "Enter the Part 2 content",
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    legal_rationale = _text(
        "Legal rationale for non-publication",
        "Enter the legal rationale for non-publication",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ShareForm(forms.Form):
    username = _text(
        "Username of the officer to share with",
        "Enter the username of an officer",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class DeclarationsForm(VersionedForm):
    """One statement and one tick per row the officer confirms."""

    version_of = staticmethod(declarations_version)

    def __init__(self, *args, decision: Decision, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for declaration in decision.declarations.all():
            if declaration.kind in REVIEWER_DECLARATIONS:
                continue
            statement = f"{declaration.kind}-statement"
            confirmed = f"{declaration.kind}-confirmed"
            self.fields[statement] = _text(
                f"{declaration.heading}: statement",
                f"Enter the {declaration.heading} statement",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[confirmed] = forms.BooleanField(
                label=f"I confirm the {declaration.heading} statement", required=False
            )
            self.initial.setdefault(statement, declaration.statement)
            self.initial.setdefault(confirmed, declaration.is_confirmed)
            self.rows.append((declaration, self[statement], self[confirmed]))


class RecommendationsLeadInForm(VersionedForm):
    """How the recommendations begin, each choice in the decision type's own words."""

    version_of = staticmethod(lead_in_version)

    lead_in = forms.ChoiceField(
        label="How do the recommendations begin?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={
            "required": Messages.LEAD_IN_INVALID,
            "invalid_choice": Messages.LEAD_IN_INVALID,
        },
    )

    def __init__(self, *args, decision_type: DecisionType, **kwargs) -> None:
        # Its own ids: it shares the recommendations page with the add form.
        kwargs.setdefault("auto_id", "id_lead_in_%s")
        super().__init__(*args, **kwargs)
        self.fields["lead_in"].choices = [
            (choice, lead_in_wording(decision_type, choice)) for choice in LeadIn.values
        ]


class WordFormUploadForm(forms.Form):
    """The officer's Word form, and its type if the form does not say."""

    file = forms.FileField(
        label="Upload your decision form",
        help_text="A Word document (.docx) of the DMPC decision form, smaller than 10 MB.",
        error_messages={"required": Messages.WORD_FORM_REQUIRED, "empty": Messages.WORD_FORM_EMPTY},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
    )
    type_code = forms.ChoiceField(
        label="What type of decision is this?",
        help_text="Only needed if your form does not say: its heading reads “DMPC Decision” "
        "or “CEO Decision”.",
        choices=[],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = [
            (decision_type.code, decision_type_label(decision_type))
            for decision_type in decision_types()
        ]
