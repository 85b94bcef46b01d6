"""The published PDF in one query, and the integrity checks it needs remembered, so
that a download costs about what a static file does (issue 12).

Two checks stand between a request and the stored PDF (issue 11):

- the file is the one whose SHA-256 was recorded: remembered per process by the
  file's identity (core/verified_files.py), so a file written to or replaced is
  hashed again before it is served;
- the published record is what was signed (``published_record_alert``: content
  digest, signatures, record seal): a full check of the decision (about ten
  queries), remembered per process for ``RECORD_RECHECK_SECONDS`` under the values
  the one query reads (the record seal, the PDF hash, reference and approval time),
  so changing any of those checks again at once. Text altered by SQL elsewhere (a
  paragraph, a signature) is found by the first check after the memory expires:
  the same bound as the cached page (core/page_cache.py TTL). Only intact records
  are remembered; a withheld one is checked again on every request.
"""

from __future__ import annotations

from core.verified_files import REMEMBERED, Memory, files_verified_forget
from decisions.models import ArchivedRecord, Decision, PublishedDocument

RECORD_RECHECK_SECONDS = 300
# The memory's clock (tests move it on).
_Memory = Memory


def published_pdf_by_slug(slug: str) -> PublishedDocument | None:
    """The published decision's stored PDF, with its decision and type: one query,
    of the columns the download needs (never the decision's search columns)."""
    decision = (
        Decision.objects.published()
        .by_slug(slug)
        .select_related("decision_type", "published_document")
        .only(
            "reference_number",
            "approved_at",
            "decision_type__code",
            *(
                f"published_document__{name}"
                for name in ("file", "sha256", "record_seal", "created_at")
            ),
        )
        .first()
    )
    return getattr(decision, "published_document", None) if decision else None


def archived_seal_by_slug(slug: str) -> ArchivedRecord | None:
    """The published archived record's seal over its signed original (with its
    decision and type), or None when it is not public or has no seal."""
    return (
        ArchivedRecord.objects.filter(
            decision__in=Decision.objects.published().by_slug(slug),
            document_sealed_at__isnull=False,
        )
        .select_related("decision__decision_type")
        .only(
            "document_seal",
            "document_sealed_at",
            "decision__reference_number",
            "decision__decision_type__code",
        )
        .first()
    )


_records_verified = Memory(REMEMBERED, max_age=RECORD_RECHECK_SECONDS)


def _record_key(document: PublishedDocument) -> tuple:
    decision = document.decision
    return (
        document.pk,
        document.record_seal,
        document.sha256,
        decision.pk,
        decision.reference,
        decision.approved_at,
    )


def record_verified(document: PublishedDocument) -> bool:
    return _records_verified.get(_record_key(document)) is True


def record_verified_remember(document: PublishedDocument) -> None:
    _records_verified.put(_record_key(document), True)


def verified_forget() -> None:
    """Forget every remembered check (tests)."""
    files_verified_forget()
    _records_verified.clear()
