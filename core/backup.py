"""Backup and restore: the database and the stored files in one archive.

A database alone is not a backup of this system: published PDFs and appendices live
in MEDIA_ROOT, and the records name them by path and SHA-256. So one tar archive
holds both, with a manifest giving every file's size and SHA-256:

    manifest.json        format, version, when, database engine, files
    database.dump        pg_dump custom format (PostgreSQL), or
    database.sqlite3     a copy made with SQLite's online backup API
    media/...            every file under MEDIA_ROOT

With object storage (STORAGE_URL, core/storage.py) the files are not in the archive:
the bucket keeps its own copies (turn on its versioning and replication), and keys
are never overwritten, so the records' files stay where the database names them. The
manifest's "media" says which: {"storage": "s3", "bucket": ..., "in_archive": false}.
Such an archive restores the database only; an archive and a site that disagree on
where files are kept are refused.

`archive_restore` checks the whole archive against its manifest before touching
anything, restores the database in one transaction, and only then swaps the files
in, so a partial or altered archive changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

from core.page_cache import pages_invalidate_all

FORMAT = "decision-records-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA = "media"


class BackupError(Exception):
    """The backup cannot be made, or the archive cannot be trusted."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(connection) -> dict[str, str]:
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"], "PGUSER": s["USER"] or ""}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[name] = str(s[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    # errors="replace": a damaged dump makes pg_restore quote bytes that are not UTF-8.
    result = subprocess.run(  # noqa: S603 (pg_dump / pg_restore with our own arguments)
        command, env=env, capture_output=True, text=True, errors="replace", check=False
    )
    if result.returncode:
        # The first error is the cause; what follows is usually its consequences.
        lines = result.stderr.strip().splitlines() or ["(no message)"]
        first = next((line for line in lines if "error:" in line), lines[-1])
        raise BackupError(f"{command[0]} failed: {first[:500]}")


def _database_dump(connection, target: Path) -> None:
    if connection.vendor == "postgresql":
        # No owners or grants: the restoring owner owns everything and the
        # application role's rights are granted afresh (core/db_roles.py).
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}"],
            _pg_env(connection),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _database_load(connection, source: Path) -> None:
    if connection.vendor == "postgresql":
        # Our own idle connection would hold no locks, but close it so nothing waits.
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            _pg_env(connection),
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(source) as copy:
            copy.backup(connection.connection)
        copy.close()


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            raise BackupError(f"{path} is a symbolic link: stored files must be real files.")
        if path.is_file():
            files.append(path)
    return files


def _media_kind() -> dict:
    """Where this site keeps its stored files, as the manifest records it."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return {"storage": "filesystem", "in_archive": True}
    return {
        "storage": "s3",
        "bucket": getattr(storage, "bucket_name", ""),
        "in_archive": False,
    }


def archive_create(*, path: Path, alias: str = "default") -> dict:
    """Write the database and MEDIA_ROOT to a new archive at `path`. Returns the manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new name.")
    connection = connections[alias]
    media_root = Path(settings.MEDIA_ROOT)
    media = _media_kind()
    with tempfile.TemporaryDirectory(prefix="backup-", dir=path.parent) as work:
        dump = Path(work) / DUMPS.get(connection.vendor, "database")
        _database_dump(connection, dump)
        # After the database: a file written between the two is at worst unused,
        # never missing for a row that names it.
        members = {dump.name: dump}
        for file in _media_files(media_root) if media["in_archive"] else []:
            members[str(PurePosixPath(MEDIA, *file.relative_to(media_root).parts))] = file
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"engine": connection.vendor, "file": dump.name},
            "media": media,
            "files": {
                name: {"size": file.stat().st_size, "sha256": _sha256(file)}
                for name, file in members.items()
            },
        }
        manifest_file = Path(work) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            archive.add(manifest_file, arcname=MANIFEST)
            for name, file in members.items():
                archive.add(file, arcname=name)
        # Only a complete archive ever appears under the requested name.
        os.replace(partial, path)
    return manifest


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        handle = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("The archive has no manifest: it is not a backup of this site.") from None
    try:
        manifest = json.load(handle)
    except ValueError:
        raise BackupError("The archive's manifest cannot be read.") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("The archive is not a version 1 decision records backup.")
    return manifest


def archive_check(*, path: Path, into: Path) -> dict:
    """Extract the archive into `into` and check it against its manifest; returns
    the manifest. Raises BackupError naming the first problem."""
    try:
        with tarfile.open(path, "r:") as archive:
            manifest = _read_manifest(archive)
            listed = manifest.get("files") or {}
            present = {}
            for member in archive.getmembers():
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"The archive holds an unexpected entry: {member.name}")
                present[member.name] = member
            missing = sorted(set(listed) - set(present))
            if missing:
                raise BackupError(f"The archive is incomplete: {missing[0]} is missing.")
            extra = sorted(set(present) - set(listed))
            if extra:
                raise BackupError(f"The archive holds a file not in its manifest: {extra[0]}")
            for name, member in present.items():
                target = into.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"The archive cannot be read (partial or damaged): {error}") from None
    for name, expected in listed.items():
        file = into.joinpath(*PurePosixPath(name).parts)
        if file.stat().st_size != expected.get("size") or _sha256(file) != expected.get("sha256"):
            raise BackupError(f"{name} does not match its SHA-256 in the manifest.")
    database = manifest.get("database") or {}
    if database.get("file") not in listed:
        raise BackupError("The archive holds no database.")
    return manifest


def archive_restore(*, path: Path, alias: str = "default") -> dict:
    """Replace the database and MEDIA_ROOT with the archive's. Returns the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no archive at {path}.")
    connection = connections[alias]
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Next to MEDIA_ROOT so the final swap is a rename on one file system.
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=media_root.parent) as work:
        work = Path(work)
        manifest = archive_check(path=path, into=work)
        engine = manifest["database"]["engine"]
        if engine != connection.vendor:
            raise BackupError(
                f"The archive holds a {engine} database; this site uses {connection.vendor}."
            )
        # Archives made before "media" was recorded held MEDIA_ROOT.
        in_archive = (manifest.get("media") or {"in_archive": True})["in_archive"]
        if in_archive != _media_kind()["in_archive"]:
            raise BackupError(
                "The archive holds its stored files and this site keeps them in object "
                "storage (or the other way round): copy the files across first."
                if in_archive
                else "The archive's files are in object storage, but this site keeps "
                "its files on the local disk: copy them from the bucket first."
            )
        _database_load(connection, work / manifest["database"]["file"])
        if not in_archive:
            # The bucket keeps the files (never overwritten): only the database changes.
            pages_invalidate_all()
            return manifest
        restored_media = work / MEDIA
        restored_media.mkdir(exist_ok=True)
        previous = work / "media-before-restore"
        if media_root.exists():
            os.replace(media_root, previous)
        os.replace(restored_media, media_root)
    # Cached pages (Redis, or the backup's own copy of the cache table) are not the
    # restored records'.
    pages_invalidate_all()
    return manifest
