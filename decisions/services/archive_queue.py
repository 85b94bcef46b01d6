"""Archived records sent from the back office, imported by the task queue.

The request (`archive_import_enqueue`) checks the record as the import will (every
message beside its field at once, nothing written), stores the uploaded original
once under its SHA-256 (core/storage.py: a second application server, or the
worker on another machine, reads it from the shared storage), and queues the
import in the transaction that records the request. The task
(`archive_import_run`) reads the original back, checks it is the file uploaded,
and imports the record (decisions/services/archive.py: checked again, since
another import may have taken the reference meanwhile); the ArchiveImport row says
what became of it for the status page.

A record the import refuses, or an original changed in storage, fails at once
(NotRetried: running again cannot mend it); storage that cannot be read is tried
again (core/tasks.py), and after the last attempt the request is marked failed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Unpack

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from core.errors import DomainError, Messages
from core.storage import StoredFileChanged, content_sha256, read_checked, store_once
from core.tasks import MAX_ATTEMPTS, NotRetried, retried
from decisions import policy
from decisions.models import ArchiveImport, ArchiveImportStatus
from decisions.services.archive import archived_decision_check, archived_decision_import
from decisions.services.archive_checks import ArchiveFields
from decisions.services.content import APPENDIX_MAX_BYTES

DATE_FIELDS = ("date_signed", "date_published")


def _stored_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as kept on the request row: the file's bytes left out (they are
    in storage), dates as ISO text."""
    kept = {name: value for name, value in fields.items() if name != "document_bytes"}
    for name in DATE_FIELDS:
        kept[name] = kept[name].isoformat() if kept[name] else None
    return kept


def _fields(pending: ArchiveImport, document: bytes | None) -> dict[str, Any]:
    fields = dict(pending.fields)
    for name in DATE_FIELDS:
        fields[name] = dt.date.fromisoformat(fields[name]) if fields[name] else None
    return {**fields, "document_bytes": document}


def _upload_bytes(upload: UploadedFile | None) -> bytes | None:
    if upload is None:
        return None
    upload.seek(0)
    # Never more than one byte over the limit is read: the check refuses it.
    return upload.read(APPENDIX_MAX_BYTES + 1)


@transaction.atomic
def archive_import_enqueue(
    *,
    user: User,
    upload: UploadedFile | None,
    **fields: Unpack[ArchiveFields],
) -> ArchiveImport:
    """Check the record (raising the DomainError of the first problem, as the import
    would), store the uploaded original once and queue its import. ``fields``:
    ArchiveFields with ``document_bytes`` None; the file is ``upload``."""
    if not policy.can_import(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    document = _upload_bytes(upload)
    fields = {**fields, "document_bytes": document}
    archived_decision_check(user=user, **fields)
    pending = ArchiveImport(
        requested_by=user,
        reference=" ".join(fields["reference"].split()),
        fields=_stored_fields(fields),
    )
    if upload is not None:
        pending.document_sha256 = content_sha256(upload)
        store_once(pending.document, upload, sha256=pending.document_sha256)
    pending.save()
    archive_import_run.enqueue(import_id=pending.pk)
    return pending


def _finish(pending: ArchiveImport, *, status: str, reason: str = "", decision=None) -> None:
    pending.status = status
    pending.reason = reason
    pending.decision = decision
    pending.finished_at = timezone.now()
    pending.save(update_fields=["status", "reason", "decision", "finished_at"])


def archive_import_gave_up(*, error: BaseException, import_id: int) -> None:
    """After the last attempt: the original could not be read; say so on the request."""
    pending = ArchiveImport.objects.get(pk=import_id)
    if pending.status == ArchiveImportStatus.QUEUED:
        reason = Messages.ARCHIVE_UPLOAD_UNREADABLE.format(attempts=MAX_ATTEMPTS)
        _finish(pending, status=ArchiveImportStatus.FAILED, reason=reason)


@task()
@retried(given_up=archive_import_gave_up)
def archive_import_run(*, import_id: int) -> str:
    """Run by the task worker: import the record sent. Returns what became of it.
    Runs again after a failure (a retry, or "Queue again" in the back office) but
    never imports twice: a request already imported is left as it is."""
    pending = ArchiveImport.objects.select_related("requested_by").get(pk=import_id)
    if pending.status in (ArchiveImportStatus.IMPORTED, ArchiveImportStatus.UNCHANGED):
        return pending.status
    document = None
    if pending.document:
        try:
            # Storage errors are raised as they come: tried again, it may answer.
            document = read_checked(pending.document, pending.document_sha256)
        except StoredFileChanged as error:
            _finish(
                pending,
                status=ArchiveImportStatus.FAILED,
                reason=Messages.ARCHIVE_UPLOAD_CHANGED,
            )
            raise NotRetried(Messages.ARCHIVE_UPLOAD_CHANGED) from error
    try:
        with transaction.atomic():
            outcome = archived_decision_import(
                user=pending.requested_by, **_fields(pending, document)
            )
            _finish(pending, status=outcome.status, decision=outcome.decision)
    except DomainError as error:
        _finish(pending, status=ArchiveImportStatus.FAILED, reason=error.message)
        raise NotRetried(error.message) from error
    return outcome.status
