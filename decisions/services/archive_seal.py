"""The organisation's seal on an archived record's signed original.

An imported original is kept byte for byte: it is never re-signed (its own
signatures are as scanned). When it is brought in, the organisation adds a detached
CMS signature over its bytes (core.signing.detached_sign), stored beside it and
downloadable as a .p7s file, which anyone can check with the organisation's CA
certificate and no key of ours (`openssl cms -verify`, pyHanko).

The signature is not part of the record seal (decisions.digest.archive_seal). That
seal already covers the original's SHA-256, the very bytes the signature is over, so
it would add nothing to what the seal detects; and records brought in before seals
existed are sealed afterwards (`manage.py seal_archive`), which would change a record
seal after the fact, the one thing a record seal exists to show never happens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from core import signing
from core.audit import save_audited
from core.errors import DomainError, Messages
from decisions import policy
from decisions.models import ArchivedRecord
from decisions.services.pages import decision_pages_invalidate

SEAL_REASON = "Signed original sealed by the organisation"


@dataclass(frozen=True)
class DocumentSeal:
    signature: bytes  # DER, as a .p7s file holds it
    signer: str
    signed_at: dt.datetime


def document_seal_make(content: bytes) -> DocumentSeal:
    """The organisation's detached signature over `content`, with who made it and
    when as the signature itself says (read back by checking it)."""
    signature = signing.detached_sign(content)
    check = signing.detached_check(content, signature)
    if not check.intact or check.signed_at is None:
        raise signing.SignatureNotConfigured(
            f"The organisation's signature over an archived original did not check: {check.summary}"
        )
    return DocumentSeal(signature=signature, signer=check.signer, signed_at=check.signed_at)


def archive_seal_apply(archive: ArchivedRecord, seal: DocumentSeal) -> None:
    """Put `seal` on the (unsaved or locked) row; the caller saves it."""
    archive.document_seal = seal.signature
    archive.document_sealed_by = seal.signer
    archive.document_sealed_at = seal.signed_at


@transaction.atomic
def archived_record_seal(*, user: User, archive: ArchivedRecord) -> bool:
    """Seal an archived record's signed original brought in before seals existed
    (records managers). False if there is nothing to do: no original, or sealed
    already. An original that is not the file recorded is refused, never sealed."""
    if not policy.can_import(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    locked = (
        ArchivedRecord.objects.select_for_update(of=("self",))
        .select_related("decision__decision_type", "decision__published_document")
        .get(pk=archive.pk)
    )
    if locked.is_sealed or not locked.has_document:
        return False
    with locked.decision.published_document.file.open("rb") as stored:
        content = stored.read()
    if hashlib.sha256(content).hexdigest() != locked.document_sha256:
        raise DomainError(Messages.ARCHIVE_ORIGINAL_CHANGED, reference=locked.decision.reference)
    archive_seal_apply(locked, document_seal_make(content))
    save_audited(locked, user=user, reason=SEAL_REASON)
    # No event: the page (cached until an event of the decision) now shows the seal.
    decision_pages_invalidate(decisions=[locked.decision])
    return True
