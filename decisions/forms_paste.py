"""Forms of the "paste or type the whole section" box and its check page."""

from __future__ import annotations

from django import forms

# What the box takes at most: far more than any real section (the paragraphs' own
# limits are checked by the service, in the form's words).
PASTE_BOX_MAX_LENGTH = 500_000
ACTIONS = [("continue", "Continue"), ("save", "Save"), ("change", "Change the text")]
END_OF_SECTION = "end"


class PasteForm(forms.Form):
    text = forms.CharField(
        label="The whole section",
        required=False,
        strip=False,
        max_length=PASTE_BOX_MAX_LENGTH,
        error_messages={
            "max_length": f"The text must be {PASTE_BOX_MAX_LENGTH:,} characters or fewer. "
            "Paste the section in two parts: save the first, then add the rest paragraph "
            "by paragraph."
        },
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "true"}),
    )
    # The version of the whole list when the box was opened (items_version).
    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    action = forms.ChoiceField(choices=ACTIONS, required=False)


class BudgetPlaceForm(forms.Form):
    """Where the budget table goes in the financial comments: after one of the
    paragraphs being saved, or at the end of the section."""

    budget_table_after = forms.ChoiceField(
        label="Where should the budget table go?",
        help_text="The table of the budget step is shown in this section, where you choose.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the budget table goes"},
    )

    def __init__(self, *args, numbers: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget_table_after"].choices = [
            *(
                (str(position), f"After paragraph {number}")
                for position, number in enumerate(numbers, start=1)
            ),
            (END_OF_SECTION, "At the end of the section"),
        ]

    def position(self) -> int | None:
        value = self.cleaned_data["budget_table_after"]
        return None if value == END_OF_SECTION else int(value)
