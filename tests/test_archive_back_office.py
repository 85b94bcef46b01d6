"""The back office's page for one archived record (/work/archive/new/): records
managers only, GOV.UK errors beside the fields with nothing typed lost, and the
status of what was sent (imported by the task queue), linking to the public page.
tests/test_archive_queue.py: the task itself (failures, retries)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import Messages
from decisions.models import ArchiveImport, Decision
from tests.archive_folder import pdf_bytes
from tests.helpers import page_text, run_tasks

pytestmark = pytest.mark.django_db
URL = "/work/archive/new/"


def form_data(**overrides):
    data = {
        "reference": "PCD 412",
        "title": "Custody healthcare contract extension",
        "decision_by": "Authorisation name: Sophie Linden, Deputy Mayor for Policing and Crime",
        "date_signed_day": "5",
        "date_signed_month": "6",
        "date_signed_year": "2018",
        "date_published_day": "12",
        "date_published_month": "6",
        "date_published_year": "2018",
        "summary": "Extends the contract.",
        "recommendations": "Approve the extension.\r\n\r\nDelegate the award.",
        "source_url": "https://www.london.gov.uk/decisions/pcd-412",
    }
    return data | overrides


def upload(content=None, name="pcd-412.pdf"):
    return SimpleUploadedFile(name, content or pdf_bytes("PCD 412 signed"), "application/pdf")


def test_a_records_manager_publishes_an_archived_record(client, records_manager):
    client.force_login(records_manager)
    home = page_text(client.get("/work/"))
    assert "Bring in an archived record" in home
    assert client.get(URL).status_code == 200
    response = client.post(URL, form_data(document=upload()))
    assert response.status_code == 302
    sent = ArchiveImport.objects.get()
    assert response.url == f"/work/archive/sent/{sent.pk}/"
    # Sent, not yet imported: the page says so and links to itself to look again.
    waiting = client.get(response.url)
    assert "PCD 412 is waiting to be imported" in page_text(waiting)
    assert f'href="{response.url}"' in waiting.content.decode()
    assert not Decision.objects.filter(reference_number=412).exists()
    assert run_tasks() == 1
    decision = Decision.objects.get(reference_number=412)
    done = client.get(response.url)
    text = page_text(done)
    assert "PCD 412 is published as an archived record" in text
    assert 'href="/decisions/pcd-412/"' in done.content.decode()
    archive = decision.archived_record
    assert archive.decision_by == form_data()["decision_by"]
    assert (archive.date_signed, archive.date_published) == (
        dt.date(2018, 6, 5),
        dt.date(2018, 6, 12),
    )
    assert archive.document_name == "pcd-412.pdf"
    assert [r.text for r in decision.recommendations.all()] == [
        "Approve the extension.",
        "Delegate the award.",
    ]
    client.logout()
    public = page_text(client.get("/decisions/pcd-412/"))
    assert "Archived record: taken on 5 June 2018 before this system" in public


def test_the_same_record_again_changes_nothing(client, records_manager):
    client.force_login(records_manager)
    client.post(URL, form_data(document=upload()))
    run_tasks()
    response = client.post(URL, form_data(document=upload()))
    assert response.status_code == 302
    run_tasks()
    assert "PCD 412 was already in the archive" in page_text(client.get(response.url))
    assert Decision.objects.filter(reference_number=412).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reference": "PD 1599"}, "reference",
         Messages.ARCHIVE_UNKNOWN_SERIES.format(reference="PD 1599", codes="PCD or CEOD")),
        ({"title": "PCD 413 – Custody"}, "title",
         "The title begins with PCD 413 but the reference is PCD 412"),
        ({"date_signed_year": str(timezone.localdate().year + 1), "date_published_day": "",
          "date_published_month": "", "date_published_year": ""},
         "date_signed", Messages.ARCHIVE_DATE_FUTURE.format(label="date signed")),
        ({"date_published_year": "2017"}, "date_published", Messages.ARCHIVE_DATE_ORDER),
        ({"date_signed_day": "31", "date_signed_month": "2"}, "date_signed",
         "Date signed must be a real date"),
        ({"decision_by": ""}, "decision_by", "Enter who took the decision, as published"),
        ({"source_url": "not a web address"}, "source_url", Messages.ARCHIVE_SOURCE_URL),
        ({"document": "notes"}, "document",
         Messages.ARCHIVE_DOCUMENT_NOT_PDF.format(name="notes.pdf")),
    ],
)  # fmt: skip
def test_errors_are_shown_beside_the_field_and_nothing_typed_is_lost(
    client, records_manager, overrides, field, message
):
    client.force_login(records_manager)
    data = form_data(**overrides)
    if data.get("document") == "notes":
        data["document"] = upload(b"Meeting notes, not a PDF.", name="notes.pdf")
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'id="id_{field}-error"' in html or f'id="{field}-error"' in html
    assert message in page_text(response)
    for kept in ("title", "decision_by", "summary"):
        if data[kept]:
            assert data[kept].split("\r\n")[0] in html
    assert "choose the file again" in page_text(response)
    assert not Decision.objects.exists()
    assert not ArchiveImport.objects.exists()


def test_only_records_managers_may_use_the_page(client, officer, reviewers):
    assert client.get(URL).status_code == 302  # to sign in
    for user in (officer, reviewers.head, reviewers.dmpc):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, form_data(document=upload())).status_code == 403
        assert "Bring in an archived record" not in page_text(client.get("/work/"))
    assert not Decision.objects.exists()


def test_every_problem_is_shown_at_once(client, records_manager):
    client.force_login(records_manager)
    data = form_data(
        reference="PD 1599",
        decision_by="",
        date_signed_year=str(timezone.localdate().year + 1),
        date_published_day="",
        date_published_month="",
        date_published_year="",
        source_url="ftp://example.org/x",
    )
    text = page_text(client.post(URL, data))
    for message in (
        Messages.ARCHIVE_UNKNOWN_SERIES.format(reference="PD 1599", codes="PCD or CEOD"),
        "Enter who took the decision, as published",
        Messages.ARCHIVE_DATE_FUTURE.format(label="date signed"),
        Messages.ARCHIVE_SOURCE_URL,
    ):
        assert text.count(message) == 2, message  # in the summary and beside the field
