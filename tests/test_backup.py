"""`manage.py backup` / `restore`: the database and the stored files travel together.

A round trip (demo data, published PDFs, an appendix; the database and media
wiped in between) gives back every public page byte for byte, every stored file,
and every row of every table (history rows and events included); on object
storage too, where the archive holds the database and the bucket keeps the files
(marked ``storage``: both). A partial, altered or mismatched archive is refused and
changes nothing (archives holding files: on the local disk).
"""

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from decisions.models import Decision, DecisionEvent
from decisions.services import appendix_add
from tests.factories import approved_decision, draft_decision

pytestmark = pytest.mark.django_db(transaction=True)

APPENDIX = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% impact assessment\n"
FIXED_PUBLIC_URLS = [
    "/decisions/",
    "/decisions/feed/",
    "/decisions/export/decisions.csv",
    "/decisions/export/allocations.csv",
    "/api/decisions/",
    "/api/openapi.json",
    "/open-data/",
    "/sitemap.xml",
    "/reports/financial-years/",
]


def _quiet():
    return io.StringIO()


def _public_urls(client: Client) -> list[str]:
    # The sitemap is an index of files (each listed too), which list the pages.
    index = client.get("/sitemap.xml").content.decode()
    files = [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>(.*?)</loc>", index)]
    from_sitemap = list(files)
    for file in files:
        locations = re.findall(r"<loc>(.*?)</loc>", client.get(file).content.decode())
        from_sitemap += [re.sub(r"^https?://[^/]+", "", loc) for loc in locations]
    documents = []
    for decision in Decision.objects.published():
        page = client.get(f"/decisions/{decision.slug}/").content.decode()
        # Every link from a decision's page to its PDF and appendices.
        documents += re.findall(rf'href="(/decisions/{decision.slug}/[^"]+/)"', page)
    return sorted(set(FIXED_PUBLIC_URLS + from_sitemap + documents))


def _public_surface() -> dict[str, tuple[int, bytes]]:
    client = Client()
    surface = {}
    for url in _public_urls(client):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        surface[url] = (response.status_code, body)
    return surface


def _rows() -> dict[str, list[tuple]]:
    """Every row of every table the app has, history and many-to-many tables too."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*names))
    return state


def _storage_is_local() -> bool:
    default_storage.exists("probe")  # the lazy storage made, to ask its class
    return isinstance(default_storage._wrapped, FileSystemStorage)


def _media() -> dict[str, bytes]:
    """Every stored file by name: under MEDIA_ROOT, or in the bucket."""
    if not _storage_is_local():
        objects = default_storage.bucket.objects.all()
        return {item.key: item.get()["Body"].read() for item in objects}
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _wipe() -> None:
    """Lose everything: every table, sequence, trigger and function, and the files on
    the local disk (object storage keeps its own copies: the archive does not hold
    them)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    import shutil

    if _storage_is_local():
        shutil.rmtree(settings.MEDIA_ROOT)


def _with_appendix(officer, number: int) -> Decision:
    decision = draft_decision(user=officer, title="With an impact assessment")
    upload = SimpleUploadedFile("impact.pdf", APPENDIX, "application/pdf")
    appendix_add(user=officer, decision=decision, title="Impact assessment", upload=upload)
    return approved_decision(user=officer, decision=decision, number=number)


@pytest.mark.storage
def test_round_trip_keeps_every_page_file_row_and_event(settings, tmp_path, officer):
    from demo.loader import demo_load

    settings.DEBUG = True
    demo_load(stages=False)
    settings.DEBUG = False
    published = _with_appendix(officer, number=9301)

    pages, rows, media = _public_surface(), _rows(), _media()
    # The comparison covers what the brief names: published PDFs, an appendix,
    # history rows and events, and public pages of each kind.
    assert Decision.objects.published().count() >= 3
    assert f"/decisions/{published.slug}/appendices/1/" in pages
    assert pages[f"/decisions/{published.slug}/appendices/1/"] == (200, APPENDIX)
    pdfs = [url for url in pages if url.endswith("/pdf/")]
    assert len(pdfs) == Decision.objects.published().count()
    assert all(pages[url][1].startswith(b"%PDF") for url in pdfs)
    assert rows["decisions.DecisionEvent"] and rows["decisions.HistoricalDecision"]
    assert any(name.endswith(".pdf") for name in media) and APPENDIX in media.values()

    # Every chain, seal and stored file verifies before, and again after (it raises
    # CommandError, exit status 1, on any break).
    call_command("verify_audit", stdout=_quiet())
    archive = tmp_path / "backups" / "site.tar"
    archive.parent.mkdir()
    call_command("backup", archive, stdout=_quiet())
    local = _storage_is_local()
    _wipe()
    if local:
        assert not Path(settings.MEDIA_ROOT).exists()
    call_command("restore", archive, interactive=False, stdout=_quiet())

    assert _media() == media
    assert _rows() == rows
    assert _public_surface() == pages
    call_command("verify_audit", stdout=_quiet())
    # The append-only trigger came back with the tables.
    event = DecisionEvent.objects.first()
    with pytest.raises(Exception, match="append-only"):
        DecisionEvent.objects.filter(pk=event.pk).update(comment="forged")


@pytest.fixture
def small_backup(tmp_path, officer, settings) -> Path:
    # What these tests check is an archive that holds the files: on the local disk,
    # whatever storage the run uses (tests/test_object_storage.py: the bucket's case).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    _with_appendix(officer, number=9302)
    archive = tmp_path / "small.tar"
    call_command("backup", archive, stdout=_quiet())
    return archive


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _write(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _media_name(members: dict[str, bytes], content: bytes) -> str:
    return next(name for name, data in members.items() if data == content)


def _assert_refused_and_unchanged(archive: Path, message: str) -> None:
    before_rows, before_media = _rows(), _media()
    with pytest.raises(CommandError, match=message):
        call_command("restore", archive, interactive=False, stdout=_quiet())
    assert _rows() == before_rows
    assert _media() == before_media


def _made_after_backup(officer) -> None:
    # So "unchanged" is visible: a restore would remove this draft and its file.
    decision = draft_decision(user=officer, title="Made after the backup")
    upload = SimpleUploadedFile("later.pdf", APPENDIX + b"later", "application/pdf")
    appendix_add(user=officer, decision=decision, title="Later paper", upload=upload)


def test_refuses_a_partial_archive(small_backup, tmp_path, officer):
    _made_after_backup(officer)
    data = small_backup.read_bytes()
    partial = tmp_path / "partial.tar"
    partial.write_bytes(data[: len(data) // 2])
    _assert_refused_and_unchanged(partial, "partial|incomplete")


def test_refuses_a_missing_file(small_backup, tmp_path, officer):
    _made_after_backup(officer)
    members = _members(small_backup)
    del members[_media_name(members, APPENDIX)]
    _assert_refused_and_unchanged(_write(tmp_path / "x.tar", members), "incomplete: media/")


def test_refuses_an_altered_file(small_backup, tmp_path, officer):
    _made_after_backup(officer)
    members = _members(small_backup)
    name = _media_name(members, APPENDIX)
    members[name] = APPENDIX.replace(b"impact", b"IMPACT")
    _assert_refused_and_unchanged(_write(tmp_path / "x.tar", members), f"{name} does not match")


def test_refuses_an_altered_database_dump(small_backup, tmp_path, officer):
    _made_after_backup(officer)
    members = _members(small_backup)
    dump = bytearray(members["database.dump"])
    dump[len(dump) // 2] ^= 0xFF
    members["database.dump"] = bytes(dump)
    _assert_refused_and_unchanged(_write(tmp_path / "x.tar", members), "database.dump does not")


def test_a_dump_that_fails_midway_changes_nothing(small_backup, tmp_path, officer):
    """A damaged dump whose manifest matches it (a backup that went wrong when it was
    written) passes the checks, fails inside pg_restore, and leaves every row."""
    _made_after_backup(officer)
    members = _members(small_backup)
    dump = bytearray(members["database.dump"])
    for at in range(len(dump) * 3 // 4, len(dump), 97):  # in the table data, after the TOC
        dump[at] ^= 0xFF
    members["database.dump"] = bytes(dump)
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["database.dump"] = {
        "size": len(dump),
        "sha256": hashlib.sha256(dump).hexdigest(),
    }
    members["manifest.json"] = json.dumps(manifest).encode()
    _assert_refused_and_unchanged(_write(tmp_path / "x.tar", members), "pg_restore failed")


def test_a_restore_that_fails_midway_changes_nothing(small_backup, officer):
    """pg_restore drops and recreates every table; when it fails part of the way
    (here a view someone added depends on a table it must drop), the one
    transaction leaves every table and row as they were, and the files too."""
    _made_after_backup(officer)
    with connection.cursor() as cursor:
        cursor.execute("CREATE VIEW planted_report AS SELECT id FROM decisions_decision")
    try:
        _assert_refused_and_unchanged(small_backup, "other objects depend on it")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP VIEW planted_report")


def test_refuses_an_unlisted_file_or_no_manifest(small_backup, tmp_path, officer):
    _made_after_backup(officer)
    members = _members(small_backup)
    _assert_refused_and_unchanged(
        _write(tmp_path / "extra.tar", {**members, "media/planted.pdf": b"%PDF"}),
        "not in its manifest: media/planted.pdf",
    )
    members.pop("manifest.json")
    _assert_refused_and_unchanged(_write(tmp_path / "bare.tar", members), "no manifest")


def test_refuses_an_unsafe_path(small_backup, tmp_path, officer):
    members = _members(small_backup)
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["../escape.txt"] = {"size": 1, "sha256": "0" * 64}
    members["manifest.json"] = json.dumps(manifest).encode()
    members["../escape.txt"] = b"x"
    _assert_refused_and_unchanged(_write(tmp_path / "x.tar", members), "unexpected entry")
    assert not (tmp_path / "escape.txt").exists()


def test_refuses_another_database_engine(small_backup, tmp_path, officer):
    _made_after_backup(officer)
    members = _members(small_backup)
    manifest = json.loads(members["manifest.json"])
    manifest["database"]["engine"] = "sqlite"
    members["manifest.json"] = json.dumps(manifest).encode()
    _assert_refused_and_unchanged(_write(tmp_path / "x.tar", members), "sqlite database")


def test_backup_never_overwrites(small_backup):
    before = small_backup.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", small_backup, stdout=_quiet())
    assert small_backup.read_bytes() == before


def test_sqlite_database_copy_and_load(tmp_path):
    """`make run`'s SQLite database is copied with SQLite's online backup API and
    loaded back the same way (the archive around it is the one tested above)."""
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper

    from core.backup import _database_dump, _database_load

    path = tmp_path / "site.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE record (id INTEGER PRIMARY KEY, title TEXT)")
        db.executemany("INSERT INTO record (title) VALUES (?)", [("PCD 1406",), ("PCD 1620",)])
    db.close()
    # A SQLite site's settings: PostgreSQL's connection options do not apply.
    site = DatabaseWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {},
        }
    )
    try:
        _database_dump(site, tmp_path / "copy.sqlite3")
        with site.cursor() as cursor:
            cursor.execute("DELETE FROM record")
            cursor.execute("INSERT INTO record (title) VALUES ('written after the backup')")
        _database_load(site, tmp_path / "copy.sqlite3")
        with site.cursor() as cursor:
            cursor.execute("SELECT id, title FROM record ORDER BY id")
            assert cursor.fetchall() == [(1, "PCD 1406"), (2, "PCD 1620")]
    finally:
        site.close()


def test_restore_asks_first(small_backup, officer, monkeypatch):
    _made_after_backup(officer)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    before = _rows()
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", small_backup, stdout=_quiet())
    assert _rows() == before
