"""Checking a document someone holds against the published record (/verify/ and the
API): which decision it is, whether that is still the published record, and, for a
file, its digital signature (core/signing.py).

Only what is public is ever found. A document of a decision that is not public (a
draft, a deferred or Part 2 decision, one withdrawn before it was due) gets exactly
the answer of a fingerprint that matches nothing: the answer never tells anyone that
such a decision exists. The words of every answer are in decisions/verify_words.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from core import signing
from decisions.models import ArchivedRecord, Decision
from decisions.selectors.integrity import published_record_problem
from decisions.selectors.public import decision_public_links, full_decision, link_prefetches
from decisions.selectors.published_files import record_verified, record_verified_remember
from decisions.selectors.related import CHANGED_BY


class Status:
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    NOT_PUBLISHED = "not_published"
    # Ours, but the stored record is not what was signed: withheld as its page is.
    UNAVAILABLE = "unavailable"


STATUSES = (Status.PUBLISHED, Status.WITHDRAWN, Status.NOT_PUBLISHED, Status.UNAVAILABLE)

# The first reference a signature's reason names: the decision it was made for.
_REASON_REFERENCE = re.compile(r"\b([A-Z]{2,10}) (\d{1,7})\b")


@dataclass(frozen=True)
class Signature:
    """A file's digital signature as checked; `present` False: it has none."""

    present: bool
    valid: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None


NO_SIGNATURE = Signature(present=False)


@dataclass(frozen=True)
class Change:
    """A later published decision that amended or superseded this one."""

    label: str  # "Amended by", "Superseded by"
    reference: str
    url: str
    on: dt.datetime  # when it was signed


@dataclass(frozen=True)
class Verification:
    sha256: str
    status: str
    # A file was checked (its signature too), not a fingerprint alone.
    from_file: bool
    decision: Decision | None = None
    changes: tuple[Change, ...] = ()
    withdrawn_at: dt.datetime | None = None
    withdrawal_reason: str = ""
    archived_on: dt.date | None = None
    archive_sealed: bool = False
    # A file's signature, when its answer may speak of it (see _signed_copy_of).
    signature: Signature | None = None
    # A file validly signed by the organisation for this published decision, whose
    # bytes are not the published ones (an earlier rendering, say).
    signed_copy_of: Decision | None = None

    @property
    def archived(self) -> bool:
        return self.archived_on is not None


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _public_by_sha256(sha256: str) -> Decision | None:
    """The published or withdrawn-after-publication decision whose published document
    (for an archived record, its signed original) has these bytes; one query."""
    matches = (
        Decision.objects.due()
        .filter(published_document__sha256=sha256)
        .with_type()
        .select_related("archived_record", "published_document")
        .order_by("publication_withdrawn_at", "pk")  # a published one first
    )
    return matches.first()


def _public_by_reference(reference: str) -> Decision | None:
    match = _REASON_REFERENCE.search(reference)
    if match is None:
        return None
    return (
        Decision.objects.published()
        .by_reference(match[1], int(match[2]))
        .with_type()
        .select_related("archived_record")
        .first()
    )


def _signature(check: signing.SignatureCheck | None) -> Signature | None:
    if check is None:
        return NO_SIGNATURE
    return Signature(
        present=True, valid=check.valid, signer=check.signer, signed_at=check.signed_at
    )


def _record_intact(decision: Decision) -> bool:
    """The published record is what was signed (as its page checks before showing
    it): a check remembered for a while, as the PDF's is."""
    document = decision.published_document
    if record_verified(document):
        return True
    full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    if published_record_problem(full) is not None:
        return False
    record_verified_remember(document)
    return True


def _changes(decision: Decision) -> tuple[Change, ...]:
    """As the decision's lifecycle lists them: published decisions only, oldest first."""
    prefetch_related_objects([decision], *link_prefetches())
    links = [
        link for link in decision_public_links(decision) if link.label in CHANGED_BY and link.href
    ]
    links.sort(key=lambda link: (link.decision.approved_at, link.decision.pk))
    return tuple(
        Change(
            label=link.label,
            reference=link.decision.reference,
            url=link.href,
            on=link.decision.approved_at,
        )
        for link in links
    )


def _archive_fields(decision: Decision) -> dict:
    archive: ArchivedRecord | None = decision.archive
    if archive is None:
        return {}
    return {"archived_on": archive.imported_at.date(), "archive_sealed": archive.is_sealed}


def _found(decision: Decision, *, sha256: str, signature: Signature | None) -> Verification:
    common = {"sha256": sha256, "from_file": signature is not None, "decision": decision}
    if decision.publication_withdrawn_at is not None:
        # What the withdrawn record's public page (410) shows: its date and reason.
        return Verification(
            **common,
            status=Status.WITHDRAWN,
            withdrawn_at=decision.publication_withdrawn_at,
            withdrawal_reason=decision.publication_withdrawal_reason,
            signature=signature,
        )
    if not _record_intact(decision):
        return Verification(sha256=sha256, status=Status.UNAVAILABLE, from_file=False,
                            decision=decision)  # fmt: skip
    return Verification(
        **common,
        status=Status.PUBLISHED,
        changes=_changes(decision),
        signature=signature,
        **_archive_fields(decision),
    )


def document_verify(*, content: bytes | None = None, sha256: str | None = None) -> Verification:
    """What the document with these bytes (or this SHA-256, 64 lower-case hex digits)
    is on the public record. Give one of the two."""
    if (content is None) == (sha256 is None):
        raise ValueError("Give the content or its SHA-256, not both.")
    from_file = content is not None
    sha256 = sha256_hex(content) if from_file else sha256
    check = signing.pdf_signature_check(content) if from_file else None
    decision = _public_by_sha256(sha256)
    if decision is not None:
        # A file's answer says whether it is signed; a fingerprint's cannot.
        signature = _signature(check) if from_file else None
        return _found(decision, sha256=sha256, signature=signature)
    named = _signed_copy_of(check)
    if named is not None:
        return Verification(sha256=sha256, status=Status.NOT_PUBLISHED, from_file=True,
                            signature=_signature(check), signed_copy_of=named)  # fmt: skip
    # Nothing public: the same answer whatever the bytes are (a made-up fingerprint,
    # a changed byte, or a document of a decision that is not public).
    return Verification(sha256=sha256, status=Status.NOT_PUBLISHED, from_file=from_file)


def _signed_copy_of(check: signing.SignatureCheck | None) -> Decision | None:
    """The published decision a validly signed file was signed for, by the reference
    its signature's reason names first, when its bytes match no published document.

    Only a published decision: the PDF of a deferred decision is signed at approval
    too, and saying "signed by us" about it would tell that it exists."""
    if check is None or not check.valid:
        return None
    return _public_by_reference(check.reason)
