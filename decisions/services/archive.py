"""Bringing in decisions taken before the system, kept as they were published.

`archived_decision_check` validates one record and says what importing it would do
(nothing is written: the dry run of `manage.py import_archive`);
`archived_decision_import` does it, in one transaction. The record is an approved
Decision with its real reference, summary and recommendations, an ArchivedRecord
("Decision by" as written, the dates as published, the signed original's SHA-256),
the signed original as its PublishedDocument, its search index (with the PDF's
text, from poppler's pdftotext) and an `import` event. Importing the same record
again changes nothing ("unchanged"); a different record under a reference already
used is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import subprocess
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import save_audited
from core.dates import uk_date
from core.errors import DomainError, Messages
from decisions import policy
from decisions.digest import archive_seal, decision_content_digest, record_seal
from decisions.models import (
    ArchivedRecord,
    Decision,
    DecisionType,
    PublishedDocument,
    Recommendation,
)
from decisions.models.archive import DECISION_BY_MAX_LENGTH, SOURCE_URL_MAX_LENGTH
from decisions.models.decision import SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from decisions.selectors.public import decision_types
from decisions.services.content import APPENDIX_MAX_BYTES
from decisions.services.drafting import text_checked
from decisions.services.events import event_record
from decisions.services.publication import decision_search_index
from decisions.workflow import IMPORT_ACTION, State

logger = logging.getLogger(__name__)

PDFTOTEXT_SECONDS = 30
# "PCD 1760": the series, one space, the number (no leading zero).
REFERENCE_PATTERN = re.compile(r"([A-Z]{2,10}) ([1-9]\d{0,6})")
# A reference of a known series at the start of a title ("PCD 1760 – …", "PCD1760 …",
# "DMPC Decision – PCD 1760: …"); {codes}: the series' codes.
TITLE_REFERENCE = r"\s*(?:DMPC\s+Decision\s*[-–—:]\s*)?({codes})[\s-]*(\d{{1,7}})\b"
# Archived records are listed by the day they were signed: at noon, so that the day
# is the same in any time zone a reader's software might use.
LISTED_AT = dt.time(12, 0)


@dataclass(frozen=True)
class ArchiveOutcome:
    reference: str
    # "imported", "unchanged", or in a dry run "would be imported"
    status: str
    decision: Decision | None = None


@dataclass(frozen=True)
class _Checked:
    decision_type: DecisionType
    number: int
    title: str
    summary: str
    recommendations: list[str]
    decision_by: str
    date_signed: dt.date | None
    date_published: dt.date | None
    source_url: str
    document: bytes | None
    document_name: str
    document_sha256: str

    @property
    def reference(self) -> str:
        return f"{self.decision_type.code} {self.number}"

    @property
    def listed_at(self) -> dt.datetime:
        """The time the list orders it by: the day signed, else the day published."""
        day = self.date_signed or self.date_published
        return timezone.make_aware(dt.datetime.combine(day, LISTED_AT))


def parse_archive_date(text: str, *, field: str, label: str) -> dt.date | None:
    """An ISO date (2018-03-27) as written in a manifest, or None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise DomainError(Messages.ARCHIVE_DATE_INVALID, field=field, label=label) from error


def recommendations_split(text: str) -> list[str]:
    """One recommendation per paragraph: paragraphs are separated by blank lines."""
    paragraphs = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def _series(reference: str) -> tuple[DecisionType, int]:
    match = REFERENCE_PATTERN.fullmatch((reference or "").strip())
    if not match:
        raise DomainError(Messages.ARCHIVE_REFERENCE_FORMAT, field="reference")
    types = {t.code: t for t in decision_types()}
    if match[1] not in types:
        raise DomainError(
            Messages.ARCHIVE_UNKNOWN_SERIES,
            field="reference",
            reference=match[0],
            codes=" or ".join(types),
        )
    return types[match[1]], int(match[2])


def _title_agrees(title: str, reference: str) -> None:
    codes = "|".join(re.escape(t.code) for t in decision_types())
    found = re.match(TITLE_REFERENCE.format(codes=codes), title)
    if found and f"{found[1]} {int(found[2])}" != reference:
        raise DomainError(
            Messages.ARCHIVE_TITLE_REFERENCE,
            field="title",
            found=f"{found[1]} {found[2]}",
            reference=reference,
        )


def _dates(date_signed: dt.date | None, date_published: dt.date | None) -> None:
    today = timezone.localdate()
    if date_signed is None and date_published is None:
        raise DomainError(Messages.ARCHIVE_DATE_REQUIRED, field="date_signed")
    for field, label, day in (
        ("date_signed", "date signed", date_signed),
        ("date_published", "date published", date_published),
    ):
        if day is not None and day > today:
            raise DomainError(Messages.ARCHIVE_DATE_FUTURE, field=field, label=label)
    if date_signed and date_published and date_published < date_signed:
        raise DomainError(Messages.ARCHIVE_DATE_ORDER, field="date_published")


def _source_url(url: str) -> str:
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise DomainError(Messages.ARCHIVE_SOURCE_URL, field="source_url") from error
        if len(url) > SOURCE_URL_MAX_LENGTH:
            raise DomainError(
                Messages.TEXT_TOO_LONG,
                field="source_url",
                label="The web address",
                limit=SOURCE_URL_MAX_LENGTH,
            )
    return url


