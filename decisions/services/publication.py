"""What happens when a decision becomes public: its search index, its PDF; and a
records manager taking a published record down again."""

from __future__ import annotations

import hashlib

from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone

from accounts.models import User
from core.audit import save_audited
from core.errors import DomainError, Messages
from core.text import plain_text
from decisions import policy
from decisions.digest import decision_content_digest, record_seal
from decisions.models import Decision, DecisionSearch, PublishedDocument
from decisions.services.events import event_record
from decisions.workflow import State

WITHDRAW_PUBLICATION_ACTION = "withdraw_publication"
REASON_MAX_LENGTH = 2_000
SEARCH_CONFIG = "english"


def _search_parts(decision: Decision) -> tuple[str, str, str]:
    body = [plain_text(r.text) for r in decision.recommendations.order_by("position")]
    for section in decision.sections.order_by("kind").prefetch_related("paragraphs"):
        body.append(section.heading)
        body += [plain_text(p.text) for p in section.paragraphs.all()]
    return decision.title, plain_text(decision.executive_summary), "\n".join(body)


def decision_search_index(*, decision: Decision) -> DecisionSearch:
    """Store Part 1 as plain text and, on PostgreSQL, as a weighted tsvector, in the
    decision's own search row (derived data, not content: no history)."""
    title, summary, body = _search_parts(decision)
    vector = None
    if connection.vendor == "postgresql":
        vector = (
            SearchVector(Value(title), weight="A", config=SEARCH_CONFIG)
            + SearchVector(Value(summary), weight="B", config=SEARCH_CONFIG)
            + SearchVector(Value(body), weight="C", config=SEARCH_CONFIG)
        )
    index, _ = DecisionSearch.objects.update_or_create(
        decision=decision,
        defaults={"text": "\n".join((title, summary, body)), "vector": vector},
    )
    return index


def decision_publish_pdf(*, decision: Decision) -> PublishedDocument:
    """Render the decision's PDF once and store it with its SHA-256; never again."""
    from decisions.pdf import decision_pdf_filename, render_decision_pdf
    from decisions.selectors import decision_page, decision_public_links, full_decision

    existing = PublishedDocument.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    full = full_decision(Decision.objects.filter(pk=decision.pk)).get()
    page = decision_page(full, links=decision_public_links(full))
    content = render_decision_pdf(page, draft=False)
    digest = hashlib.sha256(content).hexdigest()
    document = PublishedDocument(decision=full, sha256=digest, size_bytes=len(content))
    name = decision_pdf_filename(page, draft=False).replace(".pdf", f"-{digest[:12]}.pdf")
    document.file.save(name, ContentFile(content), save=False)
    # Seals the record as published: content, approval, signatures and this PDF.
    document.record_seal = record_seal(full, document, content_digest=decision_content_digest(full))
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
