"""Stored files (published PDFs, appendices, archived originals) on either storage:
the local filesystem (MEDIA_ROOT, the default) or S3-compatible object storage
(django-storages with boto3, when settings say so: config/settings.py).

Files are written once and never overwritten: each is stored under a key made from
its SHA-256 (``published/<sha256>.pdf``), so the same bytes are stored once and a
key never names two contents. Reading goes through the storage API (``open``), never
a local path, except for the filesystem's fast path of the PDF download
(``local_path``).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage, Storage

_CHUNK = 64 * 1024
# A stored file read for serving is kept in memory up to this size, then spooled to disk.
SPOOL_MAX_BYTES = 2 * 1024 * 1024


def _read_errors() -> tuple[type[BaseException], ...]:
    """What reading a stored file may raise when the storage cannot give it: a missing
    file (OSError on both storages), or object storage refusing or not answering."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover (boto3 is a dependency)
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


READ_ERRORS = _read_errors()


def local_path(file) -> str | None:
    """The file's path on this machine when its storage is the local filesystem,
    else None (object storage has no path: read it with ``file.open``)."""
    return file.path if isinstance(file.storage, FileSystemStorage) else None


def content_sha256(content) -> str:
    """The SHA-256 of an uploaded or in-memory file, read in chunks; left at the start."""
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks() if hasattr(content, "chunks") else iter(content.read, b""):
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def content_key(folder: str, sha256: str, suffix: str = ".pdf") -> str:
    return str(PurePosixPath(folder, f"{sha256}{suffix}"))


def _stored_sha256(storage: Storage, name: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as stored:
            while chunk := stored.read(_CHUNK):
                digest.update(chunk)
    except READ_ERRORS:
        return None
    return digest.hexdigest()


def store_once(file, content, *, sha256: str, suffix: str = ".pdf") -> None:
    """Store `content` (whose SHA-256 is `sha256`) in the FieldFile `file` under its
    content key, through the field's ``upload_to`` folder. An existing object holding
    these bytes is reused; nothing is ever overwritten: if the key holds other bytes
    (altered since), the storage picks a new name (FileSystemStorage never overwrites,
    S3 runs with file_overwrite off) and the altered one stays for the integrity
    check to report."""
    name = file.field.generate_filename(file.instance, f"{sha256}{suffix}")
    storage = file.storage
    if storage.exists(name) and _stored_sha256(storage, name) == sha256:
        file.name = name
    else:
        content.seek(0)
        file.name = storage.save(name, content, max_length=file.field.max_length)
    file._committed = True


def read_verified(file, sha256: str):
    """The stored file read once into a temporary file (memory, then disk) while it is
    hashed: (the open copy at its start, its size) when the bytes are those recorded,
    else None (missing, unreadable or altered). What is then served is exactly what
    was checked, whatever happens to the stored object meanwhile."""
    try:
        with file.storage.open(file.name, "rb") as stored:
            return copy_verified(stored, sha256)
    except READ_ERRORS:
        return None


def copy_verified(stream, sha256: str):
    """`stream` read to its end into a temporary file while it is hashed: (the copy at
    its start, its size) when the bytes are those recorded, else None. Read errors
    are raised."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 (returned)
    digest = hashlib.sha256()
    try:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            copy.write(chunk)
    except BaseException:
        copy.close()
        raise
    if digest.hexdigest() != sha256:
        copy.close()
        return None
    size = copy.tell()
    copy.seek(0)
    return copy, size


class StoredObject:
    """An object of object storage as one GET answers it: the body as it arrives (read
    forwards only), its size, and its ETag, which the storage changes whenever the
    object is written, so (name, ETag) names these exact bytes."""

    def __init__(self, file) -> None:
        storage = file.storage
        # One GET: the body and the ETag of the same answer (no HEAD before it, as
        # the storage's own open does).
        answer = storage.bucket.Object(storage._normalize_name(file.name)).get()
        self._body = answer["Body"]
        self.size = answer["ContentLength"]
        self.identity = (file.name, answer["ETag"])
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        data = self._body.read(None if size is None or size < 0 else size)
        self._at += len(data)
        return data

    def seekable(self) -> bool:
        return False

    def seek(self, offset: int, whence: int = 0) -> int:
        """Forwards only (a byte range's start): the bytes before it are read and dropped."""
        if whence != 0 or offset < self._at:
            raise OSError("A stored object's body is read forwards only.")
        while self._at < offset and self.read(min(_CHUNK, offset - self._at)):
            pass
        return self._at

    def close(self) -> None:
        self._body.close()


class StoredFileChanged(Exception):
    """The stored file's bytes are not those recorded (altered since it was stored)."""


def read_checked(file, sha256: str) -> bytes:
    """The stored file's bytes, checked against the SHA-256 recorded when it was
    stored (for work that needs them whole, as an import's original, at most 20 MB).
    Raises StoredFileChanged when they differ; the storage's own errors (missing,
    unreachable: READ_ERRORS) are raised as they come, for the caller to tell a
    failure that may pass from one that will not."""
    with file.storage.open(file.name, "rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoredFileChanged(file.name)
    return data
