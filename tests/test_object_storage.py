"""Stored files on S3-compatible object storage (issue 15, part 1), against moto's
server mode on loopback (a real HTTP S3 endpoint for boto3): published PDFs and
appendices are written once under their SHA-256, never overwritten, and served
only after their bytes are checked; the local filesystem keeps working the same."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from core import backup
from core.health import readiness
from core.storage import store_once
from decisions.models import Appendix
from decisions.services import appendix_add
from tests.backends import free_port, s3_client
from tests.factories import approved_decision, complete_draft
from tests.helpers import body_bytes, page_text

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NUMBER = 5151
PAGE = f"/decisions/pcd-{NUMBER}/"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def objects(s3_server, bucket) -> dict[str, bytes]:
    client = s3_client(s3_server)
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listed
    }


def put(s3_server, bucket, key, data: bytes) -> None:
    s3_client(s3_server).put_object(Bucket=bucket, Key=key, Body=data)


@pytest.fixture
def published(s3_storage, officer, reviewers):
    draft = complete_draft(user=officer, title="Stored in a bucket")
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF, "application/pdf")
    appendix_add(user=officer, decision=draft, title="Impact assessment", upload=upload)
    return approved_decision(user=officer, decision=draft, reviewers=reviewers, number=NUMBER)


def test_approval_stores_the_pdf_and_appendix_in_the_bucket_under_their_hashes(
    published, s3_server, s3_storage
):
    document = published.published_document
    [appendix] = published.appendices.all()
    stored = objects(s3_server, s3_storage)
    assert set(stored) == {f"published/{document.sha256}.pdf", f"appendices/{sha256(PDF)}.pdf"}
    assert document.file.name == f"published/{document.sha256}.pdf"
    assert sha256(stored[document.file.name]) == document.sha256
    assert stored[document.file.name].startswith(b"%PDF")
    assert appendix.file.name == f"appendices/{appendix.sha256}.pdf"
    assert stored[appendix.file.name] == PDF
    # Nothing written to the local disk.
    assert not default_storage.__class__.__name__.startswith("FileSystem")


def test_the_pdf_is_served_from_the_bucket_with_its_hash(client, published, s3_server, s3_storage):
    document = published.published_document
    response = client.get(PAGE + "pdf/")
    assert response.status_code == 200
    data = body_bytes(response)
    assert sha256(data) == document.sha256 == response["X-Checksum-SHA256"]
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="PCD-{NUMBER}.pdf"' in response["Content-Disposition"]
    assert response["ETag"] == f'"{document.sha256}"'
    # A byte range, as PDF viewers ask, from the checked copy.
    part = client.get(PAGE + "pdf/", HTTP_RANGE="bytes=0-9", HTTP_COOKIE="sessionid=x")
    assert part.status_code == 206 and body_bytes(part) == data[:10]
    again = client.get(PAGE + "pdf/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_appendix_upload_and_download_through_the_bucket(client, published):
    response = client.get(PAGE + "appendices/1/")
    assert response.status_code == 200
    assert body_bytes(response) == PDF
    assert response["Content-Disposition"] == f'attachment; filename="PCD-{NUMBER}-appendix-1.pdf"'


def _alerts(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "security" and '"verify_failed"' in record.getMessage()
    ]


@pytest.mark.parametrize("which", ["pdf", "appendix"])
def test_an_object_whose_bytes_change_is_withheld_and_named(
    client, published, s3_server, s3_storage, caplog, which
):
    if which == "pdf":
        name, url = published.published_document.file.name, PAGE + "pdf/"
    else:
        name, url = published.appendices.get().file.name, PAGE + "appendices/1/"
    assert client.get(url).status_code == 200
    put(s3_server, s3_storage, name, b"%PDF-1.7 forged")
    caplog.clear()
    # The page cache keeps the checked PDF: the change shows once it is dropped.
    from core.page_cache import pages_invalidate_all

    pages_invalidate_all()
    response = client.get(url)
    assert response.status_code == 503
    assert f"PCD {NUMBER} cannot be shown at the moment" in page_text(response)
    [alert] = _alerts(caplog)
    assert alert["row"] == name and "SHA-256" in alert["what"]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=out, stderr=out)
    assert f"{name}: the file's SHA-256 is not the one recorded" in out.getvalue()


def test_a_missing_object_is_withheld_and_named(client, published, s3_server, s3_storage, caplog):
    name = published.published_document.file.name
    s3_client(s3_server).delete_object(Bucket=s3_storage, Key=name)
    caplog.clear()
    assert client.get(PAGE + "pdf/").status_code == 503
    [alert] = _alerts(caplog)
    assert alert["row"] == name and "missing" in alert["what"]


def test_an_existing_key_is_never_overwritten(s3_server, s3_storage, officer):
    holder = Appendix(title="x")
    digest = sha256(PDF)
    key = f"appendices/{digest}.pdf"
    store_once(holder.file, ContentFile(PDF), sha256=digest)
    assert holder.file.name == key
    # The same bytes again: the object is reused, not written a second time.
    again = Appendix(title="y")
    store_once(again.file, ContentFile(PDF), sha256=digest)
    assert again.file.name == key
    assert list(objects(s3_server, s3_storage)) == [key]
    # The key altered meanwhile: the new copy goes under a new name, the altered
    # object stays as it is for the integrity check to report.
    put(s3_server, s3_storage, key, b"altered")
    third = Appendix(title="z")
    store_once(third.file, ContentFile(PDF), sha256=digest)
    assert third.file.name != key and third.file.name.startswith(f"appendices/{digest}")
    stored = objects(s3_server, s3_storage)
    assert stored[key] == b"altered" and stored[third.file.name] == PDF
    # The storage itself never replaces a key (file_overwrite off).
    assert default_storage.save(key, ContentFile(b"other")) != key
    assert objects(s3_server, s3_storage)[key] == b"altered"


def test_the_filesystem_stores_under_the_hash_and_never_overwrites(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    digest = sha256(PDF)
    first, second = Appendix(title="a"), Appendix(title="b")
    store_once(first.file, ContentFile(PDF), sha256=digest)
    store_once(second.file, ContentFile(PDF), sha256=digest)
    assert first.file.name == second.file.name == f"appendices/{digest}.pdf"
    path = tmp_path / "media" / "appendices" / f"{digest}.pdf"
    assert path.read_bytes() == PDF
    path.write_bytes(b"altered")
    third = Appendix(title="c")
    store_once(third.file, ContentFile(PDF), sha256=digest)
    assert third.file.name != first.file.name
    assert path.read_bytes() == b"altered"


def test_ready_when_the_bucket_answers_and_not_when_it_does_not(db, settings, s3_storage):
    assert readiness()["storage"] == "ok"
    options = settings.STORAGES["default"]["OPTIONS"]
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {**options, "endpoint_url": nobody}},
    }
    assert readiness()["storage"] == "unavailable"


def test_backup_with_object_storage_holds_the_database_and_says_the_files_are_not_in_it(
    published, s3_server, s3_storage, tmp_path
):
    """Object storage keeps its own copies (versioning, replication): the archive holds
    the database and names the bucket; restoring it leaves the bucket as it is."""
    before = objects(s3_server, s3_storage)
    archive = tmp_path / "backup.tar"
    manifest = backup.archive_create(path=archive)
    assert manifest["media"] == {"storage": "s3", "bucket": s3_storage, "in_archive": False}
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert not [name for name in names if name.startswith("media/")]
    assert "database.dump" in names
    checked = backup.archive_check(path=archive, into=tmp_path / "check")
    assert checked["media"]["in_archive"] is False
    assert objects(s3_server, s3_storage) == before


def test_an_archive_and_a_site_that_disagree_on_where_files_are_is_refused(
    published, settings, tmp_path
):
    archive = tmp_path / "backup.tar"
    backup.archive_create(path=archive)
    # The same site, now on the local disk: the archive has no files to give it.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with pytest.raises(backup.BackupError, match="copy them from the bucket first"):
        backup.archive_restore(path=archive)
    assert published.published_document.sha256  # nothing changed


def _storage_setting(**env) -> dict:
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**keep, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    return json.loads(result.stdout) if result.returncode == 0 else {"error": result.stderr}


def test_settings_choose_the_storage_from_the_environment():
    assert _storage_setting() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = _storage_setting(STORAGE_URL="s3://records/site-a", AWS_S3_ENDPOINT_URL="http://s3:9000")
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("records", "site-a")
    assert options["endpoint_url"] == "http://s3:9000"
    assert options["file_overwrite"] is False
    by_name = _storage_setting(AWS_STORAGE_BUCKET_NAME="records")["OPTIONS"]
    assert (by_name["bucket_name"], by_name["location"]) == ("records", "")
    assert "STORAGE_URL must look like" in _storage_setting(STORAGE_URL="ftp://x")["error"]


def s3_requests(storage) -> list[tuple[str, str]]:
    """Every HTTP request this storage's client sends from now on: (method, key)."""
    sent: list[tuple[str, str]] = []

    def record(request, **_kwargs):
        sent.append((request.method, request.url.split("?")[0].rsplit("/", 2)[-2:][-1]))

    storage.connection.meta.client.meta.events.register("before-send.s3", record)
    return sent


