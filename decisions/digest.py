"""What a signer signs, and the keyed seals that make the record tamper-evident.

Three layers, all HMAC-SHA256 with ``settings.AUDIT_HMAC_KEY`` (core/seals.py), a
key held outside the database, so nobody who can only write to the tables can
recompute any of them:

1. The **content digest** of a decision: everything that is signed or published
   (Part 1 with how its recommendations begin, Part 2, links, appendices with
   each file's SHA-256, deferral, declarations' statements and money, through
   the extensions), as canonical JSON. It is what a signature is over, so it
   stays meaningful on its own: each sign-off and each event stores the digest of
   the content at that moment, and the content still matches what was signed as
   long as today's digest equals theirs.
2. The **sign-off seal** on each SignOff row: the signature itself — decision,
   role, signer, name, title, statement, approval line, declared interests, time
   and the content digest signed. Changing a signer's name (or writing back a
   digest recomputed without the key) breaks it.
3. The **record seal** on the PublishedDocument: the published record as a whole
   — reference, approval time, the content digest at approval, every sign-off's
   seal and the SHA-256 of the PDF rendered then.

4. The **archive seal** on an ArchivedRecord (a decision taken before the system,
   with no signatures): reference, the time it is listed by and its content digest.

The event log and history tables are chained with the same key (events.py,
core/history.py); ``decisions.selectors.integrity`` checks all of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, prefetch_related_objects

from core.seals import seal, utc_text
from decisions import extensions
from decisions.models import (
    ArchivedRecord,
    Decision,
    LeadIn,
    PublishedDocument,
    Section,
    SignOff,
)


def related_rows(
    decision: Model, name: str, key: str, *, select: tuple[str, ...] = ()
) -> list[Any]:
    """Related rows in order: the prefetched ones when a page has them (no query),
    else one query, joining only `select` (`select_related()` with no names would
    join every foreign key of the row and of what it points to: a paragraph's
    section, decision, type and drafter, read for each paragraph and never used)."""
    if name in getattr(decision, "_prefetched_objects_cache", {}):
        return sorted(getattr(decision, name).all(), key=lambda row: getattr(row, key))
    rows = getattr(decision, name).order_by(key)
    return list(rows.select_related(*select) if select else rows)


def sections_with_paragraphs(decision: Decision) -> list[Section]:
    """The decision's sections in order, each with its paragraphs read (prefetched
    ones kept): one query for all their paragraphs, not one a section."""
    sections = related_rows(decision, "sections", "kind")
    prefetch_related_objects(sections, "paragraphs")
    return sections


def decision_content(decision: Decision) -> dict[str, Any]:
    part2 = getattr(decision, "part2", None) if decision.has_part2 else None
    return {
        "type": decision.decision_type.code,
        "reference": decision.reference,
        "title": decision.title,
        "executive_summary": decision.executive_summary,
        "recommendations": [r.text for r in related_rows(decision, "recommendations", "position")],
        # "approves:" rather than "is recommended to:" changes what is decided. The
        # default is left out so digests signed before the choice existed still match.
        **(
            {"recommendations_lead_in": decision.recommendations_lead_in}
            if decision.recommendations_lead_in != LeadIn.RECOMMENDED
            else {}
        ),
        "sections": [
            {
                "kind": section.kind,
                "paragraphs": [
                    [p.text, p.budget_table_follows]
                    for p in related_rows(section, "paragraphs", "position")
                ],
            }
            for section in sections_with_paragraphs(decision)
        ],
        "links": [
            [link.kind, link.target.reference, link.description]
            for link in related_rows(decision, "links_out", "pk", select=("target__decision_type",))
        ],
        # The file's SHA-256: what is signed is the document, not just its name.
        "appendices": [
            [a.title, a.published, a.file.name if a.file else "", a.sha256]
            for a in related_rows(decision, "appendices", "position")
        ],
        "deferral": [
            decision.deferred,
            decision.deferral_reason,
            decision.deferred_until.isoformat() if decision.deferred_until else None,
        ],
        "part2": [part2.content, part2.legal_rationale] if part2 else None,
        "declarations": [
            [d.kind, d.statement] for d in related_rows(decision, "declarations", "position")
        ],
        **extensions.decision_content(decision),
        # A decision taken before the system: what was published about it, and the
        # signed original's SHA-256 (absent for every other decision, whose digests
        # are unchanged).
        **({"archive": archive_content(archive)} if (archive := decision.archive) else {}),
    }


def archive_content(archive: ArchivedRecord) -> list[Any]:
    return [
        archive.decision_by,
        archive.date_signed.isoformat() if archive.date_signed else None,
        archive.date_published.isoformat() if archive.date_published else None,
        archive.source_url,
        archive.document_name,
        archive.document_sha256,
        archive.document_size,
    ]


def decision_content_digest(decision: Decision) -> str:
    return seal("content", decision_content(decision))


def sign_off_content(sign_off: SignOff) -> dict[str, Any]:
    return {
        "decision": sign_off.decision_id,
        "role": sign_off.role,
        "signer": sign_off.signer_id,
        "signer_name": sign_off.signer_name,
        "signer_title": sign_off.signer_title,
        "signed_at": utc_text(sign_off.signed_at),
        "statement": sign_off.statement,
        "approval_line": sign_off.approval_line,
        "interests": sign_off.interests,
        "content_digest": sign_off.content_digest,
    }


def sign_off_seal(sign_off: SignOff) -> str:
    return seal("signoff", sign_off_content(sign_off))


def record_content(
    decision: Decision, document: PublishedDocument, *, content_digest: str
) -> dict[str, Any]:
    sign_offs = related_rows(decision, "sign_offs", "role")
    return {
        "decision": decision.pk,
        "reference": decision.reference,
        "approved_at": utc_text(decision.approved_at),
        "content_digest": content_digest,
        "sign_offs": [[s.role, s.seal] for s in sign_offs],
        "pdf_sha256": document.sha256,
    }


def record_seal(decision: Decision, document: PublishedDocument, *, content_digest: str) -> str:
    return seal("record", record_content(decision, document, content_digest=content_digest))


def archive_seal(decision: Decision, *, content_digest: str) -> str:
    """The seal of an archived record as imported (it has no signatures, and maybe no
    PDF, to carry one): the decision, its reference, the time it is listed by and
    the content digest, which covers the archived fields and the PDF's SHA-256."""
    return seal(
        "archive",
        {
            "decision": decision.pk,
            "reference": decision.reference,
            "approved_at": utc_text(decision.approved_at),
            "content_digest": content_digest,
        },
    )
