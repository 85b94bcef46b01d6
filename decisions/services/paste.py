"""A whole Part 1 section, or all the recommendations, saved from one box.

The officer pastes (or types, or edits) the whole list at once; decisions/paste.py
splits it. Saving makes the list exactly what the box held, in one transaction:
paragraph n of the box becomes item n, so an item whose text is unchanged is not
written at all, a changed one is edited (its version goes up), items beyond the old
end are added and old items beyond the new end are removed, each with a history row
saying so. The box carries the version of the whole list as it was opened
(selectors/versions.items_version): if anyone changed, added, moved or removed an
item of it since, nothing is saved and the officer gets the conflict page with
their text kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models, transaction

from accounts.models import User
from core.audit import delete_audited, save_audited
from core.errors import DomainError, Messages
from decisions.models import Decision, Paragraph, Recommendation, SectionKind
from decisions.models.decision import TEXT_MAX_LENGTH
from decisions.paste import pasted_paragraphs_checked
from decisions.selectors.versions import items_version
from decisions.services.drafting import decision_lock_for_edit, decision_touch, version_check


def _replace(
    items: models.QuerySet,
    rows: list[dict],
    *,
    decision: Decision,
    make: Callable[[int], models.Model],
    user: User,
    label: Callable[[int], str],
    reason: str,
) -> list:
    """Make the list ``items`` of the locked ``decision`` hold ``rows`` (field values,
    in order); the decision gets a new version if anything changed."""
    existing = list(items.order_by("position"))
    counts = {"added": 0, "changed": 0, "removed": 0}
    for position, values in enumerate(rows, start=1):
        if position <= len(existing):
            item = existing[position - 1]
            if all(getattr(item, name) == value for name, value in values.items()):
                continue
            counts["changed"] += 1
            item.version += 1
            what = "changed"
        else:
            item = make(position)
            counts["added"] += 1
            what = "added"
        for name, value in values.items():
            setattr(item, name, value)
        save_audited(item, user=user, reason=f"{reason}: {label(position)} {what}")
    # From the end, so the positions left stay 1..n.
    for item in reversed(existing[len(rows) :]):
        counts["removed"] += 1
        delete_audited(item, user=user, reason=f"{reason}: {label(item.position)} removed")
    if any(counts.values()):
        done = ", ".join(f"{count} {what}" for what, count in counts.items() if count)
        decision_touch(decision, user=user, reason=f"{reason} ({done})")
    return list(items.order_by("position"))


@transaction.atomic
def section_paragraphs_replace(
    *,
    user: User,
    decision: Decision,
    section_kind: int,
    text: str,
    expected_version: str | None,
    budget_table_after: int | None = None,
) -> list[Paragraph]:
    """Replace the section's paragraphs with those of ``text`` (see the module).

    ``budget_table_after``: in the financial comments, the paragraph (1..n) the
    budget table follows; None puts it at the end of the section. Other sections
    never carry the budget table.
    """
    locked = decision_lock_for_edit(decision, user=user)
    kind = SectionKind(section_kind)
    section = locked.sections.get(kind=kind)
    version_check(
        expected=expected_version,
        current=items_version(section.paragraphs.all()),
        what=f"Section {kind.value} ({kind.label})",
        history=Paragraph.history.filter(section_id=section.pk),
    )
    pasted = pasted_paragraphs_checked(
        text, section_number=kind.value, what=f"section {kind.value}", max_length=TEXT_MAX_LENGTH
    )
    if kind != SectionKind.FINANCIAL:
        budget_table_after = None
    elif budget_table_after is not None and not 1 <= budget_table_after <= len(pasted):
        raise DomainError(Messages.PASTE_BUDGET_PLACE, field="budget_table_after")
    rows = [
        {"text": p.text, "budget_table_follows": position == budget_table_after}
        for position, p in enumerate(pasted, start=1)
    ]
    return _replace(
        section.paragraphs.all(),
        rows,
        decision=locked,
        make=lambda position: Paragraph(section=section, position=position),
        user=user,
        label=lambda position: f"paragraph {kind.value}.{position}",
        reason=f"Section {kind.value} pasted",
    )


@transaction.atomic
def recommendations_replace(
    *, user: User, decision: Decision, text: str, expected_version: str | None
) -> list[Recommendation]:
    """Replace the recommendations with those of ``text`` (see the module)."""
    locked = decision_lock_for_edit(decision, user=user)
    version_check(
        expected=expected_version,
        current=items_version(locked.recommendations.all()),
        what="The recommendations",
        history=Recommendation.history.filter(decision_id=locked.pk),
    )
    pasted = pasted_paragraphs_checked(
        text, section_number=None, what="the recommendations", max_length=TEXT_MAX_LENGTH
    )
    return _replace(
        locked.recommendations.all(),
        [{"text": p.text} for p in pasted],
        decision=locked,
        make=lambda position: Recommendation(decision=locked, position=position),
        user=user,
        label=lambda position: f"recommendation {position}",
        reason="Recommendations pasted",
    )
