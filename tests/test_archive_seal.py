"""Archived originals are sealed, not re-signed (decisions/services/archive_seal.py):
the organisation's detached signature over the original's bytes, made at import,
shown on the record's page, downloadable as .p7s and checked here by OpenSSL;
`manage.py seal_archive` seals records imported before seals existed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import signing
from core.dates import uk_date
from core.errors import DomainError, Messages
from core.page_cache import pages_invalidate_all
from decisions.models import ArchivedRecord
from decisions.services import decision_publication_withdraw
from decisions.services.archive import archived_decision_import
from decisions.services.archive_seal import archived_record_seal
from tests.archive_folder import good_rows, pdf_bytes
from tests.helpers import body_bytes, page_text

pytestmark = pytest.mark.django_db

ORIGINAL = pdf_bytes("PCD 1760", "Signed by the Deputy Mayor, scanned.")


def _import(user, *, document: bytes | None = ORIGINAL):
    row = good_rows()[0]
    return archived_decision_import(
        user=user, reference=row["reference"], title=row["title"],
        date_signed=dt.date.fromisoformat(row["date_signed"]),
        date_published=dt.date.fromisoformat(row["date_published"]),
        decision_by=row["decision_by"], summary=row["summary"],
        recommendations=row["recommendations"], document_bytes=document,
        document_name="pcd-1760.pdf" if document else "", source_url=row["source_url"],
    ).decision  # fmt: skip


def _unseal(decision) -> None:
    """Stand for a record imported before imports sealed originals."""
    ArchivedRecord.objects.filter(decision=decision).update(
        document_seal=b"", document_sealed_by="", document_sealed_at=None
    )


def _openssl_verify(content: bytes, seal: bytes, ca, tmp_path) -> subprocess.CompletedProcess:
    (tmp_path / "original.pdf").write_bytes(content)
    (tmp_path / "seal.p7s").write_bytes(seal)
    return subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", tmp_path / "seal.p7s", "-content", tmp_path / "original.pdf",
         "-CAfile", ca, "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, check=False,
    )  # fmt: skip


def test_an_imported_original_is_sealed_beside_it_and_never_re_signed(records_manager):
    decision = _import(records_manager)
    archive = ArchivedRecord.objects.get(decision=decision)
    stored = decision.published_document.file.read()

    assert stored == ORIGINAL  # kept byte for byte: no signature added to the PDF
    assert signing.pdf_signature_check(stored) is None
    assert decision.published_document.signed_by == ""
    assert archive.is_sealed
    check = signing.detached_check(ORIGINAL, bytes(archive.document_seal))
    assert check.valid
    assert archive.document_sealed_by == check.signer == signing.organisation_signer_name()
    assert archive.document_sealed_at == check.signed_at


def test_openssl_verifies_the_downloaded_seal_over_the_original(
    client, records_manager, demo_signing_identity, tmp_path
):
    decision = _import(records_manager)
    response = client.get(f"/decisions/{decision.slug}/pdf/seal/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkcs7-signature"
    assert response["Content-Disposition"] == 'attachment; filename="PCD-1760.pdf.p7s"'
    seal = body_bytes(response)
    original = body_bytes(client.get(f"/decisions/{decision.slug}/pdf/"))
    # The root certificate as a reader gets it: from the link beside the seal.
    page = client.get(f"/decisions/{decision.slug}/").content.decode()
    assert 'href="/verify/organisation-root.pem"' in page
    ca = tmp_path / "organisation-root.pem"
    ca.write_bytes(body_bytes(client.get("/verify/organisation-root.pem")))

    verified = _openssl_verify(original, seal, ca, tmp_path)
    assert verified.returncode == 0, verified.stderr.decode()
    assert b"Verification successful" in verified.stderr

    changed = original[:100] + bytes([original[100] ^ 0x01]) + original[101:]
    assert _openssl_verify(changed, seal, ca, tmp_path).returncode != 0


def test_the_page_says_who_sealed_the_original_and_when(client, records_manager):
    decision = _import(records_manager)
    archive = ArchivedRecord.objects.get(decision=decision)
    response = client.get(decision.get_absolute_url())
    text = page_text(response)
    assert (
        f"Sealed by {archive.document_sealed_by} on {uk_date(archive.document_sealed_at)} "
        "when it was brought into this system; the original’s own signatures are as scanned."
    ) in text
    assert f'href="/decisions/{decision.slug}/pdf/seal/"' in response.content.decode()
    assert "It is digitally signed by" not in text  # the original is not re-signed


def test_no_seal_to_download_without_a_sealed_public_original(client, records_manager):
    without_document = _import(records_manager, document=None)
    assert client.get(f"/decisions/{without_document.slug}/pdf/seal/").status_code == 404
    assert "Sealed by" not in page_text(client.get(without_document.get_absolute_url()))

    with_document = ArchivedRecord.objects.get(decision=_import_second(records_manager))
    decision = with_document.decision
    assert client.get(f"/decisions/{decision.slug}/pdf/seal/").status_code == 200
    decision_publication_withdraw(user=records_manager, decision=decision, reason="In error.")
    assert client.get(f"/decisions/{decision.slug}/pdf/seal/").status_code == 404


def _import_second(user):
    row = good_rows()[1]
    content = pdf_bytes(row["reference"])
    return archived_decision_import(
        user=user, reference=row["reference"], title=row["title"],
        date_signed=dt.date.fromisoformat(row["date_signed"]) if row["date_signed"] else None,
        date_published=(
            dt.date.fromisoformat(row["date_published"]) if row["date_published"] else None
        ),
        decision_by=row["decision_by"], summary=row["summary"],
        recommendations=row["recommendations"], document_bytes=content,
        document_name="second.pdf", source_url=row["source_url"],
    ).decision  # fmt: skip


def _seal_archive(user) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("seal_archive", "--user", user.username, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_the_command_seals_originals_imported_before_seals(client, records_manager):
    decision = _import(records_manager)
    _unseal(decision)
    pages_invalidate_all()
    assert "Sealed by" not in page_text(client.get(decision.get_absolute_url()))
    history_before = ArchivedRecord.history.filter(decision_id=decision.pk).count()

    later = timezone.now() + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        assert _seal_archive(records_manager) == (
            0,
            "1 archived original(s) sealed, 0 refused.\n",
        )
    archive = ArchivedRecord.objects.get(decision=decision)
    assert signing.detached_check(ORIGINAL, bytes(archive.document_seal)).valid
    assert archive.document_sealed_at == later.replace(microsecond=0)
    latest = ArchivedRecord.history.filter(decision_id=decision.pk).latest("history_id")
    assert ArchivedRecord.history.filter(decision_id=decision.pk).count() == history_before + 1
    assert latest.history_change_reason == "Signed original sealed by the organisation"
    assert latest.history_user == records_manager
    # The cached page is dropped: it now says when, and that it was later.
    assert (
        f"Sealed by {archive.document_sealed_by} on {uk_date(later)} after it was brought "
        f"into this system on {uk_date(archive.imported_at)}"
    ) in page_text(client.get(decision.get_absolute_url()))

    assert _seal_archive(records_manager) == (0, "0 archived original(s) sealed, 0 refused.\n")


def test_an_original_that_is_not_the_file_imported_is_never_sealed(records_manager):
    decision = _import(records_manager)
    _unseal(decision)
    document = decision.published_document
    with open(document.file.path, "wb") as stored:
        stored.write(ORIGINAL + b"%changed")
    code, out = _seal_archive(records_manager)
    assert code == 1
    assert f"{decision.reference}: not sealed: The stored original of {decision.reference}" in out
    assert not ArchivedRecord.objects.get(decision=decision).is_sealed
    assert hashlib.sha256(ORIGINAL).hexdigest() == decision.archive.document_sha256


def test_only_a_records_manager_seals(records_manager, officer):
    decision = _import(records_manager)
    _unseal(decision)
    with pytest.raises(DomainError) as refused:
        archived_record_seal(user=officer, archive=ArchivedRecord.objects.get(decision=decision))
    assert refused.value.template == Messages.ROLE_REQUIRED
    assert not ArchivedRecord.objects.get(decision=decision).is_sealed
    code, out = _seal_archive(officer)
    assert code != 0 and "is not a records manager" in out
