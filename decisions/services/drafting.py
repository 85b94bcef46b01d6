"""Writing a draft decision's content."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import save_audited
from core.errors import DomainError, Messages
from core.text import clean_source
from decisions.models import (
    DECLARATION_ORDER,
    DEFAULT_DECLARATION_STATEMENTS,
    Appendix,
    Decision,
    DecisionLink,
    DecisionType,
    DeclarationKind,
    LinkKind,
    OfficerDeclaration,
    Paragraph,
    Part2,
    Recommendation,
    Section,
    SectionKind,
)
from decisions.models.decision import SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from decisions.selectors import decision_by_reference
from decisions.services.events import event_record
from decisions.workflow import State

APPENDIX_MAX_BYTES = 20 * 1024 * 1024
CREATE_ACTION = "create"


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    cleaned = clean_source(value)
    if required and not cleaned:
        raise DomainError(Messages.TEXT_REQUIRED, field=field, label=label)
    if len(cleaned) > limit:
        raise DomainError(
            Messages.TEXT_TOO_LONG, field=field, label=label.capitalize(), limit=limit
        )
    return cleaned


def decision_lock_for_edit(decision: Decision) -> Decision:
    """Lock the decision row and make sure its content may still change."""
    locked = Decision.objects.select_for_update().with_type().get(pk=decision.pk)
    if not locked.is_editable:
        raise DomainError(
            Messages.NOT_EDITABLE,
            reference=locked.reference or "This decision",
            state=locked.get_state_display().lower(),
        )
    return locked


def _touch(decision: Decision, *, user: User, reason: str) -> None:
    decision.version += 1
    save_audited(decision, user=user, reason=reason)


@transaction.atomic
def decision_create(
    *, user: User, type_code: str, title: str, executive_summary: str = ""
) -> Decision:
    """A new draft, with the form's nine sections and eight declaration rows."""
    try:
        decision_type = DecisionType.objects.get(code=type_code.strip().upper())
    except DecisionType.DoesNotExist as error:
        raise DomainError(Messages.UNKNOWN_DECISION_TYPE, field="type_code") from error
    decision = Decision(
        decision_type=decision_type,
        title=_text(title, field="title", label="a title", limit=TITLE_MAX_LENGTH),
        executive_summary=_text(
            executive_summary,
            field="executive_summary",
            label="an executive summary",
            limit=SUMMARY_MAX_LENGTH,
            required=False,
        ),
        drafted_by=user,
        state=State.DRAFT,
    )
    save_audited(decision, user=user, reason="Draft created")
    for kind in SectionKind:
        save_audited(Section(decision=decision, kind=kind), user=user, reason="Draft created")
    for kind in DeclarationKind:
        statement = DEFAULT_DECLARATION_STATEMENTS[kind].format(officer=user.display_name)
        save_audited(
            OfficerDeclaration(
                decision=decision,
                kind=kind,
                position=DECLARATION_ORDER[kind],
                statement=statement,
            ),
            user=user,
            reason="Draft created",
        )
    event_record(
        decision=decision, user=user, action=CREATE_ACTION, from_state="", to_state=State.DRAFT
    )
    return decision


@transaction.atomic
def decision_update(
    *,
    user: User,
    decision: Decision,
    expected_version: int,
    title: str,
    executive_summary: str,
) -> Decision:
    locked = decision_lock_for_edit(decision)
    if locked.version != expected_version:
        raise DomainError(Messages.EDIT_CONFLICT)
    locked.title = _text(title, field="title", label="a title", limit=TITLE_MAX_LENGTH)
    locked.executive_summary = _text(
        executive_summary,
        field="executive_summary",
        label="an executive summary",
        limit=SUMMARY_MAX_LENGTH,
        required=False,
    )
    _touch(locked, user=user, reason="Title and summary edited")
    return locked


@transaction.atomic
def recommendation_add(*, user: User, decision: Decision, text: str) -> Recommendation:
    locked = decision_lock_for_edit(decision)
    position = locked.recommendations.count() + 1
    recommendation = Recommendation(
        decision=locked,
        position=position,
        text=_text(text, field="text", label="the recommendation", limit=TEXT_MAX_LENGTH),
    )
    save_audited(recommendation, user=user, reason=f"Recommendation {position} added")
    _touch(locked, user=user, reason=f"Recommendation {position} added")
    return recommendation


@transaction.atomic
def paragraph_add(
    *,
    user: User,
    decision: Decision,
    section_kind: int,
    text: str,
    budget_table_follows: bool = False,
) -> Paragraph:
    locked = decision_lock_for_edit(decision)
    section = locked.sections.get(kind=SectionKind(section_kind))
    position = section.paragraphs.count() + 1
    paragraph = Paragraph(
        section=section,
        position=position,
        text=_text(text, field="text", label="the paragraph", limit=TEXT_MAX_LENGTH),
        budget_table_follows=budget_table_follows,
    )
    save_audited(paragraph, user=user, reason=f"Paragraph {section.kind}.{position} added")
    _touch(locked, user=user, reason=f"Paragraph {section.kind}.{position} added")
    return paragraph


