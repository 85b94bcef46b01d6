"""Decisions taken before the system, brought in as they were published (issue 13).

An archived record is an approved Decision with its real reference, plus this row:
"Decision by" exactly as published, the dates as published (either may be
unknown, never both), where it was published, and the signed original PDF's
SHA-256 and size (the file itself is the decision's PublishedDocument). It has no
sign-offs, declarations or Part 1 sections: what was signed is the PDF.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from core.history import ChainedHistoricalRecords
from decisions.models.decision import Decision
from decisions.models.records import SHA256_HEX_OR_BLANK

DECISION_BY_MAX_LENGTH = 500
SOURCE_URL_MAX_LENGTH = 500
DOCUMENT_NAME_MAX_LENGTH = 255


class ArchivedRecord(models.Model):
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="archived_record"
    )
    decision_by = models.CharField("Decision by", max_length=DECISION_BY_MAX_LENGTH)
    date_signed = models.DateField("Date signed", null=True, blank=True)
    date_published = models.DateField("Date published", null=True, blank=True)
    source_url = models.URLField(
        "Where it was published", max_length=SOURCE_URL_MAX_LENGTH, blank=True
    )
    # The signed original as it was named where it came from (the stored file has a
    # generated name); its SHA-256 and size are part of the content digest.
    document_name = models.CharField(
        "Original file name", max_length=DOCUMENT_NAME_MAX_LENGTH, blank=True
    )
    document_sha256 = models.CharField("SHA-256 of the signed original", max_length=64, blank=True)
    document_size = models.PositiveIntegerField(
        "Size of the signed original", null=True, blank=True
    )
    # The PDF's text (pdftotext), for the search index: derived from the PDF, whose
    # SHA-256 is sealed, so kept out of the history.
    document_text = models.TextField(blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    # The organisation's detached CMS signature (DER) over the signed original's
    # bytes, made when it was brought in (core.signing.detached_sign): the original
    # is never re-signed. Who made it and when, as its certificate and signing time
    # say, are kept beside it for the page. Not in the history (a self-checking
    # signature over bytes whose SHA-256 is), nor in the record seal (see
    # decisions/services/archive_seal.py).
    document_seal = models.BinaryField(blank=True, default=b"", editable=False)
    document_sealed_by = models.CharField(max_length=200, blank=True, editable=False)
    document_sealed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The keyed seal of the archived record as imported: decision, reference, the
    # date it is listed by and the content digest (decisions/digest.py).
    record_seal = models.CharField(max_length=64, blank=True, default="", editable=False)

    history = ChainedHistoricalRecords(excluded_fields=["document_text", "document_seal"])

    class Meta:
        verbose_name = "archived record"
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision_by=""), name="archivedrecord_decision_by_present"
            ),
            models.CheckConstraint(
                condition=Q(date_signed__isnull=False) | Q(date_published__isnull=False),
                name="archivedrecord_a_date",
                violation_error_message="Enter the date signed, the date published or both.",
            ),
            models.CheckConstraint(
                condition=Q(date_signed__isnull=True)
                | Q(date_published__isnull=True)
                | Q(date_published__gte=F("date_signed")),
                name="archivedrecord_published_after_signed",
            ),
            models.CheckConstraint(
                condition=(Q(document_sha256="") & Q(document_size__isnull=True))
                | (
                    Q(document_sha256__regex=r"^[0-9a-f]{64}$")
                    & Q(document_size__isnull=False, document_size__gt=0)
                ),
                name="archivedrecord_document_complete",
            ),
            models.CheckConstraint(
                condition=Q(record_seal__regex=SHA256_HEX_OR_BLANK),
                name="archivedrecord_record_seal_hex",
            ),
            # A seal is over a signed original, and says by whom and when.
            models.CheckConstraint(
                condition=(
                    Q(document_seal=b"")
                    & Q(document_sealed_by="")
                    & Q(document_sealed_at__isnull=True)
                )
                | (
                    ~Q(document_seal=b"")
                    & ~Q(document_sealed_by="")
                    & Q(document_sealed_at__isnull=False)
                    & ~Q(document_sha256="")
                ),
                name="archivedrecord_document_seal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Archived record of decision {self.decision_id}"

    @property
    def has_document(self) -> bool:
        return bool(self.document_sha256)

    @property
    def is_sealed(self) -> bool:
        return self.document_sealed_at is not None
