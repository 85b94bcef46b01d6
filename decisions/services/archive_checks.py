"""The checks of an archived record (decisions/services/archive.py): each field's
rule with its named message, on their own (``archived_record_problems``, for a form)
or all of them before an import (``checked``). Nothing here writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from core.errors import DomainError, Messages
from decisions.models import DecisionType
from decisions.models.archive import DECISION_BY_MAX_LENGTH, SOURCE_URL_MAX_LENGTH
from decisions.models.decision import SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from decisions.selectors.public import decision_types
from decisions.services.content import APPENDIX_MAX_BYTES
from decisions.services.drafting import text_checked

# "PCD 1760": the series, one space, the number (no leading zero).
REFERENCE_PATTERN = re.compile(r"([A-Z]{2,10}) ([1-9]\d{0,6})")
# A reference of a known series at the start of a title ("PCD 1760 – …", "PCD1760 …",
# "DMPC Decision – PCD 1760: …"); {codes}: the series' codes.
TITLE_REFERENCE = r"\s*(?:DMPC\s+Decision\s*[-–—:]\s*)?({codes})[\s-]*(\d{{1,7}})\b"
# Archived records are listed by the day they were signed: at noon, so that the day
# is the same in any time zone a reader's software might use.
LISTED_AT = dt.time(12, 0)


@dataclass(frozen=True)
class Checked:
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


class ArchiveFields(TypedDict):
    """One archived record as given (a manifest row, the back office's form)."""

    reference: str
    title: str
    date_signed: dt.date | None
    date_published: dt.date | None
    decision_by: str
    summary: str
    # One per paragraph, paragraphs separated by blank lines.
    recommendations: str
    # The signed original PDF, or None (then document_name must be empty: a named
    # file that is not there is refused).
    document_bytes: bytes | None
    document_name: str
    source_url: str


def _title(title: str) -> str:
    return text_checked(title, field="title", label="a title", limit=TITLE_MAX_LENGTH)


def _decision_by(text: str) -> str:
    return text_checked(
        " ".join((text or "").split()),
        field="decision_by",
        label="who took the decision, as published",
        limit=DECISION_BY_MAX_LENGTH,
    )


def checked(**fields: Unpack[ArchiveFields]) -> Checked:
    """The record, every rule checked (the first broken one raises its DomainError)."""
    if set(fields) != set(ArchiveFields.__annotations__):
        expected = sorted(ArchiveFields.__annotations__)
        raise TypeError(f"An archived record has exactly the fields {expected}")
    decision_type, number = _series(fields["reference"])
    title = _title(fields["title"])
    _title_agrees(title, f"{decision_type.code} {number}")
    date_signed, date_published = fields["date_signed"], fields["date_published"]
    _dates(date_signed, date_published)
    summary = text_checked(fields["summary"], field="summary", label="a summary",
                           limit=SUMMARY_MAX_LENGTH, required=False)  # fmt: skip
    items = [
        text_checked(item, field="recommendations", label="each recommendation",
                     limit=TEXT_MAX_LENGTH)
        for item in recommendations_split(fields["recommendations"])
    ]  # fmt: skip
    document, name = fields["document_bytes"], (fields["document_name"] or "").strip()
    return Checked(
        decision_type=decision_type,
        number=number,
        title=title,
        summary=summary,
        recommendations=items,
        decision_by=_decision_by(fields["decision_by"]),
        date_signed=date_signed,
        date_published=date_published,
        source_url=_source_url(fields["source_url"]),
        document=document,
        document_name=name if document is not None else "",
        document_sha256=_document(document, name),
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
        ("title", lambda: _title(title)),
        ("decision_by", lambda: _decision_by(decision_by)),
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
