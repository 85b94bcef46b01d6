from django import forms


class AlertEmailForm(forms.Form):
    """The visitor's address; what they follow travels in hidden fields (checked again
    on the server: only the list's own filters, only a published decision)."""

    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="We use it only to send these alerts, and delete it when you unsubscribe.",
        error_messages={"required": "Enter your email address."},
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=600)
    decision = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
