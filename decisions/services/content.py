"""The ordered parts of a draft: recommendations, paragraphs, links, appendices.

Items keep positions 1..n with no gaps: adding appends, removing closes the gap,
moving swaps with the neighbour. Each change is one transaction on the locked
decision and writes history for every row it touches.
"""

from __future__ import annotations

from typing import Literal

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from accounts.models import User
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from decisions.models import (
    Appendix,
    Decision,
    DecisionLink,
    LinkKind,
    Paragraph,
    Recommendation,
    SectionKind,
)
from decisions.models.decision import TEXT_MAX_LENGTH
from decisions.selectors import decision_by_reference
from decisions.services.drafting import decision_lock_for_edit, decision_touch, text_checked
from decisions.workflow import State

APPENDIX_MAX_BYTES = 20 * 1024 * 1024
# Out of the way of 1..n while two rows swap places (unique per parent).
_PARKING_POSITION = 32_000

Direction = Literal["up", "down"]


def _close_gap(siblings: models.QuerySet, *, after: int, user: User, reason: str) -> None:
    for item in siblings.filter(position__gt=after).order_by("position"):
        item.position -= 1
        save_audited(item, user=user, reason=reason)


def _move(item, siblings: models.QuerySet, *, direction: Direction, user: User, reason: str):
    step = -1 if direction == "up" else 1
    neighbour = siblings.filter(position=item.position + step).first()
    if neighbour is None:
        return item  # already first or last: nothing to do
    old = item.position
    item.position = _PARKING_POSITION
    save_audited(item, user=user, reason=reason)
    neighbour.position = old
    save_audited(neighbour, user=user, reason=reason)
    item.position = old + step
    save_audited(item, user=user, reason=reason)
    return item


# --- Recommendations -------------------------------------------------------------------


def _recommendation_text(text: str) -> str:
    return text_checked(text, field="text", label="the recommendation", limit=TEXT_MAX_LENGTH)


