"""Archived records on every public surface: their page (Key information as published,
the notice, the signed original with its SHA-256), the list, search (a phrase only
in the PDF), the feed, the API, the CSV and the sitemap, marked as archived; links
from new decisions; the history page, reports and verify_audit on them."""

import csv
import datetime as dt
import hashlib
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone

from decisions.models import Decision
from decisions.selectors.published_files import verified_forget
from decisions.services import decision_link_create
from decisions.services.archive import archived_decision_import
from tests.archive_folder import PDF_ONLY_PHRASE, good_rows, write_folder
from tests.backends import stored_replace
from tests.factories import approved_decision, draft_decision
from tests.helpers import body_bytes, page_text

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://testserver"
ROWS = {row["reference"]: row for row in good_rows()}
# Newest signed first; CEOD 12 (date signed not recorded) by its date published.
LIST_ORDER = ["PCD 1760", "PCD 1100", "PCD 412", "CEOD 12", "PCD 71"]


@pytest.fixture
def archive(db, tmp_path, records_manager):
    folder = write_folder(tmp_path / "archive", good_rows())
    call_command("import_archive", str(folder), "--user", records_manager.username,
                 stdout=io.StringIO())  # fmt: skip
    return folder


def archived(reference: str) -> Decision:
    code, number = reference.split()
    return Decision.objects.get(decision_type__code=code, reference_number=int(number))


def test_the_page_shows_the_record_as_published(client, archive):
    row = ROWS["PCD 412"]
    response = client.get("/decisions/pcd-412/")
    assert response.status_code == 200
    text = page_text(response)
    assert f"Decision by {row['decision_by']}" in text  # "Authorisation name: …" as written
    assert "Date signed 5 June 2018" in text and "Date published 12 June 2018" in text
    assert (
        "Archived record: taken on 5 June 2018 before this system; the signed original is the PDF."
        in text
    )
    assert row["summary"] in text and "Approve the extension." in text
    content = (archive / "pcd-412.pdf").read_bytes()
    assert hashlib.sha256(content).hexdigest() in text
    assert "Download the signed original of PCD 412" in text
    # Nothing of the form that an archived record does not have.
    for absent in ("Originating officer declaration", "Part 2", "Not yet signed", "Drafted"):
        assert absent not in text
    assert "Brought into this system" in text


@pytest.mark.storage
def test_the_pdf_is_the_signed_original_checked_before_it_is_served(client, archive):
    content = (archive / "pcd-1760.pdf").read_bytes()
    response = client.get("/decisions/pcd-1760/pdf/")
    assert response.status_code == 200, response
    assert body_bytes(response) == content
    assert response["X-Checksum-SHA256"] == hashlib.sha256(content).hexdigest()
    # Another record's file replaced on disk (before any request kept it in the cache).
    document = archived("PCD 1100").published_document
    stored_replace(document.file, b"%PDF-1.7 forged")
    verified_forget()
    assert client.get("/decisions/pcd-1100/pdf/").status_code == 503


def test_a_record_without_a_date_signed_or_a_pdf_says_so(client, archive):
    text = page_text(client.get("/decisions/ceod-12/"))
    assert "Date signed Not recorded" in text and "Date published 2 March 2016" in text
    assert "Decision by Helen Bailey, Chief Operating Officer" in text
    assert "listed by the date it was published, 2 March 2016" in text
    assert "the signed original was not brought into this system" in text
    assert "Download" not in text
    assert client.get("/decisions/ceod-12/pdf/").status_code == 404
    text = page_text(client.get("/decisions/pcd-71/"))
    assert "Date published Not recorded" in text
    assert "Archived record: taken on 30 July 2013 before this system" in text


def test_the_list_marks_archived_records_newest_signed_first(client, archive):
    response = client.get("/decisions/")
    text = page_text(response)
    positions = [text.index(f"{reference}:") for reference in LIST_ORDER]
    assert positions == sorted(positions)
    assert text.count("Archived record") == len(LIST_ORDER)
    assert "Signed: not recorded (published 2 March 2016)" in text
    assert "Signed: 5 June 2018" in text


def test_the_list_tags_only_archived_records(client, archive, officer):
    approved_decision(user=officer, decision=draft_decision(user=officer, title="Made here"))
    text = page_text(client.get("/decisions/?q=Made+here"))
    assert "Made here" in text and "Archived record" not in text


def test_a_phrase_only_in_the_pdf_finds_the_record(client, archive):
    row = ROWS["PCD 1760"]
    assert PDF_ONLY_PHRASE not in " ".join(row.values())
    text = page_text(client.get("/decisions/", {"q": PDF_ONLY_PHRASE}))
    assert "Showing 1–1 of 1 result" in text and "PCD 1760:" in text
    api = client.get("/api/decisions/", {"q": PDF_ONLY_PHRASE}).json()
    assert [r["reference"] for r in api["results"]] == ["PCD 1760"]


