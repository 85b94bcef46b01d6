"""Bringing in decisions taken before the system, kept as they were published.

`archived_decision_check` validates one record and says what importing it would do
(nothing is written: the dry run of `manage.py import_archive`);
`archived_decision_import` does it, in one transaction. The record is an approved
Decision with its real reference, summary and recommendations, an ArchivedRecord
("Decision by" as written, the dates as published, the signed original's SHA-256),
the signed original as its PublishedDocument (sealed with the organisation's
detached signature, never re-signed: archive_seal.py), its search index (with the PDF's
text, from poppler's pdftotext) and an `import` event. Importing the same record
again changes nothing ("unchanged"); a different record under a reference already
used is refused.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass
from typing import Unpack

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from core.audit import save_audited
from core.dates import uk_date
from core.errors import DomainError, Messages
from core.storage import store_once
from decisions import policy
from decisions.digest import archive_seal, decision_content_digest, record_seal
from decisions.models import (
    ArchivedRecord,
    Decision,
    DecisionType,
    PublishedDocument,
    Recommendation,
)
from decisions.services.archive_checks import ArchiveFields, Checked, checked
from decisions.services.archive_seal import archive_seal_apply, document_seal_make
from decisions.services.events import event_record
from decisions.services.publication import decision_search_index
from decisions.workflow import IMPORT_ACTION, State

logger = logging.getLogger(__name__)

PDFTOTEXT_SECONDS = 30


@dataclass(frozen=True)
class ArchiveOutcome:
    reference: str
    # "imported", "unchanged", or in a dry run "would be imported"
    status: str
    decision: Decision | None = None


def _difference(existing: Decision, record: Checked) -> str:
    """What differs between a stored archived record and this one ('' if nothing)."""
    archive = existing.archive
    if archive is None:
        raise DomainError(
            Messages.ARCHIVE_NOT_ARCHIVED, field="reference", reference=record.reference
        )
    stored = {
        "title": existing.title,
        "summary": existing.executive_summary,
        "recommendations": [r.text for r in existing.recommendations.order_by("position")],
        "Decision by": archive.decision_by,
        "date signed": archive.date_signed,
        "date published": archive.date_published,
        "web address": archive.source_url,
        "signed original PDF": archive.document_sha256,
    }
    given = {
        "title": record.title,
        "summary": record.summary,
        "recommendations": record.recommendations,
        "Decision by": record.decision_by,
        "date signed": record.date_signed,
        "date published": record.date_published,
        "web address": record.source_url,
        "signed original PDF": record.document_sha256,
    }
    return next((what for what in stored if stored[what] != given[what]), "")


def _existing(record: Checked) -> Decision | None:
    existing = (
        Decision.objects.with_type()
        .select_related("archived_record")
        .filter(decision_type=record.decision_type, reference_number=record.number)
        .first()
    )
    if existing is None:
        return None
    what = _difference(existing, record)
    if what:
        raise DomainError(
            Messages.ARCHIVE_CONFLICT, field="reference", reference=record.reference, what=what
        )
    return existing


def archived_decision_check(*, user: User, **fields: Unpack[ArchiveFields]) -> ArchiveOutcome:
    """What importing this record would do, or the DomainError that refuses it.
    Writes nothing. Fields: as `archived_decision_import`."""
    if not policy.can_import(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    record = checked(**fields)
    existing = _existing(record)
    status = "unchanged" if existing else "would be imported"
    return ArchiveOutcome(reference=record.reference, status=status, decision=existing)


def pdf_text(content: bytes) -> str:
    """The text of a PDF, by poppler's pdftotext (no shell, bounded time); '' when it
    cannot be read (the record is still imported, just not searchable by its PDF)."""
    try:
        done = subprocess.run(
            ["/usr/bin/pdftotext", "-q", "-enc", "UTF-8", "-", "-"],
            input=content,
            capture_output=True,
            timeout=PDFTOTEXT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        logger.warning("pdftotext could not read an archived PDF", exc_info=True)
        return ""
    if done.returncode != 0:
        logger.warning("pdftotext refused an archived PDF (exit %s)", done.returncode)
        return ""
    return done.stdout.decode("utf-8", errors="replace").replace("\x0c", "\n").strip()


def _publish_original(decision: Decision, record: Checked) -> PublishedDocument:
    document = PublishedDocument(
        decision=decision, sha256=record.document_sha256, size_bytes=len(record.document)
    )
    # Under its SHA-256 (published/<sha256>.pdf), written once (core/storage.py).
    store_once(document.file, ContentFile(record.document), sha256=record.document_sha256)
    document.record_seal = record_seal(
        decision, document, content_digest=decision_content_digest(decision)
    )
    document.save()
    return document


@transaction.atomic
def archived_decision_import(*, user: User, **fields: Unpack[ArchiveFields]) -> ArchiveOutcome:
    """Bring in one decision taken before the system, as published (records managers).
    Fields: decisions.services.archive_checks.ArchiveFields."""
    if not policy.can_import(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    record = checked(**fields)
    # The series row is locked first, as reference_reserve does: two imports of one
    # reference, or an import and a submission, never take one number twice.
    series = DecisionType.objects.select_for_update().get(pk=record.decision_type.pk)
    existing = _existing(record)
    if existing is not None:
        return ArchiveOutcome(reference=record.reference, status="unchanged", decision=existing)
    reason = f"Archived record {record.reference} imported"
    if record.number > series.last_number:
        # The series continues after the highest number imported.
        series.last_number = record.number
        save_audited(series, user=user, reason=reason)
    decision = Decision(
        decision_type=series,
        reference_number=record.number,
        title=record.title,
        executive_summary=record.summary,
        state=State.APPROVED,
        approved_at=record.listed_at,
        drafted_by=user,
        deferred=False,
        has_part2=False,
    )
    save_audited(decision, user=user, reason=reason)
    for position, text in enumerate(record.recommendations, start=1):
        save_audited(
            Recommendation(decision=decision, position=position, text=text),
            user=user,
            reason=reason,
        )
    archive = ArchivedRecord(
        decision=decision,
        decision_by=record.decision_by,
        date_signed=record.date_signed,
        date_published=record.date_published,
        source_url=record.source_url,
        document_name=record.document_name,
        document_sha256=record.document_sha256,
        document_size=len(record.document) if record.document is not None else None,
        document_text=pdf_text(record.document) if record.document is not None else "",
    )
    if record.document is not None:
        # Sealed, not re-signed: decisions/services/archive_seal.py.
        archive_seal_apply(archive, document_seal_make(record.document))
    content_digest = decision_content_digest(decision)
    archive.record_seal = archive_seal(decision, content_digest=content_digest)
    save_audited(archive, user=user, reason=reason)
    if record.document is not None:
        _publish_original(decision, record)
    decision_search_index(decision=decision)
    event_record(
        decision=decision,
        user=user,
        action=IMPORT_ACTION,
        from_state="",
        to_state=State.APPROVED,
        actor_role="records_manager",
        comment=(
            f"Archived record imported: taken on {uk_date(record.date_signed)} before this system"
            if record.date_signed
            else "Archived record imported: taken before this system (date signed not recorded)"
        ),
    )
    return ArchiveOutcome(reference=record.reference, status="imported", decision=decision)
