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


class ArchiveImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be imported"
    IMPORTED = "imported", "Imported"
    UNCHANGED = "unchanged", "Already in the archive"
    FAILED = "failed", "Not imported"


class ArchiveImport(models.Model):
    """One archived record a records manager sent from the back office, imported by
    the task queue (decisions/services/archive_queue.py): what was entered, the
    uploaded original (stored once, under its SHA-256), and what became of it, for
    the status page. The imported decision and its ArchivedRecord are the record;
    this row is the request and its outcome."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # As typed, for the status page before the import has checked it.
    reference = models.CharField(max_length=40)
    # The form's fields (decisions/services/archive_checks.ArchiveFields) but the
    # file's bytes, dates as ISO text.
    fields = models.JSONField(default=dict)
    document = models.FileField(upload_to="archive-uploads/", blank=True, max_length=200)
    document_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=ArchiveImportStatus.choices, default=ArchiveImportStatus.QUEUED
    )
    # Why it was not imported, in the words shown to the records manager.
    reason = models.TextField(blank=True)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "archived record sent for import"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display().lower()})"
