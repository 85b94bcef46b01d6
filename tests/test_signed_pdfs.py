"""Published PDFs carry the organisation's digital signature (decisions/services/
publication.py): checked here by tools outside the project — poppler's pdfsig with an
NSS database trusting the demo CA, and pyHanko's own command line — with the reason
naming the decision and its approver, the approval time, and the page unchanged."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from core import signing
from core.page_cache import pages_invalidate_all
from decisions.models import PublishedDocument
from decisions.services.publication import approval_signature_reason
from tests.helpers import body_bytes, page_text

needs_pdfsig = pytest.mark.skipif(
    not (shutil.which("pdfsig") and shutil.which("certutil")),
    reason="poppler-utils (pdfsig) and libnss3-tools (certutil) not installed",
)
PYHANKO = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "pyhanko"


def _flip_a_byte_inside(data: bytes, marker: bytes) -> bytes:
    at = data.index(marker) + len(marker) + 8
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _nss_database(folder: Path, *trusted: Path) -> Path:
    """An NSS certificate database (as pdfsig reads) trusting `trusted` CAs."""
    folder.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    for number, certificate in enumerate(trusted):
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{folder}", "-n", f"ca-{number}", "-t", "CT,C,C",
             "-i", str(certificate)],
            check=True,
        )  # fmt: skip
    return folder


def _pdfsig(nss: Path, data: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{hashlib.sha256(data).hexdigest()[:12]}.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, check=False
    )
    return done.stdout.decode()


@pytest.fixture
def published(client, pcd_1620) -> bytes:
    return body_bytes(client.get("/decisions/pcd-1620/pdf/"))


@needs_pdfsig
def test_pdfsig_finds_the_published_pdf_signed_and_the_demo_ca_trusted(
    published, demo_signing_identity, tmp_path
):
    nss = _nss_database(tmp_path / "nss", demo_signing_identity.ca_certificate)
    report = _pdfsig(nss, published, tmp_path)
    assert report.count("Signature #") == 1
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Total document signed" in report
    assert "Signature Type: ETSI.CAdES.detached" in report  # PAdES

    # The same file to a reader who trusts no such CA: intact, but not trusted.
    empty = _nss_database(tmp_path / "nss-empty")
    assert "Certificate is Trusted." not in _pdfsig(empty, published, tmp_path)

    tampered = _flip_a_byte_inside(published, b"stream\n")
    assert "Signature is Valid." not in _pdfsig(nss, tampered, tmp_path)


def test_pyhanko_validates_it_against_the_demo_ca_and_refuses_a_changed_byte(
    published, demo_signing_identity, tmp_path
):
    def validate(data: bytes) -> subprocess.CompletedProcess:
        path = tmp_path / "validate.pdf"
        path.write_bytes(data)
        return subprocess.run(
            [PYHANKO, "sign", "validate", "--trust", demo_signing_identity.ca_certificate,
             "--trust-replace", "--no-revocation-check", path],
            capture_output=True, check=False,
        )  # fmt: skip

    valid = validate(published)
    assert valid.returncode == 0, valid.stderr.decode()
    assert valid.stdout.decode().strip().endswith(":INTACT:TRUSTED,UNTOUCHED")

    tampered = validate(_flip_a_byte_inside(published, b"stream\n"))
    assert tampered.returncode != 0
    assert ":INVALID" in tampered.stdout.decode()


def test_the_signature_names_the_decision_its_approver_and_the_approval_time(published, pcd_1620):
    approver = pcd_1620.sign_offs.get(role=pcd_1620.decision_type.final_approver)
    check = signing.pdf_signature_check(published)
    assert check is not None and check.valid
    assert check.reason == (
        f"{pcd_1620.reference} approved by {approver.signer_name}, {approver.signer_title}"
    )
    assert check.reason == approval_signature_reason(pcd_1620, approver)
    # CMS signing time is to the second.
    assert check.signed_at == pcd_1620.approved_at.replace(microsecond=0)
    assert check.signer == signing.signer_name(signing.signer().signing_cert)


def test_the_stored_digest_is_of_the_signed_bytes(client, published, pcd_1620):
    document = PublishedDocument.objects.get(decision=pcd_1620)
    assert (
        document.sha256
        == hashlib.sha256(published).hexdigest()
        == client.get("/decisions/pcd-1620/pdf/")["ETag"].strip('"')
    )
    assert document.size_bytes == len(published)


def test_every_published_demo_pdf_is_signed(demo):
    documents = list(PublishedDocument.objects.select_related("decision"))
    assert documents
    for document in documents:
        if document.decision.archive is not None:
            continue  # an imported original is sealed beside it, not re-signed
        with document.file.open("rb") as stored:
            check = signing.pdf_signature_check(stored.read())
        assert check is not None and check.valid, document.decision


@needs_pdfsig
def test_the_signature_is_invisible_the_page_looks_as_rendered(published, tmp_path):
    # The signature is an incremental update: the rendering is the file up to its
    # first end-of-file mark, on its own a complete PDF.
    end = published.index(b"%%EOF") + len(b"%%EOF\n")
    rendering = published[:end]
    assert signing.pdf_signature_check(rendering) is None

    def first_page_png(data: bytes, name: str) -> bytes:
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
             tmp_path / f"{name}.pdf", tmp_path / name],
            check=True,
        )  # fmt: skip
        return (tmp_path / f"{name}.png").read_bytes()

    assert first_page_png(published, "signed") == first_page_png(rendering, "rendered")


def test_the_page_says_who_signed_the_pdf_and_where_to_verify_it(client, pcd_1620):
    document = PublishedDocument.objects.get(decision=pcd_1620)
    assert document.signed_by == signing.organisation_signer_name()
    response = client.get("/decisions/pcd-1620/")
    text = page_text(response)
    assert f"It is digitally signed by {document.signed_by}:" in text
    assert "upload it on the Verify a document page, which checks the signature too" in text
    assert 'href="/verify/"' in response.content.decode()

    # A PDF published before PDFs were signed is not said to be signed.
    PublishedDocument.objects.filter(pk=document.pk).update(signed_by="")
    pages_invalidate_all()
    text = page_text(client.get("/decisions/pcd-1620/"))
    assert "digitally signed" not in text and "checks the signature" not in text
    assert "upload it on the Verify a document page." in text
