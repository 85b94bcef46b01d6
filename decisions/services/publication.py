"""What happens when a decision becomes public: its search index, its PDF; and a
records manager taking a published record down again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVectorField
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from core import signing
from core.audit import save_audited
from core.errors import DomainError, Messages
from core.storage import store_once
from core.text import plain_text
from decisions import extensions, policy
from decisions.digest import (
    decision_content_digest,
    record_seal,
    related_rows,
    sections_with_paragraphs,
)
from decisions.models import (
    Decision,
    DecisionFinancialYear,
    DecisionSearch,
    PublishedDocument,
    SignOff,
)
from decisions.services.events import event_record
from decisions.workflow import State

logger = logging.getLogger(__name__)

WITHDRAW_PUBLICATION_ACTION = "withdraw_publication"
REASON_MAX_LENGTH = 2_000
SEARCH_CONFIG = "english"


def _search_parts(decision: Decision) -> tuple[str, str, str, str]:
    """Title, summary, body and an archived record's document text; from the content
    prefetched (full_decision), if it is."""
    body = [plain_text(r.text) for r in related_rows(decision, "recommendations", "position")]
    for section in sections_with_paragraphs(decision):
        body.append(section.heading)
        body += [plain_text(p.text) for p in related_rows(section, "paragraphs", "position")]
    # An archived record's signed original, as pdftotext read it: the least weight.
    archive = decision.archive
    document = archive.document_text if archive else ""
    return decision.title, plain_text(decision.executive_summary), "\n".join(body), document


# What Django's SearchVector(Value(part), weight=w, config=SEARCH_CONFIG), added up
# as `decision_search_index` did, compiles to; as text, which reads back the same. The
# D part (an archived record's PDF text) is empty for every other decision.
_VECTOR_SQL = "SELECT ({})::text".format(
    " || ".join(
        f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, COALESCE(%s, '')), '{weight}')"
        for weight in "ABCD"
    )
)


@dataclass(frozen=True)
class SearchEntry:
    """A decision's search row, worked out before it is stored: Part 1 as plain text
    and, on PostgreSQL, its weighted tsvector (as text)."""

    text: str
    vector: str | None
    value_pence: int = 0
    financial_years: frozenset[int] = frozenset()


def decision_search_entry(decision: Decision) -> SearchEntry:
    """The search row of `decision` as it now reads (one query on PostgreSQL, for the
    vector; none for the content if it is prefetched; the value as the extensions
    give it). Writes nothing: an approval works it out before it locks the row."""
    title, summary, body, document = _search_parts(decision)
    vector = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_VECTOR_SQL, [title, summary, body, document])
            vector = cursor.fetchone()[0]
    return SearchEntry(
        text="\n".join((title, summary, body, document) if document else (title, summary, body)),
        vector=vector,
        value_pence=extensions.decision_value_pence(decision),
        financial_years=frozenset(extensions.decision_financial_years(decision)),
    )


def decision_search_store(*, decision: Decision, entry: SearchEntry) -> None:
    """Write the decision's search row (derived data, not content: no history), new
    or replacing the one it had, in one statement; and its financial years, replacing
    any it had."""
    vector = None if entry.vector is None else Cast(Value(entry.vector), SearchVectorField())
    row = DecisionSearch(
        decision=decision, text=entry.text, vector=vector, value_pence=entry.value_pence
    )
    DecisionSearch.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["decision"],
        update_fields=["text", "vector", "value_pence"],
    )
    DecisionFinancialYear.objects.filter(decision=decision).exclude(
        financial_year__in=entry.financial_years
    ).delete()
    DecisionFinancialYear.objects.bulk_create(
        [
            DecisionFinancialYear(decision=decision, financial_year=year)
            for year in sorted(entry.financial_years)
        ],
        ignore_conflicts=True,
    )


def decision_search_index(*, decision: Decision) -> SearchEntry:
    """Store Part 1 as plain text and, on PostgreSQL, as a weighted tsvector, in the
    decision's own search row."""
    entry = decision_search_entry(decision)
    decision_search_store(decision=decision, entry=entry)
    return entry


def approval_signature_reason(decision: Decision, approver: SignOff | None) -> str:
    """The reason the organisation's digital signature gives: the decision and who
    approved it, as the sign-off prints them ("PCD 1620 approved by Sophie Linden,
    Deputy Mayor for Policing and Crime")."""
    if approver is None:  # a historical decision imported without its sign-offs
        return f"{decision.reference} approved"
    return f"{decision.reference} approved by {approver.signer_name}, {approver.signer_title}"


def _approver(decision: Decision) -> SignOff | None:
    """The final approver's signature (of the type's approving role), from the
    prefetched sign-offs."""
    sign_offs = list(decision.sign_offs.all())
    role = decision.decision_type.final_approver
    return next((s for s in sign_offs if s.role == role), sign_offs[-1] if sign_offs else None)


def approval_pdf_sign(content: bytes, *, decision: Decision, approver: SignOff | None) -> bytes:
    """`content` (the PDF/UA rendering) with the organisation's PAdES signature added
    as an incremental update (the tagged file is kept as rendered), at the approval
    time. Everything stored and sealed is of these bytes."""
    return signing.pdf_sign(
        content,
        reason=approval_signature_reason(decision, approver),
        signed_at=decision.approved_at,
    )


@dataclass(frozen=True)
class ApprovalPdf:
    """The PDF an approval will publish, rendered before the decision row is locked,
    and the digest of the content it shows."""

    content_digest: str
    content: bytes
    # Where `content` is stored already (approval_pdf_store), if it is.
    stored_name: str = ""


