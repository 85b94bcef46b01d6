"""The organisation's digital signature (pyHanko): signing published PDFs (PAdES),
signing other bytes with a detached CMS signature (archived originals, audit
checkpoints), and checking either against the trusted roots.

The signing identity comes from settings, never from the database:
``SIGNING_PKCS12`` (+ ``SIGNING_PKCS12_PASSPHRASE``), or ``SIGNING_KEY`` +
``SIGNING_CERT`` (+ ``SIGNING_CHAIN``, ``SIGNING_KEY_PASSPHRASE``). Checks trust
``SIGNING_TRUST_ROOTS`` (PEM or DER certificate files), or, when that is unset, the
self-signed certificates of the signer's own chain. ``SIGNING_TSA_URL`` adds an
RFC 3161 timestamp from that authority. ``manage.py signing_demo_ca`` makes a demo
CA and signing certificate, clearly named as a demo, for `make run` and tests.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import io
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

DIGEST = "sha256"
# The signature field every published PDF carries (one signature: the organisation's).
FIELD_NAME = "OrganisationSignature"


class SignatureNotConfigured(ImproperlyConfigured):
    pass


def _run(make_coroutine):
    """Run pyHanko's coroutine to its end from synchronous code. pyHanko's own sync
    wrappers call asyncio.run, which refuses to start inside a thread whose event
    loop is running (an ASGI worker, or a browser driver in the same process): there,
    the coroutine runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


@dataclass(frozen=True)
class SignatureCheck:
    """What a check of a signature found. `intact`: the signed bytes are unchanged;
    `trusted`: the signer's certificate chains to a trusted root; `valid`: both, and
    the signature itself verifies (for a PDF, over the whole file)."""

    intact: bool
    trusted: bool
    valid: bool
    signer: str
    signed_at: dt.datetime | None
    reason: str = ""
    summary: str = ""


def _settings_key() -> tuple:
    names = (
        "SIGNING_PKCS12",
        "SIGNING_PKCS12_PASSPHRASE",
        "SIGNING_KEY",
        "SIGNING_CERT",
        "SIGNING_CHAIN",
        "SIGNING_KEY_PASSPHRASE",
    )
    values = tuple(getattr(settings, name, "") or "" for name in names)
    # A file replaced in place (a renewed certificate) is read again.
    mtimes = tuple(
        os.stat(path).st_mtime_ns if path and os.path.exists(path) else 0
        for path in (values[0], values[2], values[3])
    )
    return values + mtimes


def is_configured() -> bool:
    return bool(settings.SIGNING_PKCS12 or (settings.SIGNING_KEY and settings.SIGNING_CERT))


def signer() -> signers.SimpleSigner:
    """The organisation's signer, loaded once per process and settings. With DEBUG,
    the demo identity is made where the settings expect it if it is not there yet
    (any local command that approves, as `make run` does with signing_demo_ca)."""
    _demo_identity_made_if_missing()
    if not is_configured():
        raise SignatureNotConfigured(
            "No signing identity: set SIGNING_PKCS12 (and SIGNING_PKCS12_PASSPHRASE), or "
            "SIGNING_KEY and SIGNING_CERT. `manage.py signing_demo_ca` makes a demo one."
        )
    return _signer(_settings_key())


