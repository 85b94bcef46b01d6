"""Archived records sent from the back office are imported by the task queue
(decisions/services/archive_queue.py): the upload is stored once, the task checks
and imports it, a refused record or a changed original fails at once with its
reason (never retried), storage that does not answer is retried, and failures are
listed for administrators. tests/test_archive_back_office.py: the page itself."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.roles import Role
from core.errors import Messages
from core.storage import content_key
from core.tasks import MAX_ATTEMPTS
from decisions.models import ArchiveImport, ArchiveImportStatus, Decision
from decisions.services.archive_queue import archive_import_enqueue, archive_import_run
from tests.archive_folder import pdf_bytes
from tests.backends import stored_bytes, stored_replace
from tests.factories import UserFactory
from tests.helpers import page_text, run_tasks

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

TASK = archive_import_run.module_path


def send(user, *, title="Custody healthcare contract extension", pdf=b"", **overrides):
    content = pdf or pdf_bytes("PCD 412 signed")
    fields = {
        "reference": "PCD 412",
        "title": title,
        "date_signed": dt.date(2018, 6, 5),
        "date_published": dt.date(2018, 6, 12),
        "decision_by": "Sophie Linden, Deputy Mayor for Policing and Crime",
        "summary": "Extends the contract.",
        "recommendations": "Approve the extension.",
        "document_bytes": None,
        "document_name": "pcd-412.pdf",
        "source_url": "",
    } | overrides
    upload = SimpleUploadedFile("pcd-412.pdf", content, "application/pdf")
    return archive_import_enqueue(user=user, upload=upload, **fields)


def tasks(status=None):
    results = DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at")
    return results.filter(status=status) if status else results


def test_the_upload_is_stored_once_under_its_hash_and_imported_by_the_task(records_manager):
    content = pdf_bytes("PCD 412 signed")
    first = send(records_manager, pdf=content)
    again = send(records_manager, pdf=content)
    sha256 = first.document_sha256
    assert first.document.name == again.document.name == content_key("archive-uploads", sha256)
    assert stored_bytes(first.document) == content
    assert first.status == ArchiveImportStatus.QUEUED and not Decision.objects.exists()
    assert run_tasks() == 2
    first.refresh_from_db()
    again.refresh_from_db()
    assert (first.status, again.status) == ("imported", "unchanged")
    assert first.decision == again.decision == Decision.objects.get(reference_number=412)
    assert first.decision.published_document.sha256 == sha256
    assert [r.status for r in tasks()] == [TaskResultStatus.SUCCESSFUL] * 2


def test_a_record_refused_by_the_import_fails_at_once_with_its_reason(client, records_manager):
    # Both pass the check when sent; the first imported takes the reference.
    send(records_manager)
    clash = send(records_manager, title="Custody healthcare: a different title")
    assert run_tasks() == 2
    clash.refresh_from_db()
    expected = Messages.ARCHIVE_CONFLICT.format(reference="PCD 412", what="title")
    assert (clash.status, clash.reason) == (ArchiveImportStatus.FAILED, expected)
    assert clash.decision is None and clash.finished_at is not None
    # Failed for good: nothing is queued again (the file will not get better).
    (failed,) = tasks(TaskResultStatus.FAILED)
    assert failed.exception_class_path == "core.tasks.NotRetried"
    assert not tasks(TaskResultStatus.READY).exists()
    client.force_login(records_manager)
    text = page_text(client.get(f"/work/archive/sent/{clash.pk}/"))
    assert "PCD 412 was not imported" in text and expected in text
    listing = page_text(client.get("/work/archive/new/"))
    assert "Records sent lately" in listing and "Not imported" in listing


def test_an_original_changed_in_storage_is_not_imported_nor_retried(records_manager):
    sent = send(records_manager)
    stored_replace(sent.document, pdf_bytes("Something else"))
    assert run_tasks() == 1
    sent.refresh_from_db()
    assert (sent.status, sent.reason) == ("failed", Messages.ARCHIVE_UPLOAD_CHANGED)
    assert not tasks(TaskResultStatus.READY).exists()
    assert not Decision.objects.exists()


@pytest.fixture
def storage_down(monkeypatch):
    """Reading from the default storage fails as when it does not answer; ``up()``
    brings it back."""
    from django.core.files.storage import default_storage

    default_storage.exists("set-up")  # the lazy storage made, to find its class
    storage_class = type(default_storage._wrapped)
    real = storage_class._open

    def refuse(self, name, mode="rb"):
        raise OSError("storage did not answer")

    monkeypatch.setattr(storage_class, "_open", refuse)
    return lambda: monkeypatch.setattr(storage_class, "_open", real)


def _make_due():
    tasks(TaskResultStatus.READY).update(run_after=timezone.now())


def test_storage_that_does_not_answer_is_retried_then_the_record_imported(
    records_manager, storage_down
):
    sent = send(records_manager)
    assert run_tasks() == 1
    sent.refresh_from_db()
    assert sent.status == ArchiveImportStatus.QUEUED  # still to come
    (retry,) = tasks(TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"import_id": sent.pk, "attempt": 2}
    assert retry.run_after > timezone.now()  # later, not at once
    storage_down()  # back up
    _make_due()
    assert run_tasks() == 1
    sent.refresh_from_db()
    assert sent.status == ArchiveImportStatus.IMPORTED


def test_after_the_last_attempt_the_record_is_marked_failed(records_manager, storage_down):
    sent = send(records_manager)
    for _attempt in range(MAX_ATTEMPTS):
        _make_due()
        assert run_tasks() == 1
    sent.refresh_from_db()
    expected = Messages.ARCHIVE_UPLOAD_UNREADABLE.format(attempts=MAX_ATTEMPTS)
    assert (sent.status, sent.reason) == (ArchiveImportStatus.FAILED, expected)
    assert tasks(TaskResultStatus.FAILED).count() == MAX_ATTEMPTS
    assert not tasks(TaskResultStatus.READY).exists()


def test_administrators_see_a_failed_import_and_queuing_it_again_imports_once(
    client, records_manager, storage_down
):
    sent = send(records_manager)
    run_tasks()
    storage_down()
    admin = UserFactory(role=Role.RECORDS_MANAGER, is_staff=True)
    client.force_login(admin)
    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status=FAILED")
    assert "Import of an archived record" in listing.content.decode()
    (failed,) = tasks(TaskResultStatus.FAILED)
    client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "queue_again", "_selected_action": [str(failed.pk)]},
    )
    _make_due()
    # The automatic retry and the one queued by hand: one imports, the other finds
    # it done and leaves it.
    assert run_tasks() == 2
    sent.refresh_from_db()
    assert sent.status == ArchiveImportStatus.IMPORTED
    assert Decision.objects.filter(reference_number=412).count() == 1


def test_a_sender_no_longer_a_records_manager_is_refused_by_the_task(records_manager):
    sent = send(records_manager)
    records_manager.groups.clear()
    run_tasks()
    sent.refresh_from_db()
    assert sent.status == ArchiveImportStatus.FAILED
    assert sent.reason == Messages.ROLE_REQUIRED.format(role="records manager")
    assert not Decision.objects.exists()


def test_only_records_managers_send_or_see_what_was_sent(client, records_manager, officer):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        send(officer)
    sent = send(records_manager)
    client.force_login(officer)
    assert client.get(f"/work/archive/sent/{sent.pk}/").status_code == 403
    assert ArchiveImport.objects.count() == 1
