"""The published PDF in one query, and the integrity checks it needs remembered, so
that a download costs about what a static file does (issue 12).

Two checks stand between a request and the stored PDF (issue 11):

- the file is the one whose SHA-256 was recorded: remembered per process by the
  file's identity (device, inode, size, modification and change times, from the
  open file). Writing to the file or replacing it changes that identity (the change
  time cannot be set back by anyone without the clock), so the next request hashes
  it again: a file swapped on disk is withheld from the first request after.
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

import hashlib
import os
import threading
import time
from collections import OrderedDict

from decisions.models import ArchivedRecord, Decision, PublishedDocument

RECORD_RECHECK_SECONDS = 300
_REMEMBERED = 4096
_CHUNK = 64 * 1024


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


class _Memory:
    """A small least-recently-used memory of this process, with an optional age limit."""

    clock = staticmethod(time.monotonic)

    def __init__(self, size: int, max_age: float | None = None) -> None:
        self._items: OrderedDict = OrderedDict()
        self._size, self._max_age = size, max_age
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            value, at = found
            if self._max_age is not None and self.clock() - at > self._max_age:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = (value, self.clock())
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_files_verified = _Memory(_REMEMBERED)
_records_verified = _Memory(_REMEMBERED, max_age=RECORD_RECHECK_SECONDS)


def file_identity(opened) -> tuple:
    stat = os.fstat(opened.fileno())
    return (opened.name, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def file_verified(identity: tuple, sha256: str) -> bool:
    return _files_verified.get(identity) == sha256


def file_verified_remember(identity: tuple, sha256: str) -> None:
    _files_verified.put(identity, sha256)


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
    _files_verified.clear()
    _records_verified.clear()


def opened_file_sha256(opened) -> str:
    """The SHA-256 of an open file, read in chunks; leaves it at the start."""
    digest = hashlib.sha256()
    opened.seek(0)
    while chunk := opened.read(_CHUNK):
        digest.update(chunk)
    opened.seek(0)
    return digest.hexdigest()