@transaction.atomic
def decision_link_create(
    *, user: User, decision: Decision, target_reference: str, kind: str, description: str = ""
) -> DecisionLink:
    locked = decision_lock_for_edit(decision)
    target = decision_by_reference(target_reference)
    if target.pk == locked.pk:
        raise DomainError(Messages.LINK_TO_SELF, field="reference")
    kind = LinkKind(kind)
    if kind in (LinkKind.AMENDS, LinkKind.SUPERSEDES) and target.state != State.APPROVED:
        raise DomainError(
            Messages.LINK_TARGET_NOT_APPROVED, field="reference", reference=target.reference
        )
    if DecisionLink.objects.filter(source=locked, target=target, kind=kind).exists():
        raise DomainError(Messages.LINK_DUPLICATE, field="reference", reference=target.reference)
    link = DecisionLink(
        source=locked,
        target=target,
        kind=kind,
        description=_text(
            description, field="description", label="a description", limit=500, required=False
        ),
    )
    save_audited(link, user=user, reason=f"Link: {kind.label.lower()} {target.reference}")
    _touch(locked, user=user, reason=f"Linked to {target.reference}")
    return link


def _check_pdf(upload: UploadedFile) -> None:
    if upload.size > APPENDIX_MAX_BYTES:
        raise DomainError(Messages.APPENDIX_TOO_LARGE, field="file", limit="20 MB")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # Judged by content: a PDF starts with %PDF- within its first kilobyte.
    if b"%PDF-" not in head:
        raise DomainError(Messages.APPENDIX_NOT_PDF, field="file")


@transaction.atomic
def appendix_add(
    *,
    user: User,
    decision: Decision,
    title: str,
    published: bool = True,
    upload: UploadedFile | None = None,
) -> Appendix:
    locked = decision_lock_for_edit(decision)
    position = locked.appendices.count() + 1
    appendix = Appendix(
        decision=locked,
        position=position,
        title=_text(title, field="title", label="the appendix title", limit=300),
        published=published,
    )
    if upload is not None:
        _check_pdf(upload)
        appendix.file.save("appendix.pdf", upload, save=False)
    save_audited(appendix, user=user, reason=f"Appendix {position} added")
    _touch(locked, user=user, reason=f"Appendix {position} added")
    return appendix


@transaction.atomic
def decision_deferral_set(
    *,
    user: User,
    decision: Decision,
    deferred: bool,
    reason: str = "",
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> Decision:
    locked = decision_lock_for_edit(decision)
    reason = _text(reason, field="deferral_reason", label="a reason", limit=2_000, required=False)
    if deferred:
        if not reason or until is None:
            raise DomainError(
                Messages.DEFERRAL_INCOMPLETE,
                field="deferral_reason" if not reason else "deferred_until",
            )
        if until <= (today or timezone.localdate()):
            raise DomainError(Messages.DEFERRAL_DATE_PAST, field="deferred_until")
    elif reason or until is not None:
        raise DomainError(Messages.DEFERRAL_NOT_WANTED, field="deferred")
    locked.deferred, locked.deferral_reason, locked.deferred_until = deferred, reason, until
    _touch(locked, user=user, reason="Part 1 deferral set")
    return locked


@transaction.atomic
def decision_part2_set(
    *,
    user: User,
    decision: Decision,
    has_part2: bool,
    content: str = "",
    legal_rationale: str = "",
) -> Decision:
    locked = decision_lock_for_edit(decision)
    existing = Part2.objects.filter(decision=locked).first()
    if has_part2:
        content = _text(
            content, field="part2_content", label="the Part 2 content", limit=TEXT_MAX_LENGTH
        )
        legal_rationale = _text(
            legal_rationale,
            field="part2_legal_rationale",
            label="the legal rationale for non-publication",
            limit=TEXT_MAX_LENGTH,
        )
        part2 = existing or Part2(decision=locked)
        part2.content, part2.legal_rationale = content, legal_rationale
        save_audited(part2, user=user, reason="Part 2 saved")
    elif existing is not None:
        existing._history_user = user
        existing._change_reason = "Part 2 removed"
        existing.delete()
    locked.has_part2 = has_part2
    _touch(locked, user=user, reason="Part 2 confidentiality set")
    return locked


@transaction.atomic
def declaration_confirm(
    *,
    user: User,
    decision: Decision,
    kind: str,
    statement: str | None = None,
    confirmed_by_name: str | None = None,
    confirmed_at: dt.datetime | None = None,
) -> OfficerDeclaration:
    """Tick one row of the originating officer declaration (optionally rewording it)."""
    locked = decision_lock_for_edit(decision)
    declaration = locked.declarations.get(kind=DeclarationKind(kind))
    if statement is not None:
        declaration.statement = _text(
            statement, field="statement", label="the statement", limit=2_000
        )
    declaration.confirmed_by = user
    declaration.confirmed_by_name = confirmed_by_name or user.display_name
    declaration.confirmed_at = confirmed_at or timezone.now()
    save_audited(declaration, user=user, reason=f"{declaration.heading} confirmed")
    _touch(locked, user=user, reason=f"{declaration.heading} confirmed")
    return declaration
