"""The ordered parts of a draft: recommendations, paragraphs, links, appendices.

Items keep positions 1..n with no gaps: adding appends, removing closes the gap,
moving swaps with the neighbour. Each change is one transaction on the locked
decision and writes history for every row it touches.

Conflicts are per item: an edit or removal names the version of the item it was
built from; adds never conflict. An add carries the one-time token of its form,
stored on the new row (unique in the database), so the same form sent twice (Back,
then submit again) adds one item and says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Literal

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from accounts.models import User
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from core.storage import content_sha256, store_once
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
from decisions.services.drafting import (
    decision_lock_for_edit,
    decision_touch,
    text_checked,
    version_check,
)
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


def _not_added_already(
    model,
    token: uuid.UUID | None,
    *,
    noun: str,
    field: str,
    same: models.QuerySet,
    which: Callable,
) -> None:
    """Refuse to add what this form, or Back and submit again, has added already.

    ``same``: the items of this list with the same content. A page fetched again by
    Back carries a new token but the browser restores the text typed, so the same
    text in the same list is the same add: nothing is added, and the message says
    which item it is. A token used before with other text (or for an item removed
    since) is new typing on an old form: kept, and refused beside the field.
    """
    existing = same.first()
    if existing is not None:
        raise DomainError(Messages.ALREADY_ADDED, noun=noun, which=which(existing))
    if token is not None and model.history.filter(form_token=token).exists():
        raise DomainError(Messages.FORM_ALREADY_USED, field=field, noun=noun)


def _remove_check(item, expected_version: int | None, *, what: str) -> None:
    if expected_version is not None and expected_version != item.version:
        raise DomainError(Messages.REMOVE_CONFLICT, what=what)


# --- Recommendations -------------------------------------------------------------------


def _recommendation_text(text: str) -> str:
    return text_checked(text, field="text", label="the recommendation", limit=TEXT_MAX_LENGTH)


@transaction.atomic
def recommendation_add(
    *, user: User, decision: Decision, text: str, token: uuid.UUID | None = None
) -> Recommendation:
    locked = decision_lock_for_edit(decision, user=user)
    text = _recommendation_text(text)
    _not_added_already(
        Recommendation,
        token,
        noun="recommendation",
        field="text",
        same=locked.recommendations.filter(text=text),
        which=lambda existing: f"recommendation {existing.position}",
    )
    position = locked.recommendations.count() + 1
    recommendation = Recommendation(decision=locked, position=position, text=text, form_token=token)
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
    """``expected_version``: the recommendation's version the form showed."""
    locked = decision_lock_for_edit(recommendation.decision, user=user)
    recommendation = locked.recommendations.get(pk=recommendation.pk)
    version_check(
        expected=expected_version,
        current=recommendation.version,
        what=f"Recommendation {recommendation.position}",
        history=Recommendation.history.filter(id=recommendation.pk),
        fields=("text",),
    )
    recommendation.text = _recommendation_text(text)
    recommendation.version += 1
    reason = f"Recommendation {recommendation.position} edited"
    save_audited(recommendation, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return recommendation


@transaction.atomic
def recommendation_remove(
    *, user: User, recommendation: Recommendation, expected_version: int | None = None
) -> None:
    locked = decision_lock_for_edit(recommendation.decision, user=user)
    recommendation = locked.recommendations.get(pk=recommendation.pk)
    _remove_check(
        recommendation, expected_version, what=f"Recommendation {recommendation.position}"
    )
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
) -> Recommendation:
    # A move is relative to the list as it is now: no version to conflict with.
    locked = decision_lock_for_edit(recommendation.decision, user=user)
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
    token: uuid.UUID | None = None,
) -> Paragraph:
    locked = decision_lock_for_edit(decision, user=user)
    section = locked.sections.get(kind=SectionKind(section_kind))
    text = _paragraph_text(text)
    _not_added_already(
        Paragraph,
        token,
        noun="paragraph",
        field="text",
        same=section.paragraphs.filter(text=text),
        which=lambda existing: f"paragraph {section.kind}.{existing.position}",
    )
    position = section.paragraphs.count() + 1
    paragraph = Paragraph(
        section=section,
        position=position,
        text=text,
        budget_table_follows=budget_table_follows,
        form_token=token,
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
    """``expected_version``: the paragraph's version the form showed."""
    locked = decision_lock_for_edit(paragraph.section.decision, user=user)
    paragraph = Paragraph.objects.select_related("section").get(
        pk=paragraph.pk, section__decision=locked
    )
    version_check(
        expected=expected_version,
        current=paragraph.version,
        what=f"Paragraph {paragraph.number}",
        history=Paragraph.history.filter(id=paragraph.pk),
        fields=("text", "budget_table_follows"),
    )
    paragraph.text = _paragraph_text(text)
    if budget_table_follows is not None:
        paragraph.budget_table_follows = budget_table_follows
    paragraph.version += 1
    reason = f"Paragraph {paragraph.number} edited"
    save_audited(paragraph, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return paragraph


@transaction.atomic
def paragraph_remove(
    *, user: User, paragraph: Paragraph, expected_version: int | None = None
) -> None:
    locked = decision_lock_for_edit(paragraph.section.decision, user=user)
    paragraph = Paragraph.objects.select_related("section").get(
        pk=paragraph.pk, section__decision=locked
    )
    _remove_check(paragraph, expected_version, what=f"Paragraph {paragraph.number}")
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
) -> Paragraph:
    # A move is relative to the list as it is now: no version to conflict with.
    locked = decision_lock_for_edit(paragraph.section.decision, user=user)
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
    token: uuid.UUID | None = None,
) -> DecisionLink:
    locked = decision_lock_for_edit(decision, user=user)
    target = decision_by_reference(target_reference)
    _not_added_already(
        DecisionLink,
        token,
        noun="link",
        field="reference",
        # The same link again is refused below (LINK_DUPLICATE); this form's own is
        # simply already there.
        same=locked.links_out.filter(form_token=token) if token else DecisionLink.objects.none(),
        which=lambda existing: f"the link to {target.reference}",
    )
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
        form_token=token,
        description=text_checked(
            description, field="description", label="the description", limit=500, required=False
        ),
    )
    reason = f"Link: {kind.label.lower()} {target.reference}"
    save_audited(link, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
    return link


@transaction.atomic
def decision_link_remove(*, user: User, link: DecisionLink) -> None:
    locked = decision_lock_for_edit(link.source, user=user)
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
    token: uuid.UUID | None = None,
) -> Appendix:
    locked = decision_lock_for_edit(decision, user=user)
    title = text_checked(title, field="title", label="the appendix title", limit=300)
    _not_added_already(
        Appendix,
        token,
        noun="appendix",
        field="title",
        same=locked.appendices.filter(title=title),
        which=lambda existing: f"appendix {existing.position}",
    )
    position = locked.appendices.count() + 1
    appendix = Appendix(
        decision=locked, position=position, title=title, published=published, form_token=token
    )
    if upload is not None:
        _check_pdf(upload)
        # Stored under its SHA-256 (appendices/<sha256>.pdf), never the uploaded name,
        # written once (core/storage.py).
        appendix.sha256 = content_sha256(upload)
        store_once(appendix.file, upload, sha256=appendix.sha256)
    save_audited(appendix, user=user, reason=f"Appendix {position} added")
    decision_touch(locked, user=user, reason=f"Appendix {position} added")
    return appendix


@transaction.atomic
def appendix_remove(*, user: User, appendix: Appendix) -> None:
    locked = decision_lock_for_edit(appendix.decision, user=user)
    appendix = locked.appendices.get(pk=appendix.pk)
    reason = f"Appendix {appendix.position} removed"
    # The file stays in storage: history rows still name it.
    delete_audited(appendix, user=user, reason=reason)
    _close_gap(locked.appendices, after=appendix.position, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)
