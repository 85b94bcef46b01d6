"""The public document check, /verify/ (decisions/selectors/verify.py, the page and its
words): which published decision a PDF or SHA-256 is, whether it is still the published
record, withdrawn (date and reason), its signature; and the same answer as a made-up
fingerprint for anything not public. Nothing uploaded is kept; checks are throttled.

Signed PDFs are signed here with core.signing.pdf_sign, so the tests hold whether or
not approval signs the PDFs it publishes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from core import signing
from core.dates import uk_date, uk_datetime
from core.signing_demo import demo_identity_create
from decisions import verify_throttle
from decisions import verify_words as words
from decisions.models import Decision
from decisions.services.archive import archived_decision_import
from tests.archive_folder import pdf_bytes
from tests.factories import (
    approved_decision,
    deferred_decision,
    publication_withdrawn_decision,
)
from tests.helpers import body_bytes, page_text

SIGNER = "Test organisation DEMO document signing"  # tests/conftest.py's demo identity


def sign_pdf(content: bytes, *, reason: str, signed_at: dt.datetime | None = None) -> bytes:
    return signing.pdf_sign(content, reason=reason, signed_at=signed_at or timezone.now())


def stored_pdf(decision: Decision) -> bytes:
    document = Decision.objects.get(pk=decision.pk).published_document
    with document.file.open("rb") as opened:
        return opened.read()


def upload(client, content: bytes, name: str = "copy.pdf"):
    return client.post("/verify/", {"file": SimpleUploadedFile(name, content)})


def answer_text(response) -> str:
    """The answer's visible text within the page's main column, the fingerprint shown
    replaced (so answers about different bytes can be compared)."""
    text = page_text(response)
    main = text[text.index("Verify a document Answer") :]
    return main


def without(text: str, *fingerprints: str) -> str:
    for fingerprint in fingerprints:
        text = text.replace(fingerprint, "<sha256>")
    return text


def flip_a_byte(data: bytes) -> bytes:
    at = len(data) // 2
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Published, amended, withdrawn ------------------------------------------------------


def test_a_published_pdf_is_named_current_and_amended_with_links(client, pcd_1406, pcd_1620):
    content = stored_pdf(pcd_1406)
    response = upload(client, content)

    assert response.status_code == 200
    text = answer_text(response)
    assert f"This is the published record of {pcd_1406.reference}" in text
    assert "It is the current published version" in text
    # PCD 1620 amended it: said with its date and a link to it.
    assert f"Amended by {pcd_1620.reference} on {uk_date(pcd_1620.approved_at)}." in text
    body = response.content.decode()
    assert f'href="{pcd_1620.get_absolute_url()}">{pcd_1620.reference}</a>' in body
    assert (
        f'This is <a class="govuk-link" href="{pcd_1406.get_absolute_url()}">'
        f"{pcd_1406.reference}</a>: {escape(pcd_1406.title)}."
    ) in body
    # Signed by approval or not (whichever the PDFs are), the answer says which.
    check = signing.pdf_signature_check(content)
    if check is None:
        assert "The file has no digital signature" in text
    else:
        assert f"Its digital signature is valid: signed by {check.signer}" in text
    assert sha(content) in text
    # Its fingerprint alone: the same decision, and a signature needs the file.
    by_hash = answer_text(client.get("/verify/", {"sha256": sha(content)}))
    assert f"This is the published record of {pcd_1406.reference}" in by_hash
    assert words.NO_SIGNATURE_ON_A_FINGERPRINT in by_hash


def test_a_changed_byte_is_not_a_document_this_body_published(client, pcd_1620):
    content = flip_a_byte(stored_pdf(pcd_1620))
    text = answer_text(upload(client, content))

    assert "This is not a document we published" in text
    assert pcd_1620.reference not in text and pcd_1620.title not in text


def test_a_withdrawn_record_is_reported_with_its_date_and_reason(client, officer, records_manager):
    withdrawn = publication_withdrawn_decision(
        user=officer, records_manager=records_manager, reason="Published with an error.",
        title="A record taken down",
    )  # fmt: skip
    content = stored_pdf(withdrawn)

    for response in (upload(client, content), client.get("/verify/", {"sha256": sha(content)})):
        text = answer_text(response)
        assert f"This is {withdrawn.reference}, which has been withdrawn" in text
        assert f"withdrawn from this site on {uk_date(withdrawn.publication_withdrawn_at)}" in text
        assert "Reason: Published with an error." in text
        assert "It is no longer the published record." in text
        # As the withdrawn record's own page: no title.
        assert "A record taken down" not in text


# --- Never revealing what is not public ------------------------------------------------


def test_a_deferred_decisions_pdf_gets_the_answer_of_a_random_one(client, officer):
    deferred = approved_decision(
        user=officer,
        decision=deferred_decision(user=officer, until=timezone.localdate() + dt.timedelta(30)),
    )
    content = stored_pdf(deferred)
    unknown = pdf_bytes("Nobody published this.")
    made_up = secrets.token_hex(32)

    # The file, and its fingerprint: word for word what an unknown one gets.
    assert without(answer_text(upload(client, content)), sha(content)) == without(
        answer_text(upload(client, unknown)), sha(unknown)
    )
    by_hash = answer_text(client.get("/verify/", {"sha256": sha(content)}))
    assert without(by_hash, sha(content)) == without(
        answer_text(client.get("/verify/", {"sha256": made_up})), made_up
    )
    assert deferred.reference not in by_hash
    # Signed by the organisation for the deferred decision (as approval may sign it):
    # still nothing said about it, not even the signature.
    signed = sign_pdf(
        pdf_bytes("Deferred"), reason=f"{deferred.reference} approved", signed_at=timezone.now()
    )
    assert without(answer_text(upload(client, signed)), sha(signed)) == without(
        answer_text(upload(client, unknown)), sha(unknown)
    )


def test_a_draft_preview_pdf_is_not_a_published_document(client, officer):
    from tests.factories import complete_draft

    draft = complete_draft(user=officer, title="A draft nobody outside has seen")
    client.force_login(officer)
    preview = client.get(f"/work/decisions/{draft.pk}/preview.pdf")
    content = b"".join(preview.streaming_content) if preview.streaming else preview.content
    client.logout()

    text = answer_text(upload(client, content))
    assert "This is not a document we published" in text
    assert "A draft nobody outside" not in text


# --- Digital signatures -----------------------------------------------------------------


def _archived_signed(records_manager, *, reference: str, signed_at: dt.datetime) -> tuple:
    original = sign_pdf(
        pdf_bytes("The signed original"), reason=f"{reference} approved", signed_at=signed_at
    )
    decision = archived_decision_import(
        user=records_manager, reference=reference, title="An archived grant",
        date_signed=dt.date(2019, 5, 1), date_published=dt.date(2019, 5, 8),
        decision_by="A. Person, Deputy Mayor for Policing and Crime", summary="",
        recommendations="", document_bytes=original, document_name="original.pdf",
        source_url="",
    ).decision  # fmt: skip
    return decision, original


def test_a_validly_signed_archived_original_names_its_signer_and_time(client, records_manager):
    signed_at = dt.datetime(2024, 3, 1, 14, 30, tzinfo=dt.UTC)
    decision, original = _archived_signed(records_manager, reference="PCD 301", signed_at=signed_at)
    archive = decision.archived_record

    text = answer_text(upload(client, original))
    assert "This is the published record of PCD 301" in text
    assert f"brought into it on {uk_date(archive.imported_at)}" in text
    assert (
        f"Its digital signature is valid: signed by {SIGNER} on {uk_datetime(signed_at)}." in text
    )
    # Found by its original's SHA-256, as recorded when it was brought in.
    by_hash = answer_text(client.get("/verify/", {"sha256": archive.document_sha256}))
    assert "This is the published record of PCD 301" in by_hash


def test_a_signed_pdf_that_is_not_the_published_one_is_said_to_be_so(client, pcd_1620):
    signed_at = timezone.now()
    earlier = sign_pdf(
        pdf_bytes("An earlier rendering"), reason=f"{pcd_1620.reference} approved",
        signed_at=signed_at,
    )  # fmt: skip
    response = upload(client, earlier)

    text = answer_text(response)
    assert "Validly signed, but not the published version of any decision" in text
    assert f"signed by {SIGNER} on {uk_datetime(signed_at)}, for {pcd_1620.reference}." in text
    assert f'href="{pcd_1620.get_absolute_url()}">the page of {pcd_1620.reference}</a>' in (
        response.content.decode()
    )


def test_a_signature_by_someone_else_or_broken_says_nothing(client, pcd_1620, tmp_path, settings):
    unknown = pdf_bytes("Nobody published this.")
    random_answer = without(answer_text(upload(client, unknown)), sha(unknown))
    signed = sign_pdf(
        pdf_bytes("Copy"), reason=f"{pcd_1620.reference} approved", signed_at=timezone.now()
    )
    tampered = flip_a_byte(signed)
    assert without(answer_text(upload(client, tampered)), sha(tampered)) == random_answer
    # The same file, once its signer is no longer one we trust.
    settings.SIGNING_TRUST_ROOTS = str(
        demo_identity_create(tmp_path, organisation="Other").ca_certificate
    )
    assert without(answer_text(upload(client, signed)), sha(signed)) == random_answer


# --- The fingerprint as typed, and bad input --------------------------------------------


def test_a_fingerprint_in_capitals_with_spaces_is_read(client, pcd_1620):
    fingerprint = pcd_1620.published_document.sha256
    typed = "  " + " ".join(fingerprint.upper()[i : i + 8] for i in range(0, 64, 8)) + " "

    text = answer_text(client.get("/verify/", {"sha256": typed}))
    assert f"This is the published record of {pcd_1620.reference}" in text
    assert fingerprint in text


def _error_beside(response, field_id: str, message: str) -> None:
    body = response.content.decode()
    assert response.status_code == 200
    error = body.index(f'id="{field_id}-error"')
    assert message in page_text(body[error : body.index("</p>", error)])
    assert f'href="#{field_id}">{message}</a>' in body  # and in the summary, linked


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", words.SHA256_REQUIRED),
        ("   ", words.SHA256_REQUIRED),
        ("abc", words.SHA256_INVALID),
        ("g" * 64, words.SHA256_INVALID),
        ("a" * 63, words.SHA256_INVALID),
        ("a" * 65, words.SHA256_INVALID),
    ],
)
def test_a_bad_fingerprint_is_refused_beside_the_field(client, db, typed, message):
    _error_beside(client.get("/verify/", {"sha256": typed}), "id_sha256", message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, words.FILE_REQUIRED),
        (b"", words.FILE_EMPTY),
        (b"PK\x03\x04 a Word file, not a PDF", words.FILE_NOT_PDF),
    ],
)
def test_a_bad_file_is_refused_beside_the_field(client, db, content, message):
    data = {} if content is None else {"file": SimpleUploadedFile("x.pdf", content)}
    _error_beside(client.post("/verify/", data), "id_file", message)


def test_a_file_over_the_limit_is_refused(client, db, monkeypatch):
    content = pdf_bytes("Large enough")
    monkeypatch.setattr(words, "UPLOAD_MAX_BYTES", len(content) - 1)
    _error_beside(upload(client, content), "id_file", words.FILE_TOO_LARGE)
    monkeypatch.setattr(words, "UPLOAD_MAX_BYTES", len(content))
    assert "Answer" in page_text(upload(client, content))


# --- Nothing kept, and throttled --------------------------------------------------------


def _rows() -> dict[str, int]:
    return {model._meta.db_table: model._default_manager.count() for model in apps.get_models()}


def _files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_nothing_uploaded_is_kept(client, pcd_1620, settings, tmp_path):
    # Larger than Django keeps in memory, so it goes through a temporary file too.
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    large = stored_pdf(pcd_1620) + b"%" + b"x" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1)
    media = _files(settings.MEDIA_ROOT)
    rows = _rows()

    for content in (stored_pdf(pcd_1620), large, pdf_bytes("Unknown")):
        assert upload(client, content).status_code == 200
    assert client.get("/verify/", {"sha256": secrets.token_hex(32)}).status_code == 200
    assert (
        client.post("/api/verify/", {"file": SimpleUploadedFile("a.pdf", large)}).status_code == 200
    )

    assert _files(settings.MEDIA_ROOT) == media
    assert _files(tmp_path / "uploads") == []
    after = _rows()
    # The cache table holds the throttle's count (a number per address), nothing else.
    changed = {table for table in rows if rows[table] != after[table]}
    assert changed <= {"django_cache"}, changed


def test_checks_are_throttled_per_address_across_page_and_api(client, pcd_1620, monkeypatch):
    monkeypatch.setattr(verify_throttle, "PER_ADDRESS", 3)
    fingerprint = pcd_1620.published_document.sha256
    assert client.get("/verify/", {"sha256": fingerprint}).status_code == 200
    assert client.get("/api/verify/", {"sha256": fingerprint}).status_code == 200
    assert upload(client, stored_pdf(pcd_1620)).status_code == 200

    refused = client.get("/verify/", {"sha256": fingerprint})
    assert refused.status_code == 429
    assert words.TOO_MANY in page_text(refused)
    assert pcd_1620.title not in page_text(refused)
    assert upload(client, stored_pdf(pcd_1620)).status_code == 429
    api = client.get("/api/verify/", {"sha256": fingerprint})
    assert api.status_code == 429 and api.json() == {"errors": {"detail": [words.TOO_MANY]}}
    # Another address is counted apart; bad input is not counted at all.
    other = client.get("/verify/", {"sha256": fingerprint}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_the_page_is_linked_from_the_footer_the_decision_and_open_data(client, pcd_1620):
    for address in ("/decisions/", pcd_1620.get_absolute_url(), "/open-data/"):
        assert 'href="/verify/"' in client.get(address).content.decode(), address
    form = client.get("/verify/")
    assert form.status_code == 200
    assert "We do not keep the file you upload" in page_text(form)
    assert form["Cache-Control"].startswith("max-age=0")
    # As the privacy notice says: no cookie, for the form or an answer.
    answer = upload(client, stored_pdf(pcd_1620))
    assert "This is the published record" in page_text(answer)
    assert not form.cookies and not answer.cookies


def test_the_upload_needs_no_csrf_token(pcd_1620):
    # It changes nothing: a form from anywhere (or curl) may ask.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert "This is the published record" in page_text(upload(strict, stored_pdf(pcd_1620)))


def test_a_record_altered_since_it_was_signed_is_not_vouched_for(client, officer):
    from django.db import connection

    from decisions.selectors.published_files import verified_forget

    decision = approved_decision(user=officer, title="A grant as approved")
    fingerprint = stored_pdf(decision)
    # As an attacker with the database would: the stored title rewritten.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_decision SET title = 'Forged' WHERE id = %s", [decision.pk]
        )
    verified_forget()

    text = answer_text(client.get("/verify/", {"sha256": sha(fingerprint)}))
    assert f"{decision.reference} cannot be checked at the moment" in text
    assert "Forged" not in text and "It is the current published version" not in text


def test_the_root_certificate_is_published_for_checking_signatures_offline(
    client, settings, demo_signing_identity
):
    response = client.get("/verify/organisation-root.pem")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert "organisation-root.pem" in response["Content-Disposition"]
    # The configured roots, byte for byte as PEM.
    assert body_bytes(response) == demo_signing_identity.ca_certificate.read_bytes()
    assert 'href="/verify/organisation-root.pem"' in client.get("/verify/").content.decode()

    # Without SIGNING_TRUST_ROOTS: the self-signed certificate the signer carries, the
    # same demo CA here.
    settings.SIGNING_TRUST_ROOTS = ""
    assert body_bytes(client.get("/verify/organisation-root.pem")) == (
        demo_signing_identity.ca_certificate.read_bytes()
    )