@transaction.atomic
def recommendation_add(
    *, user: User, decision: Decision, text: str, expected_version: int | None = None
) -> Recommendation:
    locked = decision_lock_for_edit(decision, user=user, expected_version=expected_version)
    position = locked.recommendations.count() + 1
    recommendation = Recommendation(
        decision=locked, position=position, text=_recommendation_text(text)
    )
    save_audited(recommendation, user=user, reason=f"Recommendation {position} added")
    decision_touch(locked, user=user, reason=f"Recommendation {position} added")
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    user: User,
    recommendation: Recommendation,
    text: str,
    expected_version: int | None = None,
) -> Recommendation:
    locked = decision_lock_for_edit(
        recommendation.decision, user=user, expected_version=expected_version
    )
    recommendation = locked.recommendations.get(pk=recommendation.pk)
    recommendation.text = _recommendation_text(text)
    reason = f"Recommendation {recommendation.position} edited"
    save_audited(recommendation, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return recommendation


@transaction.atomic
def recommendation_remove(
    *, user: User, recommendation: Recommendation, expected_version: int | None = None
) -> None:
    locked = decision_lock_for_edit(
        recommendation.decision, user=user, expected_version=expected_version
    )
    recommendation = locked.recommendations.get(pk=recommendation.pk)
    reason = f"Recommendation {recommendation.position} removed"
    delete_audited(recommendation, user=user, reason=reason)
    _close_gap(locked.recommendations, after=recommendation.position, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)


@transaction.atomic
def recommendation_move(
    *,
    user: User,
    recommendation: Recommendation,
    direction: Direction,
    expected_version: int | None = None,
) -> Recommendation:
    locked = decision_lock_for_edit(
        recommendation.decision, user=user, expected_version=expected_version
    )
    recommendation = locked.recommendations.get(pk=recommendation.pk)
    reason = f"Recommendation {recommendation.position} moved {direction}"
    _move(recommendation, locked.recommendations, direction=direction, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return recommendation


# --- Part 1 paragraphs --------------------------------------------------------------------


def _paragraph_text(text: str) -> str:
    return text_checked(text, field="text", label="the paragraph", limit=TEXT_MAX_LENGTH)


@transaction.atomic
def paragraph_add(
    *,
    user: User,
    decision: Decision,
    section_kind: int,
    text: str,
    budget_table_follows: bool = False,
    expected_version: int | None = None,
) -> Paragraph:
    locked = decision_lock_for_edit(decision, user=user, expected_version=expected_version)
    section = locked.sections.get(kind=SectionKind(section_kind))
    position = section.paragraphs.count() + 1
    paragraph = Paragraph(
        section=section,
        position=position,
        text=_paragraph_text(text),
        budget_table_follows=budget_table_follows,
    )
    reason = f"Paragraph {section.kind}.{position} added"
    save_audited(paragraph, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return paragraph


@transaction.atomic
def paragraph_update(
    *,
    user: User,
    paragraph: Paragraph,
    text: str,
    budget_table_follows: bool | None = None,
    expected_version: int | None = None,
) -> Paragraph:
    locked = decision_lock_for_edit(
        paragraph.section.decision, user=user, expected_version=expected_version
    )
    paragraph = Paragraph.objects.select_related("section").get(
        pk=paragraph.pk, section__decision=locked
    )
    paragraph.text = _paragraph_text(text)
    if budget_table_follows is not None:
        paragraph.budget_table_follows = budget_table_follows
    reason = f"Paragraph {paragraph.number} edited"
    save_audited(paragraph, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return paragraph


@transaction.atomic
def paragraph_remove(
    *, user: User, paragraph: Paragraph, expected_version: int | None = None
) -> None:
    locked = decision_lock_for_edit(
        paragraph.section.decision, user=user, expected_version=expected_version
    )
    paragraph = Paragraph.objects.select_related("section").get(
        pk=paragraph.pk, section__decision=locked
    )
    reason = f"Paragraph {paragraph.number} removed"
    delete_audited(paragraph, user=user, reason=reason)
    _close_gap(paragraph.section.paragraphs, after=paragraph.position, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)


@transaction.atomic
def paragraph_move(
    *,
    user: User,
    paragraph: Paragraph,
    direction: Direction,
    expected_version: int | None = None,
) -> Paragraph:
    locked = decision_lock_for_edit(
        paragraph.section.decision, user=user, expected_version=expected_version
    )
    paragraph = Paragraph.objects.select_related("section").get(
        pk=paragraph.pk, section__decision=locked
    )
    reason = f"Paragraph {paragraph.number} moved {direction}"
    _move(paragraph, paragraph.section.paragraphs, direction=direction, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return paragraph


# --- Links to other decisions -----------------------------------------------------------


@transaction.atomic
def decision_link_create(
    *,
    user: User,
    decision: Decision,
    target_reference: str,
    kind: str,
    description: str = "",
    expected_version: int | None = None,
) -> DecisionLink:
    locked = decision_lock_for_edit(decision, user=user, expected_version=expected_version)
    target = decision_by_reference(target_reference)
    if target.pk == locked.pk:
        raise DomainError(Messages.LINK_TO_SELF, field="reference")
    try:
        kind = LinkKind(kind)
    except ValueError as error:
        raise DomainError(Messages.LINK_KIND_INVALID, field="kind") from error
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
        description=text_checked(
            description, field="description", label="the description", limit=500, required=False
        ),
    )
    reason = f"Link: {kind.label.lower()} {target.reference}"
    save_audited(link, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return link


@transaction.atomic
def decision_link_remove(
    *, user: User, link: DecisionLink, expected_version: int | None = None
) -> None:
    locked = decision_lock_for_edit(link.source, user=user, expected_version=expected_version)
    link = locked.links_out.select_related("target__decision_type").get(pk=link.pk)
    reason = f"Link to {link.target.reference} removed"
    delete_audited(link, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)


# --- Appendices ----------------------------------------------------------------------------


def _check_pdf(upload: UploadedFile) -> None:
    if upload.size > APPENDIX_MAX_BYTES:
        raise DomainError(Messages.APPENDIX_TOO_LARGE, field="file", limit="20 MB")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    # Judged by content, not the name or the browser's claimed type.
    if not head.startswith(b"%PDF-"):
        raise DomainError(Messages.APPENDIX_NOT_PDF, field="file")


@transaction.atomic
def appendix_add(
    *,
    user: User,
    decision: Decision,
    title: str,
    published: bool = True,
    upload: UploadedFile | None = None,
    expected_version: int | None = None,
) -> Appendix:
    locked = decision_lock_for_edit(decision, user=user, expected_version=expected_version)
    position = locked.appendices.count() + 1
    appendix = Appendix(
        decision=locked,
        position=position,
        title=text_checked(title, field="title", label="the appendix title", limit=300),
        published=published,
    )
    if upload is not None:
        _check_pdf(upload)
        # Stored under a generated name (see appendix_upload_to), never the uploaded one.
        appendix.file.save("appendix.pdf", upload, save=False)
    save_audited(appendix, user=user, reason=f"Appendix {position} added")
    decision_touch(locked, user=user, reason=f"Appendix {position} added")
    return appendix


@transaction.atomic
def appendix_remove(*, user: User, appendix: Appendix, expected_version: int | None = None) -> None:
    locked = decision_lock_for_edit(appendix.decision, user=user, expected_version=expected_version)
    appendix = locked.appendices.get(pk=appendix.pk)
    reason = f"Appendix {appendix.position} removed"
    # The file stays in storage: history rows still name it.
    delete_audited(appendix, user=user, reason=reason)
    _close_gap(locked.appendices, after=appendix.position, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