class _KeyParsedOnce(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every signature it
    makes, two per PDF (the size estimate, then the real one); cryptography checks an
    RSA key as it parses it, about 0.1 s each. This signer keeps the parsed key."""

    @functools.cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        try:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:  # a mechanism asn1crypto cannot name: pyHanko's way
            mechanism = ""
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        # PSS, EC and the others: pyHanko's own (parsing each time).
        return super().sign_raw(data, digest_algorithm)


def _demo_identity_made_if_missing() -> None:
    from core.signing_demo import PKCS12_FILE, demo_identity_create

    path = Path(settings.SIGNING_PKCS12) if settings.SIGNING_PKCS12 else None
    if settings.DEBUG and path is not None and path.name == PKCS12_FILE and not path.exists():
        demo_identity_create(path.parent, organisation=settings.ORGANISATION_NAME)


@functools.lru_cache(maxsize=4)
def _signer(key: tuple) -> signers.SimpleSigner:
    pkcs12, pkcs12_passphrase, key_path, cert_path, chain, key_passphrase = key[:6]
    if pkcs12:
        loaded = signers.SimpleSigner.load_pkcs12(
            pkcs12, passphrase=pkcs12_passphrase.encode() if pkcs12_passphrase else None
        )
    else:
        loaded = signers.SimpleSigner.load(
            key_path,
            cert_path,
            ca_chain_files=tuple(p.strip() for p in chain.split(",") if p.strip()),
            key_passphrase=key_passphrase.encode() if key_passphrase else None,
        )
    if loaded is None:
        raise SignatureNotConfigured("The signing key or certificate could not be read.")
    return _KeyParsedOnce(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )


def _read_certificates(path: str) -> list[asn1_x509.Certificate]:
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


def trust_roots() -> list[asn1_x509.Certificate]:
    """The roots a signature must chain to: SIGNING_TRUST_ROOTS, or the self-signed
    certificates the signer carries."""
    paths = [p.strip() for p in (settings.SIGNING_TRUST_ROOTS or "").split(",") if p.strip()]
    if paths:
        return [cert for path in paths for cert in _read_certificates(path)]
    own = signer()
    chain = [own.signing_cert, *own.cert_registry]
    return [cert for cert in chain if cert.self_signed in ("yes", "maybe")]


def trust_roots_pem() -> bytes:
    """The trusted roots as PEM, for anyone to check our signatures with their own
    tools (pdfsig, OpenSSL, pyHanko, verify_checkpoints)."""
    return b"".join(pem.armor("CERTIFICATE", cert.dump()) for cert in trust_roots())


def validation_context() -> ValidationContext:
    # Revocation is not checked: the demo CA and most organisations' document
    # signing CAs publish no OCSP responder reachable from here; a withdrawn record is
    # reported from the record itself (/verify/), not from the certificate.
    return ValidationContext(trust_roots=trust_roots(), allow_fetching=False)


def signer_name(certificate: asn1_x509.Certificate) -> str:
    subject = certificate.subject.native
    return subject.get("common_name") or subject.get("organization_name") or ""


def organisation_signer_name() -> str:
    """The name the organisation's signing certificate gives (what a PDF reader shows
    as the signer)."""
    return signer_name(signer().signing_cert)


class _SignerAt(signers.PdfSigner):
    """A PdfSigner whose signature time is given (the approval's), not the clock's:
    pyHanko takes it from the signing session, which has no public parameter for it."""

    def __init__(self, *args, signed_at: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._signed_at = signed_at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signed_at
        return session


def _timestamper() -> timestamps.TimeStamper | None:
    url = getattr(settings, "SIGNING_TSA_URL", "")
    return timestamps.HTTPTimeStamper(url) if url else None


def pdf_sign(content: bytes, *, reason: str, signed_at: dt.datetime) -> bytes:
    """`content` (a PDF) with the organisation's PAdES signature over the whole file
    added as an incremental update, so the tagged structure stays as rendered."""
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        name=organisation_signer_name(),
        md_algorithm=DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    pdf_signer = _SignerAt(
        metadata,
        signer(),
        timestamper=_timestamper(),
        # An invisible field: the printed signature blocks are the record's own.
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME),
        signed_at=signed_at,
    )
    output = _run(lambda: pdf_signer.async_sign_pdf(writer))
    return output.getvalue()


def pdf_signature_check(content: bytes) -> SignatureCheck | None:
    """The check of the last signature in a PDF; None if it has none (or is not a
    PDF pyHanko can read)."""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # any unreadable upload is simply "no signature"
        return None
    if not embedded:
        return None
    signature = embedded[-1]
    context = validation_context()
    try:
        status = _run(lambda: async_validate_pdf_signature(signature, context))
    except Exception as error:  # a signature too damaged to validate is not valid
        return SignatureCheck(
            intact=False, trusted=False, valid=False, signer="", signed_at=None, summary=str(error)
        )
    whole_file = status.coverage == status.coverage.__class__.ENTIRE_FILE
    reason = signature.sig_object.get("/Reason", "")
    return SignatureCheck(
        intact=status.intact,
        trusted=status.trusted,
        valid=bool(status.intact and status.valid and status.trusted and whole_file),
        signer=signer_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        reason=str(reason),
        summary=status.summary(),
    )


def detached_sign(data: bytes) -> bytes:
    """A detached CMS signature (DER) over `data`, with the signing time."""
    own = signer()
    signed = _run(
        lambda: own.async_sign_general_data(
            data,
            DIGEST,
            detached=True,
            timestamper=_timestamper(),
            # pyHanko adds no signingTime attribute unless asked.
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC)),
        )
    )
    return signed.dump()


def detached_check(data: bytes, signature: bytes) -> SignatureCheck:
    """The check of a detached CMS signature (as detached_sign makes) over `data`."""
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        context = validation_context()
        status = _run(
            lambda: async_validate_detached_cms(
                data, signed_data, signer_validation_context=context
            )
        )
    except Exception as error:  # a malformed signature fails the check
        return SignatureCheck(
            intact=False, trusted=False, valid=False, signer="", signed_at=None, summary=str(error)
        )
    return SignatureCheck(
        intact=status.intact,
        trusted=status.trusted,
        valid=bool(status.intact and status.valid and status.trusted),
        signer=signer_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        summary=status.summary(),
    )
