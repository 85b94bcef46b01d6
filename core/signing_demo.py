"""A demo certificate authority and signing certificate, for `make run` and the
tests: every name says DEMO, so a PDF signed with it can never pass for the real
organisation's. Never used when SIGNING_* settings name a real identity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_FILE = "demo-ca.pem"
PKCS12_FILE = "demo-signing.p12"
KEY_SIZE = 2048
CA_YEARS = 10
SIGNING_YEARS = 5


@dataclass(frozen=True)
class DemoIdentity:
    ca_certificate: Path
    pkcs12: Path


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(**allowed: bool) -> x509.KeyUsage:
    usages = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{usage: allowed.get(usage, False) for usage in usages})


def demo_identity_create(folder: Path, *, organisation: str) -> DemoIdentity:
    """Write a demo CA certificate (PEM) and a PKCS#12 file holding the signing key,
    its certificate and the CA's (no passphrase: it is a demo) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    demo_organisation = f"{organisation} (DEMO)"

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    ca_name = _name("Decision records DEMO CA - not for real use", demo_organisation)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )

    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{organisation} DEMO document signing", demo_organisation))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * SIGNING_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )

    identity = DemoIdentity(ca_certificate=folder / CA_FILE, pkcs12=folder / PKCS12_FILE)
    identity.ca_certificate.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    identity.pkcs12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"demo-signing", key, cert, [ca_cert], serialization.NoEncryption()
        )
    )
    identity.pkcs12.chmod(0o600)
    return identity