def _document(document_bytes: bytes | None, document_name: str) -> str:
    """The document's SHA-256 ('' for none), once it is known to be a PDF."""
    name = (document_name or "").strip()
    if document_bytes is None:
        if name:
            raise DomainError(Messages.ARCHIVE_DOCUMENT_MISSING, field="document", name=name)
        return ""
    if not name:
        raise DomainError(Messages.ARCHIVE_DOCUMENT_NAME, field="document")
    if len(document_bytes) > APPENDIX_MAX_BYTES:
        raise DomainError(Messages.APPENDIX_TOO_LARGE, field="document", limit="20 MB")
    # Judged by content, not by the name.
    if not document_bytes.startswith(b"%PDF-"):
        raise DomainError(Messages.ARCHIVE_DOCUMENT_NOT_PDF, field="document", name=name)
    return hashlib.sha256(document_bytes).hexdigest()


def _checked(
    *,
    reference: str,
    title: str,
    date_signed: dt.date | None,
    date_published: dt.date | None,
    decision_by: str,
    summary: str,
    recommendations: str,
    document_bytes: bytes | None,
    document_name: str,
    source_url: str,
) -> _Checked:
    decision_type, number = _series(reference)
    title = text_checked(title, field="title", label="a title", limit=TITLE_MAX_LENGTH)
    _title_agrees(title, f"{decision_type.code} {number}")
    _dates(date_signed, date_published)
    decision_by = text_checked(
        " ".join((decision_by or "").split()),
        field="decision_by",
        label="who took the decision, as published",
        limit=DECISION_BY_MAX_LENGTH,
    )
    summary = text_checked(
        summary, field="summary", label="a summary", limit=SUMMARY_MAX_LENGTH, required=False
    )
    items = [
        text_checked(item, field="recommendations", label="each recommendation",
                     limit=TEXT_MAX_LENGTH)
        for item in recommendations_split(recommendations)
    ]  # fmt: skip
    return _Checked(
        decision_type=decision_type,
        number=number,
        title=title,
        summary=summary,
        recommendations=items,
        decision_by=decision_by,
        date_signed=date_signed,
        date_published=date_published,
        source_url=_source_url(source_url),
        document=document_bytes,
        document_name=(document_name or "").strip() if document_bytes is not None else "",
        document_sha256=_document(document_bytes, document_name),
    )


def archived_record_problems(
    *,
    reference: str,
    title: str,
    date_signed: dt.date | None,
    date_published: dt.date | None,
    decision_by: str,
    source_url: str,
) -> dict[str, str]:
    """Every field's problem at once, by field (a form shows them all together; the
    import refuses on the first). The same checks as the import; reads only the
    decision types."""
    problems: dict[str, str] = {}
    checks = [
        ("reference", lambda: _series(reference)),
        ("title", lambda: text_checked(title, field="title", label="a title",
                                       limit=TITLE_MAX_LENGTH)),
        ("decision_by", lambda: text_checked(decision_by, field="decision_by",
                                             label="who took the decision, as published",
                                             limit=DECISION_BY_MAX_LENGTH)),
        ("dates", lambda: _dates(date_signed, date_published)),
        ("source_url", lambda: _source_url(source_url)),
    ]  # fmt: skip
    for _name, check in checks:
        try:
            check()
        except DomainError as error:
            problems.setdefault(error.field or "reference", error.message)
    if "reference" not in problems and "title" not in problems:
        decision_type, number = _series(reference)
        try:
            _title_agrees(title.strip(), f"{decision_type.code} {number}")
        except DomainError as error:
            problems["title"] = error.message
    return problems


def _difference(existing: Decision, record: _Checked) -> str:
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


def _existing(record: _Checked) -> Decision | None:
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


def archived_decision_check(*, user: User, **fields) -> ArchiveOutcome:
    """What importing this record would do, or the DomainError that refuses it.
    Writes nothing. Fields: as `archived_decision_import`."""
    if not policy.can_import(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    record = _checked(**fields)
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


def _publish_original(decision: Decision, record: _Checked) -> PublishedDocument:
    document = PublishedDocument(
        decision=decision, sha256=record.document_sha256, size_bytes=len(record.document)
    )
    name = f"archive-{decision.slug}-{record.document_sha256[:12]}.pdf"
    document.file.save(name, ContentFile(record.document), save=False)
    document.record_seal = record_seal(
        decision, document, content_digest=decision_content_digest(decision)
    )
    document.save()
    return document


@transaction.atomic
def archived_decision_import(
    *,
    user: User,
    reference: str,
    title: str,
    date_signed: dt.date | None,
    date_published: dt.date | None,
    decision_by: str,
    summary: str,
    recommendations: str,
    document_bytes: bytes | None,
    document_name: str,
    source_url: str,
) -> ArchiveOutcome:
    """Bring in one decision taken before the system, as published (records managers).

    `recommendations`: one per paragraph, paragraphs separated by blank lines.
    `document_bytes`: the signed original PDF, or None (then `document_name` must be
    empty: a named file that is not there is refused)."""
    if not policy.can_import(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    record = _checked(
        reference=reference,
        title=title,
        date_signed=date_signed,
        date_published=date_published,
        decision_by=decision_by,
        summary=summary,
        recommendations=recommendations,
        document_bytes=document_bytes,
        document_name=document_name,
        source_url=source_url,
    )
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
