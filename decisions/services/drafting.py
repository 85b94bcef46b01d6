"""Writing a draft decision: creating it, its title and summary, public access
answers, Part 2 and sharing. Every service locks the decision row and refuses if
it is no longer a draft. A step refuses only if the fields it shows were saved
since the editor's form was built (see decisions/selectors/versions.py): saving
another step, or adding a paragraph, is no conflict."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from core.text import clean_source, html_tag_in
from decisions import policy
from decisions.models import (
    DECLARATION_ORDER,
    DEFAULT_DECLARATION_STATEMENTS,
    Decision,
    DecisionType,
    DeclarationKind,
    OfficerDeclaration,
    Part2,
    Section,
    SectionKind,
)
from decisions.models.decision import SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from decisions.selectors.public import decision_types
from decisions.selectors.versions import (
    PART2_FIELDS,
    PUBLIC_ACCESS_FIELDS,
    SUMMARY_FIELDS,
    last_saved,
    part2_version,
    public_access_version,
    summary_version,
)
from decisions.services.events import event_record
from decisions.workflow import State

CREATE_ACTION = "create"


def text_checked(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    """Check what was typed has no HTML, is present (if required) and not too long.

    HTML is refused with a message rather than silently dropped, so the officer sees
    exactly what will be published; the text is still sanitised on save and render.
    """
    tag = html_tag_in(value)
    if tag:
        raise DomainError(
            Messages.HTML_NOT_ALLOWED, field=field, label=label[0].upper() + label[1:], tag=tag
        )
    cleaned = clean_source(value)
    if required and not cleaned:
        raise DomainError(Messages.TEXT_REQUIRED, field=field, label=label)
    if len(cleaned) > limit:
        raise DomainError(
            Messages.TEXT_TOO_LONG, field=field, label=label[0].upper() + label[1:], limit=limit
        )
    return cleaned


def _lock_draft(decision: Decision) -> Decision:
    """Lock the decision row; refuse if its content may no longer change."""
    locked = Decision.objects.select_for_update().with_type().get(pk=decision.pk)
    if not locked.is_editable:
        raise DomainError(
            Messages.NOT_EDITABLE,
            reference=locked.reference or "This decision",
            state=locked.get_state_display().lower(),
        )
    return locked


def decision_lock_for_edit(
    decision: Decision, *, user: User, expected_version: int | None = None
) -> Decision:
    """Lock the draft for one of its officers to change.

    ``expected_version`` is the decision-wide version the editor's form was built
    from (only the budget step still uses it): if anything was saved since, the edit
    is refused rather than overwriting. Steps and items use ``version_check``.
    """
    locked = _lock_draft(decision)
    if not policy.can_edit(user, locked):
        raise DomainError(Messages.NOT_YOUR_DRAFT)
    if expected_version is not None and locked.version != expected_version:
        raise DomainError(Messages.EDIT_CONFLICT)
    return locked


def version_check(*, expected: object, current: object, what: str, history=None, fields=()) -> None:
    """Refuse an edit built from an older version of the same thing.

    The error carries the version saved now (so the form can be saved again on top
    of it) and, from the history, who saved it and when.
    """
    if expected is None or str(expected) == str(current):
        return
    saved_by, saved_at = last_saved(history, fields) if history is not None else (None, None)
    raise DomainError(
        Messages.ITEM_CONFLICT, what=what, version=current, saved_by=saved_by, saved_at=saved_at
    )


def decision_lock_for_import(decision: Decision, *, user: User) -> Decision:
    """Lock a draft that a records manager is completing as the historical record it is."""
    if not policy.can_import(user):
        raise DomainError(Messages.ROLE_REQUIRED, role="records manager")
    return _lock_draft(decision)


@transaction.atomic
def decision_part_save(*, user: User, decision: Decision, part: models.Model, reason: str) -> None:
    """Save a part of a draft's content changed outside the drafting pages (the back
    office) as every drafting service does: holding the draft's row lock, refused once
    it is no longer a draft, and counted as a new version of it. (An approval relies
    on it: content that changed writes the row it compares.)"""
    locked = _lock_draft(decision)
    if part.pk is not None and any(f.name == "version" for f in part._meta.concrete_fields):
        # A new version of the part too, counted from the one stored (a form built
        # from an older one, an officer's or a version from the history, is refused
        # or saved on top of it, never silently over it).
        stored = type(part).objects.filter(pk=part.pk).values_list("version", flat=True).first()
        part.version = (stored or 0) + 1
    save_audited(part, user=user, reason=reason)
    decision_touch(locked, user=user, reason=reason)


@transaction.atomic
def decision_fields_save(
    *, user: User, decision: Decision, fields: list[str], reason: str
) -> Decision:
    """A draft's own `fields` as changed outside the drafting pages (the back office,
    or a version from its history put back there): taken from `decision` onto the
    row as it is now, locked and still a draft; nothing else of the row (its state,
    reference, times, version) is taken. A new version of it."""
    locked = _lock_draft(decision)
    for name in fields:
        setattr(locked, name, getattr(decision, name))
    decision_touch(locked, user=user, reason=reason)
    return locked


def decision_touch(decision: Decision, *, user: User, reason: str) -> None:
    """Record that the draft changed: a new version, and a history row saying why."""
    decision.version += 1
    save_audited(decision, user=user, reason=reason)


@transaction.atomic
def decision_create(
    *, user: User, type_code: str, title: str, executive_summary: str = "", comment: str = ""
) -> Decision:
    """A new draft, with the form's nine sections and eight declaration rows.

    ``comment``: how it was started, if not typed (kept on its first event)."""
    try:
        decision_type = DecisionType.objects.get(code=(type_code or "").strip().upper())
    except DecisionType.DoesNotExist as error:
        codes = list(decision_types().values_list("code", flat=True))
        raise DomainError(
            Messages.UNKNOWN_DECISION_TYPE,
            field="type_code",
            codes=" or ".join(filter(None, [", ".join(codes[:-1]), *codes[-1:]])),
        ) from error
    decision = Decision(
        decision_type=decision_type,
        title=text_checked(title, field="title", label="a title", limit=TITLE_MAX_LENGTH),
        executive_summary=text_checked(
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
        decision=decision,
        user=user,
        action=CREATE_ACTION,
        from_state="",
        to_state=State.DRAFT,
        comment=comment,
    )
    return decision


@transaction.atomic
def decision_update(
    *,
    user: User,
    decision: Decision,
    title: str,
    executive_summary: str,
    expected_version: str | None = None,
) -> Decision:
    """``expected_version``: the title and summary's version the form showed."""
    locked = decision_lock_for_edit(decision, user=user)
    version_check(
        expected=expected_version,
        current=summary_version(locked),
        what="The title and summary",
        history=locked.history.all(),
        fields=SUMMARY_FIELDS,
    )
    locked.title = text_checked(title, field="title", label="a title", limit=TITLE_MAX_LENGTH)
    locked.executive_summary = text_checked(
        executive_summary,
        field="executive_summary",
        label="an executive summary",
        limit=SUMMARY_MAX_LENGTH,
        required=False,
    )
    decision_touch(locked, user=user, reason="Title and summary edited")
    return locked


