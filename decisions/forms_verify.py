"""The document check's two forms (/verify/): a PDF to upload, or a SHA-256 to paste.
Their messages are decisions/verify_words.py's. Nothing uploaded is kept: the upload
is read into memory (or a temporary file, deleted when the request ends) and checked.
Its size is limited here and, before anything is read, by the web server (nginx's
client_max_body_size, deploy/nginx.conf)."""

from __future__ import annotations

import re

from django import forms

from decisions import verify_words as words

_SHA256 = re.compile(r"[0-9a-f]{64}")


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label="Upload a PDF",
        required=False,
        help_text=f"The PDF you want to check, smaller than {words.UPLOAD_LIMIT_TEXT}.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"empty": words.FILE_EMPTY, "invalid": words.FILE_REQUIRED},
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if not upload:
            raise forms.ValidationError(words.FILE_REQUIRED, code="required")
        if upload.size > words.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(words.FILE_TOO_LARGE, code="too_large")
        content = upload.read()
        if not content:
            raise forms.ValidationError(words.FILE_EMPTY, code="empty")
        # Judged by its content, not its name or the type the browser claims.
        if not content.startswith(b"%PDF-"):
            raise forms.ValidationError(words.FILE_NOT_PDF, code="not_pdf")
        return content


class VerifyHashForm(forms.Form):
    sha256 = forms.CharField(
        label="Or paste its SHA-256 fingerprint",
        required=False,
        max_length=200,
        strip=False,
        help_text="64 characters, 0 to 9 and a to f. Spaces and capital letters are fine.",
    )

    def clean_sha256(self) -> str:
        return sha256_clean(self.cleaned_data.get("sha256") or "")


def sha256_clean(value: str) -> str:
    """A pasted SHA-256 as 64 lower-case hex digits (spaces anywhere removed, capitals
    accepted); else a ValidationError with the message to show."""
    compact = "".join(value.split()).lower()
    if not compact:
        raise forms.ValidationError(words.SHA256_REQUIRED, code="required")
    if not _SHA256.fullmatch(compact):
        raise forms.ValidationError(words.SHA256_INVALID, code="invalid")
    return compact
