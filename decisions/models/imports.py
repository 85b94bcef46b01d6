"""What became of an officer's Word form: the report of a draft started from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from decisions.models.decision import Decision


class DraftImport(models.Model):
    """The import report of a draft started from a Word form, kept so the officer can
    come back to it: what went where, and the text that could not be placed, in full.

    Written once, with the draft, in the same transaction; never changed after. The
    draft itself (with its history and events) is the record; this is the officer's
    list of what to check."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="word_import")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    # decisions/services/word_import.py writes it; templates/drafting/import_report.html reads it.
    report = models.JSONField(default=dict)

    class Meta:
        verbose_name = "draft started from a Word form"

    def __str__(self) -> str:
        return f"{self.file_name} → {self.decision}"
