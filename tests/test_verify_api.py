"""The document check in the API, /api/verify/ (opendata/api_verify.py): the same
answers as /verify/, as JSON matching the OpenAPI document; bad input a 400 naming
the field; throttled with the page."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import signing
from decisions import verify_throttle
from decisions import verify_words as words
from tests.archive_folder import pdf_bytes
from tests.factories import approved_decision, deferred_decision, publication_withdrawn_decision
from tests.test_open_data import BASE, assert_matches
from tests.test_verify import _archived_signed, flip_a_byte, sha, sign_pdf, stored_pdf

PATH = "/api/verify/"


@pytest.fixture
def api_document(client, db):
    return client.get("/api/openapi.json").json()


SIGNER = "Test organisation DEMO document signing"


def post_file(client, content: bytes):
    return client.post(PATH, {"file": SimpleUploadedFile("copy.pdf", content)})


def test_a_published_pdf_and_its_fingerprint(client, pcd_1406, pcd_1620, api_document):
    content = stored_pdf(pcd_1406)
    by_file = post_file(client, content)
    by_hash = client.get(PATH, {"sha256": sha(content).upper()})

    assert by_file.status_code == by_hash.status_code == 200
    assert_matches(api_document, by_file.json(), PATH, 200, method="post")
    assert_matches(api_document, by_hash.json(), PATH, 200)
    for body in (by_file.json(), by_hash.json()):
        assert body["sha256"] == sha(content)
        assert body["status"] == "published"
        assert body["decision"] == {
            "reference": pcd_1406.reference,
            "title": pcd_1406.title,
            "url": f"{BASE}{pcd_1406.get_absolute_url()}",
        }
        assert body["changed_by"] == [
            {
                "relation": "Amended by",
                "reference": pcd_1620.reference,
                "url": f"{BASE}{pcd_1620.get_absolute_url()}",
                "date": timezone.localtime(pcd_1620.approved_at).date().isoformat(),
            }
        ]
        assert body["withdrawn_at"] is None and body["archived"] is None
    assert by_hash.json()["signature"] is None
    assert by_file.json()["signature"]["present"] == (
        signing.pdf_signature_check(content) is not None
    )
    assert by_file.json()["summary"][0] == f"This is {pcd_1406.reference}: {pcd_1406.title}."


def test_withdrawn_tampered_and_deferred(client, officer, records_manager, api_document):
    withdrawn = publication_withdrawn_decision(
        user=officer, records_manager=records_manager, reason="Published in error."
    )
    body = post_file(client, stored_pdf(withdrawn)).json()
    assert_matches(api_document, body, PATH, 200, method="post")
    assert body["status"] == "withdrawn"
    assert body["withdrawal_reason"] == "Published in error."
    assert dt.datetime.fromisoformat(body["withdrawn_at"]) == withdrawn.publication_withdrawn_at
    assert body["decision"]["reference"] == withdrawn.reference
    assert body["decision"]["title"] is None

    tampered = flip_a_byte(stored_pdf(withdrawn))
    assert post_file(client, tampered).json()["status"] == "not_published"

    deferred = approved_decision(
        user=officer,
        decision=deferred_decision(user=officer, until=timezone.localdate() + dt.timedelta(9)),
    )
    made_up = secrets.token_hex(32)
    hidden = client.get(PATH, {"sha256": sha(stored_pdf(deferred))}).json()
    random = client.get(PATH, {"sha256": made_up}).json()
    assert_matches(api_document, hidden, PATH, 200)

    def blanked(body: dict, fingerprint: str) -> dict:
        summary = [sentence.replace(fingerprint, "") for sentence in body["summary"]]
        return {**body, "sha256": "", "summary": summary}

    assert blanked(hidden, hidden["sha256"]) == blanked(random, made_up)


def test_signatures_archived_and_signed_copies(client, records_manager, pcd_1620, api_document):
    signed_at = dt.datetime(2024, 3, 1, 14, 30, tzinfo=dt.UTC)
    decision, original = _archived_signed(records_manager, reference="PCD 302", signed_at=signed_at)
    body = post_file(client, original).json()
    assert_matches(api_document, body, PATH, 200, method="post")
    assert body["status"] == "published"
    assert body["archived"] == {
        "brought_in_on": decision.archived_record.imported_at.date().isoformat(),
        "sealed": True,  # sealed when it was brought in
    }
    assert body["signature"] == {
        "present": True,
        "valid": True,
        "signer": SIGNER,
        "signed_at": signed_at.isoformat(),
    }

    copy = sign_pdf(pdf_bytes("Earlier"), reason="PCD 1620 approved", signed_at=signed_at)
    body = post_file(client, copy).json()
    assert_matches(api_document, body, PATH, 200, method="post")
    assert body["status"] == "not_published"
    assert body["decision"] is None
    assert body["signed_for"]["url"] == f"{BASE}{pcd_1620.get_absolute_url()}"
    assert body["signature"]["valid"] is True


def test_bad_input_is_a_400_naming_the_field(client, db, api_document):
    for query, message in (
        ({}, words.SHA256_REQUIRED),
        ({"sha256": "xyz"}, words.SHA256_INVALID),
    ):
        response = client.get(PATH, query)
        assert response.status_code == 400
        assert response.json() == {"errors": {"sha256": [message]}}
        assert_matches(api_document, response.json(), PATH, 400)
    for data, message in (
        ({}, words.FILE_REQUIRED),
        ({"file": SimpleUploadedFile("a.pdf", b"not a pdf")}, words.FILE_NOT_PDF),
    ):
        response = client.post(PATH, data)
        assert response.status_code == 400
        assert response.json() == {"errors": {"file": [message]}}
        assert_matches(api_document, response.json(), PATH, 400, method="post")


def test_the_api_is_throttled(client, db, monkeypatch, api_document):
    monkeypatch.setattr(verify_throttle, "PER_ADDRESS", 1)
    assert client.get(PATH, {"sha256": secrets.token_hex(32)}).status_code == 200
    refused = client.get(PATH, {"sha256": secrets.token_hex(32)})
    assert refused.status_code == 429
    assert_matches(api_document, refused.json(), PATH, 429)
    assert post_file(client, pdf_bytes("x")).status_code == 429