def test_a_pdf_is_checked_once_per_process_then_streamed_from_one_get(
    client, published, s3_server, s3_storage, monkeypatch, django_assert_num_queries
):
    from decisions.views import public

    document = published.published_document
    key = document.file.name.rsplit("/", 1)[-1]
    hashed = []
    real = public.copy_verified
    monkeypatch.setattr(public, "copy_verified", lambda *a: hashed.append(1) or real(*a))
    # With a session cookie: not kept by the page cache, so the storage answers each time.
    cookie = {"HTTP_COOKIE": "sessionid=x"}
    sent = s3_requests(default_storage)
    first = client.get(PAGE + "pdf/", **cookie)
    data = body_bytes(first)
    assert sha256(data) == document.sha256
    assert sent == [("GET", key)] and hashed == [1]  # one download, hashed as it is read
    sent.clear()
    # The record's check is remembered too: one query, the PDF's row.
    with django_assert_num_queries(1):
        second = client.get(PAGE + "pdf/", **cookie)
        assert body_bytes(second) == data
    assert sent == [("GET", key)] and hashed == [1]  # streamed: not hashed again
    part = client.get(PAGE + "pdf/", HTTP_RANGE="bytes=100-199", **cookie)
    assert part.status_code == 206 and body_bytes(part) == data[100:200]
    # Written behind the application's back: another ETag, so hashed again, withheld.
    put(s3_server, s3_storage, document.file.name, b"%PDF-1.7 forged")
    assert client.get(PAGE + "pdf/", **cookie).status_code == 503
    assert hashed == [1, 1]