def test_words_in_the_title_rank_above_words_only_in_a_pdf(client, archive, records_manager):
    """The PDF's text has the least weight: a record with the word in its title comes
    before the one that has it only inside its PDF, though that one is newer."""
    archived_decision_import(
        user=records_manager, reference="PCD 90", title="Quokka enclosure at the training centre",
        date_signed=dt.date(2014, 5, 1), date_published=None, decision_by="A. Person, DMPC",
        summary="", recommendations="", document_bytes=None, document_name="", source_url="",
    )  # fmt: skip
    api = client.get("/api/decisions/", {"q": "quokka"}).json()
    assert [r["reference"] for r in api["results"]] == ["PCD 90", "PCD 1760"]


def test_the_feed_marks_archived_records(client, archive):
    feed = ET.fromstring(body_bytes(client.get("/decisions/feed/")))  # noqa: S314 - our own
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in feed.findall(f"{ATOM}entry")}
    entry = entries[f"PCD 1760: {ROWS['PCD 1760']['title']}"]
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Archived record"]
    assert "Archived record, taken before this system." in entry.findtext(f"{ATOM}summary")


def test_the_api_marks_archived_records_with_dates_as_published(client, archive):
    results = client.get("/api/decisions/").json()["results"]
    assert [r["reference"] for r in results] == LIST_ORDER
    assert all(r["archived"] is True for r in results)
    ceod = next(r for r in results if r["reference"] == "CEOD 12")
    assert (ceod["date_signed"], ceod["date_published"]) == (None, "2016-03-02")
    body = client.get("/api/decisions/pcd-412/").json()
    assert body["decision_by"] == {
        "name": None,
        "title": None,
        "as_published": ROWS["PCD 412"]["decision_by"],
    }
    content = (archive / "pcd-412.pdf").read_bytes()
    assert body["pdf"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["pdf"]["size_bytes"] == len(content)
    assert body["sections"] == [] and body["budget"]["lines"] == []


def test_the_api_responses_match_the_openapi_document(client, archive):
    from tests.test_open_data import assert_matches

    document = client.get("/api/openapi.json").json()
    assert_matches(document, client.get("/api/decisions/").json(), "/api/decisions/", 200)
    for reference in ROWS:
        slug = reference.lower().replace(" ", "-")
        body = client.get(f"/api/decisions/{slug}/").json()
        assert_matches(document, body, "/api/decisions/{slug}/", 200)


def test_the_csv_marks_archived_records(client, archive):
    rows = list(csv.reader(io.StringIO(body_bytes(client.get(
        "/decisions/export/decisions.csv")).decode("utf-8-sig"))))  # fmt: skip
    assert rows[0][-1] == "Archived"
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == set(ROWS)
    for reference, row in ROWS.items():
        line = by_reference[reference]
        assert line[3:5] == [row["date_signed"], row["date_published"]]
        assert line[-1] == "true"


def test_the_sitemap_lists_archived_records(client, archive):
    text = body_bytes(client.get("/sitemap-decisions.xml")).decode()
    for reference in ROWS:
        assert f"{BASE}/decisions/{reference.lower().replace(' ', '-')}/" in text
    assert "<lastmod>2016-03-02</lastmod>" in text


def test_a_new_decision_can_amend_an_archived_one(client, archive, officer):
    decision = draft_decision(user=officer, title="Extends the custody contract again")
    decision_link_create(
        user=officer, decision=decision, target_reference="PCD 412", kind="amends",
        description="extends PCD 412 by a further year",
    )  # fmt: skip
    approved = approved_decision(user=officer, decision=decision)
    text = page_text(client.get("/decisions/pcd-412/"))
    assert f"Amended by {approved.reference}" in text
    text = page_text(client.get(approved.get_absolute_url()))
    assert "Amends PCD 412" in text


def test_the_history_page_of_an_archived_record(client, archive, records_manager):
    client.force_login(records_manager)
    decision = archived("PCD 412")
    response = client.get(f"/work/decisions/{decision.pk}/history/")
    assert response.status_code == 200
    text = page_text(response)
    assert "recorded it as a historical decision" in text
    assert "Archived record imported: taken on 5 June 2018 before this system" in text
    assert "The content has not changed since it was approved." in text


def test_reports_and_verify_audit_are_not_broken_by_archived_records(client, archive):
    assert client.get("/reports/financial-years/").status_code == 200
    call_command("verify_audit", stdout=io.StringIO())  # exits 1 (SystemExit) on a break


def test_the_page_is_withheld_when_an_archived_field_is_altered(client, archive):
    from decisions.models import ArchivedRecord

    ArchivedRecord.objects.filter(decision=archived("PCD 1100")).update(
        date_signed=timezone.localdate().replace(year=2020)
    )
    assert client.get("/decisions/pcd-1100/").status_code == 503


@pytest.mark.browser
def test_archived_pages_have_no_wcag_violations(page, live_server, transactional_db, tmp_path):
    from accounts.roles import Role
    from tests.accessibility import axe_violations
    from tests.factories import UserFactory

    user = UserFactory(role=Role.RECORDS_MANAGER)
    folder = write_folder(tmp_path / "archive", good_rows())
    call_command("import_archive", str(folder), "--user", user.username, stdout=io.StringIO())
    for path in ("/decisions/pcd-412/", "/decisions/ceod-12/", "/decisions/?q=grants"):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{path}")
            assert axe_violations(page) == [], (path, width)
