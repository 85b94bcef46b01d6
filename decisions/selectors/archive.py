"""What public pages show of an archived record: a decision taken before the system,
kept as it was published (decisions/models/archive.py).

Its dates are the ones published, either of which may be unknown: the list orders
it by the date signed or, when that is not recorded, by the date published (its
`approved_at` is that day); the page says which.
"""

from __future__ import annotations

from django.utils.timezone import localdate as local_day

from core.dates import uk_date
from decisions.models import ArchivedRecord, ArchiveImport, Decision

NOT_RECORDED = "Not recorded"


def _day(value) -> str:
    return uk_date(value) if value else NOT_RECORDED


def archive_key_information(decision: Decision, archive: ArchivedRecord) -> list[dict[str, str]]:
    """Key information exactly as published: "Decision by" as written."""
    return [
        {"key": "Reference code", "value": decision.reference},
        {"key": "Date signed", "value": _day(archive.date_signed)},
        {"key": "Date published", "value": _day(archive.date_published)},
        {"key": "Decision by", "value": archive.decision_by},
    ]


def archive_notice(archive: ArchivedRecord) -> str:
    """The notice at the top of an archived record's page."""
    if archive.date_signed:
        taken = f"taken on {uk_date(archive.date_signed)} before this system"
    else:
        taken = (
            "taken before this system (the date it was signed is not recorded: it is listed "
            f"by the date it was published, {uk_date(archive.date_published)})"
        )
    original = (
        "the signed original is the PDF"
        if archive.has_document
        else "the signed original was not brought into this system"
    )
    return f"Archived record: {taken}; {original}."


def archive_lifecycle(decision: Decision, archive: ArchivedRecord) -> list[dict[str, str]]:
    rows = []
    if archive.date_signed:
        rows.append({"key": "Signed", "value": uk_date(archive.date_signed)})
    if archive.date_published:
        rows.append({"key": "Published", "value": uk_date(archive.date_published)})
    rows.append({"key": "Brought into this system", "value": uk_date(archive.imported_at)})
    return rows


def archive_sealed_later(archive: ArchivedRecord | None) -> bool:
    """Whether the original was sealed on a later day than it was brought in
    (`manage.py seal_archive`, for records imported before seals): the page says so."""
    if archive is None or archive.document_sealed_at is None:
        return False
    return local_day(archive.document_sealed_at) != local_day(archive.imported_at)


def archive_imports_recent(*, limit: int) -> list[ArchiveImport]:
    """The latest records sent for import from the back office, newest first, with
    what became of them (the records managers' page lists them)."""
    return list(ArchiveImport.objects.only("reference", "status", "requested_at")[:limit])


def archive_import_status(pk: int) -> ArchiveImport | None:
    """A record sent for import, with what its status page shows."""
    return (
        ArchiveImport.objects.select_related("decision__decision_type", "requested_by")
        .filter(pk=pk)
        .first()
    )
