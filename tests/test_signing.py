"""The organisation's signature (core/signing.py): PDFs signed over the whole file at
a given time, detached signatures over any bytes, both checked against the trusted
roots; a changed byte or an untrusted signer never checks as valid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from core import signing
from core.signing_demo import demo_identity_create

HTML = "<html lang='en'><head><title>Signed</title></head><body><p>Decision</p></body></html>"


@pytest.fixture(scope="module")
def pdf_bytes():
    from weasyprint import HTML as WeasyHTML

    return WeasyHTML(string=HTML).write_pdf()


def _flip_a_byte_inside(data: bytes, marker: bytes) -> bytes:
    at = data.index(marker) + len(marker) + 8
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_a_signed_pdf_checks_as_valid_with_its_reason_signer_and_time(pdf_bytes):
    signed_at = dt.datetime(2024, 3, 1, 14, 30, tzinfo=dt.UTC)
    signed = signing.pdf_sign(pdf_bytes, reason="PCD 1620 approved", signed_at=signed_at)

    assert signed.startswith(pdf_bytes)  # an incremental update: the rendering is kept
    check = signing.pdf_signature_check(signed)
    assert check is not None and check.valid and check.intact and check.trusted
    assert check.reason == "PCD 1620 approved"
    assert check.signer == "Test organisation DEMO document signing"
    assert check.signed_at == signed_at


def test_an_unsigned_pdf_has_no_signature_to_check(pdf_bytes):
    assert signing.pdf_signature_check(pdf_bytes) is None
    assert signing.pdf_signature_check(b"not a pdf at all") is None


def test_a_changed_byte_breaks_the_signature(pdf_bytes):
    signed = signing.pdf_sign(pdf_bytes, reason="x", signed_at=dt.datetime.now(dt.UTC))
    tampered = _flip_a_byte_inside(signed, b"stream\n")
    check = signing.pdf_signature_check(tampered)
    assert check is not None and not check.intact and not check.valid


def test_a_signer_outside_the_trusted_roots_is_not_trusted(pdf_bytes, settings, tmp_path):
    signed = signing.pdf_sign(pdf_bytes, reason="x", signed_at=dt.datetime.now(dt.UTC))
    other = demo_identity_create(tmp_path, organisation="Someone else")
    settings.SIGNING_TRUST_ROOTS = str(other.ca_certificate)

    check = signing.pdf_signature_check(signed)
    assert check is not None and check.intact and not check.trusted and not check.valid


def test_detached_signatures_check_only_against_the_bytes_signed():
    data = b"checkpoint 7: head abc, 12 events"
    signature = signing.detached_sign(data)

    check = signing.detached_check(data, signature)
    assert check.valid and check.signed_at is not None  # the signing time is in it
    assert not signing.detached_check(data + b" ", signature).valid
    assert not signing.detached_check(data, b"garbage").valid


def test_without_an_identity_signing_says_what_to_set(settings, pdf_bytes):
    settings.SIGNING_PKCS12 = ""
    with pytest.raises(signing.SignatureNotConfigured, match="SIGNING_PKCS12"):
        signing.pdf_sign(pdf_bytes, reason="x", signed_at=dt.datetime.now(dt.UTC))


def test_the_deploy_check_requires_an_identity(settings):
    from core.checks import signing_settings

    assert signing_settings(None) == []
    settings.SIGNING_PKCS12 = ""
    assert [problem.id for problem in signing_settings(None)] == ["core.E001"]


def test_the_demo_command_writes_an_identity_once(tmp_path, capsys):
    call_command("signing_demo_ca", str(tmp_path))
    first = (tmp_path / "demo-signing.p12").read_bytes()
    call_command("signing_demo_ca", str(tmp_path))
    assert (tmp_path / "demo-signing.p12").read_bytes() == first
    (ca,) = signing._read_certificates(str(tmp_path / "demo-ca.pem"))
    assert "DEMO" in signing.signer_name(ca)


def test_signing_works_where_an_event_loop_is_running(pdf_bytes):
    """As under an ASGI worker, or beside a browser driver in the same process."""
    import asyncio
    import concurrent.futures

    async def inside_a_loop():
        signed = signing.pdf_sign(pdf_bytes, reason="x", signed_at=dt.datetime.now(dt.UTC))
        signature = signing.detached_sign(b"data")
        return signing.pdf_signature_check(signed), signing.detached_check(b"data", signature)

    # On a thread of its own: this worker's thread may hold a browser test's loop.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pdf_check, detached = pool.submit(asyncio.run, inside_a_loop()).result()
    assert pdf_check.valid and detached.valid


def test_with_debug_a_missing_demo_identity_is_made_where_the_settings_expect_it(
    settings, tmp_path, pdf_bytes
):
    settings.SIGNING_PKCS12 = str(tmp_path / "demo" / "demo-signing.p12")
    settings.SIGNING_TRUST_ROOTS = str(tmp_path / "demo" / "demo-ca.pem")
    settings.DEBUG = False
    with pytest.raises(signing.SignatureNotConfigured):
        signing.pdf_sign(pdf_bytes, reason="x", signed_at=dt.datetime.now(dt.UTC))
    assert not (tmp_path / "demo").exists()

    settings.DEBUG = True
    signed = signing.pdf_sign(pdf_bytes, reason="x", signed_at=dt.datetime.now(dt.UTC))
    assert (tmp_path / "demo" / "demo-signing.p12").exists()
    assert signing.pdf_signature_check(signed).valid