def approval_pdf_render(
    *, decision: Decision, sign_off: SignOff, approved_at: dt.datetime
) -> ApprovalPdf:
    """Render, holding no lock, the PDF of `decision` as it will be once approved at
    `approved_at` with `sign_off` (built, not saved) added to its signatures.

    `decision` is read with `full_decision`; nothing is written."""
    from decisions import pdf
    from decisions.selectors import decision_page, decision_public_links

    content_digest = decision_content_digest(decision)
    decision.state = State.APPROVED
    decision.approved_at = approved_at
    prefetched_sign_offs_set(
        decision, [s for s in decision.sign_offs.all() if s.role != sign_off.role] + [sign_off]
    )
    page = decision_page(decision, links=decision_public_links(decision))
    html = pdf.decision_pdf_html(page, draft=False)
    content = approval_pdf_sign(pdf.html_to_pdf(html), decision=decision, approver=sign_off)
    return ApprovalPdf(content_digest=content_digest, content=content)


def approval_pdf_store(*, decision: Decision, rendered: ApprovalPdf) -> ApprovalPdf:
    """Store the rendered PDF's bytes under their SHA-256 before the approval locks
    anything (a file write is the slowest part of publishing it). Written once and
    named by its content, the file is harmless if the approval then fails: only the
    PublishedDocument row, written under the lock, publishes it."""
    digest = hashlib.sha256(rendered.content).hexdigest()
    document = PublishedDocument(decision=decision, sha256=digest, size_bytes=len(rendered.content))
    store_once(document.file, ContentFile(rendered.content), sha256=digest)
    return dataclasses.replace(rendered, stored_name=document.file.name)


def prefetched_sign_offs_set(decision: Decision, sign_offs: list[SignOff]) -> None:
    """Stand `sign_offs` in for the prefetched ones, stored as Django's own prefetch
    stores them, so the page's signature blocks read them without a query."""
    queryset = SignOff.objects.filter(decision=decision)
    queryset._result_cache = sign_offs
    queryset._prefetch_done = True
    if not hasattr(decision, "_prefetched_objects_cache"):
        decision._prefetched_objects_cache = {}
    decision._prefetched_objects_cache["sign_offs"] = queryset


def decision_publish_pdf(*, decision: Decision) -> PublishedDocument:
    """Store the decision's PDF once with its SHA-256; never again. (An approval
    publishes the PDF it rendered before it locked the row: approval_pdf_publish.)"""
    from decisions import pdf
    from decisions.selectors import decision_page, decision_public_links, full_decision

    existing = PublishedDocument.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    page = decision_page(full, links=decision_public_links(full))
    html = pdf.decision_pdf_html(page, draft=False)
    content = approval_pdf_sign(pdf.html_to_pdf(html), decision=full, approver=_approver(full))
    digest = hashlib.sha256(content).hexdigest()
    document = PublishedDocument(decision=full, sha256=digest, size_bytes=len(content))
    # Under its SHA-256 (published/<sha256>.pdf), written once (core/storage.py).
    store_once(document.file, ContentFile(content), sha256=digest)
    return _published_document_save(document, content_digest=decision_content_digest(full))


def approval_pdf_publish(*, decision: Decision, rendered: ApprovalPdf) -> PublishedDocument:
    """Publish, in the approval's transaction, the PDF it rendered and stored before
    it locked the row (approval_pdf_render, approval_pdf_store). `decision`: the
    locked row, its signatures (the new one included) set as prefetched."""
    document = PublishedDocument(
        decision=decision,
        sha256=hashlib.sha256(rendered.content).hexdigest(),
        size_bytes=len(rendered.content),
    )
    document.file.name = rendered.stored_name  # these very bytes
    return _published_document_save(document, content_digest=rendered.content_digest)


def _published_document_save(
    document: PublishedDocument, *, content_digest: str
) -> PublishedDocument:
    document.signed_by = signing.organisation_signer_name()
    # Seals the record as published: content, approval, signatures and this PDF.
    document.record_seal = record_seal(document.decision, document, content_digest=content_digest)
    document.save()
    return document


def decision_on_approval(*, decision: Decision) -> None:
    """Everything approval makes final: the search index and the published PDF."""
    decision_search_index(decision=decision)
    decision_publish_pdf(decision=decision)


@transaction.atomic
def decision_publication_withdraw(*, user: User, decision: Decision, reason: str) -> Decision:
    """Take a published record off the public site, saying why (the page answers 410)."""
    locked = Decision.objects.select_for_update().with_type().get(pk=decision.pk)
    if not policy.can_withdraw_publication(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    if locked.state != State.APPROVED or locked.publication_withdrawn_at is not None:
        raise DomainError(
            Messages.ACTION_NOT_ALLOWED,
            reference=locked.reference or "This decision",
            state=locked.get_state_display().lower(),
            action="withdrawn from publication",
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(Messages.COMMENT_REQUIRED, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            Messages.TEXT_TOO_LONG, field="reason", label="The reason", limit=REASON_MAX_LENGTH
        )
    locked.publication_withdrawn_at = timezone.now()
    locked.publication_withdrawal_reason = reason
    save_audited(locked, user=user, reason="Publication withdrawn")
    event_record(
        decision=locked,
        user=user,
        action=WITHDRAW_PUBLICATION_ACTION,
        from_state=locked.state,
        to_state=locked.state,
        actor_role="records_manager",
        comment=reason,
    )
    return locked