@transaction.atomic
def decision_public_access_set(
    *,
    user: User,
    decision: Decision,
    deferred: bool,
    has_part2: bool,
    reason: str = "",
    until: dt.date | None = None,
    expected_version: str | None = None,
    today: dt.date | None = None,
) -> Decision:
    """Answer the form's public access questions: Part 1 deferral and Part 2."""
    locked = decision_lock_for_edit(decision, user=user)
    version_check(
        expected=expected_version,
        current=public_access_version(locked),
        what="The public access answers",
        history=locked.history.all(),
        fields=PUBLIC_ACCESS_FIELDS,
    )
    reason = text_checked(
        reason, field="deferral_reason", label="the reason for deferral", limit=2_000,
        required=False,
    )  # fmt: skip
    if deferred:
        if not reason:
            raise DomainError(Messages.DEFERRAL_REASON_REQUIRED, field="deferral_reason")
        if until is None:
            raise DomainError(Messages.DEFERRAL_DATE_REQUIRED, field="deferred_until")
        if until <= (today or timezone.localdate()):
            raise DomainError(Messages.DEFERRAL_DATE_PAST, field="deferred_until")
    else:
        # Details typed before answering "No" are not kept: they would be misleading.
        reason, until = "", None
    locked.deferred, locked.deferral_reason, locked.deferred_until = deferred, reason, until
    if not has_part2:
        existing = Part2.objects.filter(decision=locked).first()
        if existing is not None:
            if not policy.can_view_part2(user):
                raise DomainError(Messages.PART2_PERMISSION, field="has_part2")
            delete_audited(existing, user=user, reason="Part 2 removed: answer changed to No")
    locked.has_part2 = has_part2
    decision_touch(locked, user=user, reason="Public access answers set")
    return locked


@transaction.atomic
def part2_save(
    *,
    user: User,
    decision: Decision,
    content: str,
    legal_rationale: str,
    expected_version: str | None = None,
) -> Part2:
    """Write the confidential Part 2 (which also answers "Is there a Part 2?" yes)."""
    locked = decision_lock_for_edit(decision, user=user)
    version_check(
        expected=expected_version,
        current=part2_version(locked),
        what="Part 2",
        history=Part2.history.filter(decision_id=locked.pk),
        fields=PART2_FIELDS,
    )
    part2 = Part2.objects.filter(decision=locked).first() or Part2(decision=locked)
    part2.content = text_checked(
        content, field="content", label="the Part 2 content", limit=TEXT_MAX_LENGTH
    )
    part2.legal_rationale = text_checked(
        legal_rationale,
        field="legal_rationale",
        label="the legal rationale for non-publication",
        limit=TEXT_MAX_LENGTH,
    )
    save_audited(part2, user=user, reason="Part 2 saved")
    locked.has_part2 = True
    decision_touch(locked, user=user, reason="Part 2 saved")
    return part2


@transaction.atomic
def decision_share(*, user: User, decision: Decision, colleague: User) -> Decision:
    """Let another officer see and edit this draft."""
    locked = decision_lock_for_edit(decision, user=user)
    if colleague.pk == locked.drafted_by_id:
        raise DomainError(Messages.SHARE_WITH_SELF, field="username")
    if not policy.can_share_with(colleague):
        raise DomainError(Messages.SHARE_NOT_OFFICER, field="username")
    locked.shared_with.add(colleague)
    decision_touch(locked, user=user, reason=f"Shared with {colleague.display_name}")
    return locked
