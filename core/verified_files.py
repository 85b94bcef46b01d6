"""Which local files this process has checked against their recorded SHA-256, so
that a file is hashed before the first time it is served and not on every request
(issue 12): used by the PDF download view and by the page cache's file entries.

A check is remembered by the file's identity, read from the open file (path,
device, inode, size, modification and change times). Writing to the file or
replacing it changes that identity (the change time cannot be set back by anyone
without the clock), so the next request hashes it again: a file swapped on disk is
never served. The SHA-256 itself is part of what is remembered, so a file is only
ever taken as verified for the digest it was checked against.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict

REMEMBERED = 4096
_CHUNK = 64 * 1024


class Memory:
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


_files_verified = Memory(REMEMBERED)


def file_identity(opened) -> tuple:
    stat = os.fstat(opened.fileno())
    return (opened.name, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def file_verified(identity: tuple, sha256: str) -> bool:
    return _files_verified.get(identity) == sha256


def file_verified_remember(identity: tuple, sha256: str) -> None:
    _files_verified.put(identity, sha256)


def files_verified_forget() -> None:
    _files_verified.clear()


def opened_file_sha256(opened) -> str:
    """The SHA-256 of an open file, read in chunks; leaves it at the start."""
    digest = hashlib.sha256()
    opened.seek(0)
    while chunk := opened.read(_CHUNK):
        digest.update(chunk)
    opened.seek(0)
    return digest.hexdigest()


def opened_file_intact(opened, sha256: str) -> tuple | None:
    """The open file's identity if its bytes are those whose SHA-256 is `sha256`
    (hashed now unless this process has checked this very file already), else None."""
    identity = file_identity(opened)
    if file_verified(identity, sha256):
        return identity
    if opened_file_sha256(opened) != sha256:
        return None
    file_verified_remember(identity, sha256)
    return identity
