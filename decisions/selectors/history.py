"""The internal history of a decision, in words for people: a timeline of events
(who did what, when, saying what), every recorded change with field labels and
word-level differences, and a plain check that the signed content is unchanged.

Internal bookkeeping (ids, versions, form tokens, digests) never reaches the page.
The number of queries does not grow with the number of events or changes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import groupby

from django.db import models
from django.db.models import QuerySet
from django.utils.text import capfirst

from accounts.models import User
from accounts.roles import Role
from core.dates import uk_date, uk_datetime
from decisions.digest import decision_content_digest
from decisions.models import (
    Appendix,
    Decision,
    DecisionEvent,
    DecisionLink,
    DecisionType,
    OfficerDeclaration,
    Paragraph,
    Part2,
    Recommendation,
    SignOff,
    SignOffRole,
)
from decisions.selectors.integrity import (
    Break,
    decision_event_breaks,
    decision_history_breaks,
    decision_record_breaks,
)
from decisions.workflow import State

# Bookkeeping, or said already by the heading of the change ("Paragraph 2.1").
_HIDDEN_FIELDS = {
    "id", "updated_at", "version", "form_token", "decision", "section", "source", "created_at",
    "content_digest", "kind", "position",
    # The audit seals and chain links (decisions/selectors/integrity.py checks them).
    "prev_hash", "row_hash", "seal", "sha256",
    # The name copied at the time is shown instead of the account.
    "confirmed_by", "signer",
}  # fmt: skip
# Shown for these models after all: a move changes only the position of an item of
# an ordered list, and a link's kind is what it says ("Amends").
_SHOWN_FOR = {
    "recommendation": {"position"},
    "paragraph": {"position"},
    "appendix": {"position"},
    "decisionlink": {"kind"},
}
_LABELS = {
    "decision_type": "Decision type",
    "reference_number": "Reference",
    "executive_summary": "Executive summary",
    "state": "Stage",
    "drafted_by": "Drafted by",
    "deferred": "Part 1 publication deferred",
    "deferral_reason": "Reason for deferral",
    "deferred_until": "Deferred until",
    "has_part2": "Has a Part 2",
    "approved_at": "Approved on",
    "publication_withdrawn_at": "Withdrawn from publication on",
    "publication_withdrawal_reason": "Reason for withdrawal from publication",
    "text": "Text",
    "position": "Place in the list",
    "budget_table_follows": "Budget table after this paragraph",
    "target": "Other decision",
    "kind": "How they relate",
    "description": "Description",
    "file": "File",
    "published": "Published with the decision",
    "statement": "Statement",
    "confirmed_by_name": "Confirmed by",
    "confirmed_at": "Confirmed on",
    "role": "Signed as",
    "signer_name": "Signed by",
    "signer_title": "Title",
    "signed_at": "Signed on",
    "approval_line": "Approval line",
    "interests": "Interests declared",
    "content": "Part 2 content",
    "legal_rationale": "Legal rationale for non-publication",
}
_ADDED_TEXT_LIMIT = 1_000
_EMPTY = (None, "", False)


def state_label(state: str, decision_type: DecisionType) -> str:
    """The stage in words, naming the decision type's approver where it waits for them."""
    if state == State.AWAITING_APPROVAL:
        return f"Awaiting approval by the {decision_type.approver_title}"
    return State(state).label if state in State.values else state


def decision_stage(decision) -> str:
    """Where a decision stands, in words: its stage, and whether its publication was
    withdrawn (it stays approved, but the public no longer sees it)."""
    stage = state_label(decision.state, decision.decision_type)
    if decision.publication_withdrawn_at:
        return f"{stage}, withdrawn from publication"
    return stage


def role_title(role: str, decision_type: DecisionType) -> str:
    """A role as its title: the type's approver title for its final approver, the
    signing title for a signer, else the role's name ("Head of Service")."""
    if not role:
        return ""
    if role == decision_type.final_approver:
        return decision_type.approver_title
    if role in SignOffRole.values:
        return SignOffRole(role).label
    return Role(role).label if role in Role.values else capfirst(role.replace("_", " "))


# --- Word-level differences -----------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    op: str  # "same", "ins" or "del"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """What was deleted and inserted, word by word (spaces kept with the words)."""
    before, after = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    segments = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("del", "".join(before[i1:i2])))
            if j2 > j1 and not before[i2 - 1][-1:].isspace():
                segments.append(Segment("same", " "))  # keep the two apart on screen
        if j2 > j1:
            segments.append(Segment("ins", "".join(after[j1:j2])))
    return segments


# --- Changes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str  # the model's field name (for tests and anchors), never shown
    label: str
    old: str
    new: str
    diff: list[Segment] | None = None


@dataclass(frozen=True)
class Edit:
    when: dt.datetime
    who: str
    reason: str
    what: str
    kind: str  # Added / Changed / Removed
    changes: list[FieldChange]
    model: str = ""  # the part changed: "paragraph", "signoff"…

    @property
    def when_text(self) -> str:
        return uk_datetime(self.when)

    @property
    def changes_content(self) -> bool:
        """Whether it changed what is signed, not just the workflow's bookkeeping."""
        if self.model == "signoff":
            return False
        return self.kind == "Removed" or any(c.field not in _WORKFLOW_FIELDS for c in self.changes)


# Set by the workflow (moving, numbering, signing, confirming), not content.
_WORKFLOW_FIELDS = {
    "state", "approved_at", "reference_number", "publication_withdrawn_at",
    "publication_withdrawal_reason", "confirmed_by_name", "confirmed_at",
}  # fmt: skip


@dataclass(frozen=True)
class _Names:
    """Everything a value may point to, read once for the whole page."""

    users: dict[int, str]
    references: dict[int, str]
    types: dict[int, str]
    decision_type: DecisionType


def _shown_fields(history_model) -> list[models.Field]:
    hidden = _HIDDEN_FIELDS - _SHOWN_FOR.get(history_model.instance_type._meta.model_name, set())
    return [
        field
        for field in history_model._meta.concrete_fields
        if not field.name.startswith("history_") and field.name not in hidden
    ]


def _display(field: models.Field, value, names: _Names) -> str:
    if value is None or value == "":
        return ""
    if field.choices and field.name == "state":
        return state_label(value, names.decision_type)
    if field.choices and field.name == "role":
        return role_title(value, names.decision_type)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return uk_datetime(value)
    if isinstance(value, dt.date):
        return uk_date(value)
    if isinstance(field, models.FileField):
        return "A PDF file"
    if field.name == "reference_number":
        return f"{names.decision_type.code} {value}"
    if field.name == "decision_type":
        return names.types.get(value, "")
    if field.name == "target":
        return names.references.get(value, "another decision")
    if field.name == "drafted_by":
        return names.users.get(value, "")
    return str(value)


def _label(field: models.Field) -> str:
    return _LABELS.get(field.name) or capfirst(str(field.verbose_name))


def _is_text(field: models.Field) -> bool:
    return isinstance(field, models.TextField | models.CharField) and not field.choices


def _added(record, fields, names: _Names) -> list[FieldChange]:
    """A new row: each field it was created with."""
    changes = []
    for field in fields:
        value = getattr(record, field.attname)
        # A new item's place is in its heading ("Paragraph 2.3 added").
        if value in _EMPTY or field.name == "position":
            continue
        shown = _display(field, value, names)
        if len(shown) > _ADDED_TEXT_LIMIT:
            shown = shown[: _ADDED_TEXT_LIMIT - 1] + "…"
        changes.append(FieldChange(field.name, _label(field), "", shown))
    return changes


def _changed(previous, record, fields, names: _Names) -> list[FieldChange]:
    """A saved row: each field whose value differs from the version before it."""
    changes = []
    for field in fields:
        old, new = getattr(previous, field.attname), getattr(record, field.attname)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        old_shown, new_shown = _display(field, old, names), _display(field, new, names)
        diff = word_diff(old_shown, new_shown) if _is_text(field) and old_shown else None
        changes.append(FieldChange(field.name, _label(field), old_shown, new_shown, diff))
    return changes


def _reason(reason: str) -> str:
    """A workflow step's reason ("Approve: cleared → approved") without the raw state
    names: the stage's change is listed below it in words."""
    step = re.fullmatch(r"(.+): (\w+) → (\w+)", reason)
    if step and step[2] in State.values and step[3] in State.values:
        return step[1]
    return reason


def _edits(records: QuerySet, label, names: _Names) -> list[Edit]:
    fields = _shown_fields(records.model)
    edits = []
    ordered = records.select_related("history_user").order_by("id", "history_date", "history_id")
    for _, versions in groupby(ordered, key=lambda record: record.id):
        previous = None
        for record in versions:
            if record.history_type == "+":
                changes, kind = _added(record, fields, names), "Added"
            elif record.history_type == "-":
                changes, kind = [], "Removed"
            else:
                changes = [] if previous is None else _changed(previous, record, fields, names)
                kind = "Changed"
            if changes or kind == "Removed":
                edits.append(
                    Edit(
                        when=record.history_date,
                        who=record.history_user.display_name if record.history_user else "System",
                        reason=_reason(record.history_change_reason or ""),
                        what=label(record),
                        kind=kind,
                        changes=changes,
                        model=records.model.instance_type._meta.model_name,
                    )
                )
            previous = record
    return edits


def _names(decision: Decision, sources) -> _Names:
    """One query per kind of thing named, whatever the number of history rows."""
    user_ids, target_ids, type_ids = set(), set(), set()
    for records, _ in sources:
        names = {field.name for field in records.model._meta.concrete_fields}
        if "drafted_by" in names:
            user_ids |= set(records.values_list("drafted_by_id", flat=True))
        if "target" in names:
            target_ids |= set(records.values_list("target_id", flat=True))
        if "decision_type" in names:
            type_ids |= set(records.values_list("decision_type_id", flat=True))
    targets = Decision.objects.filter(pk__in=target_ids).select_related("decision_type")
    return _Names(
        users={user.pk: user.display_name for user in User.objects.filter(pk__in=user_ids)},
        references={target.pk: target.reference or target.title for target in targets},
        types=dict(DecisionType.objects.filter(pk__in=type_ids).values_list("pk", "name")),
        decision_type=decision.decision_type,
    )


def decision_edits(decision: Decision, *, include_part2: bool) -> list[Edit]:
    """Every recorded change to the decision and its parts, newest first."""
    kinds = dict(decision.sections.values_list("pk", "kind"))
    sources = [
        (Decision.history.filter(id=decision.pk), lambda r: "Decision"),
        (
            Recommendation.history.filter(decision_id=decision.pk),
            lambda r: f"Recommendation {r.position}",
        ),
        (
            Paragraph.history.filter(section_id__in=list(kinds)),
            lambda r: f"Paragraph {kinds.get(r.section_id, '?')}.{r.position}",
        ),
        (DecisionLink.history.filter(source_id=decision.pk), lambda r: "Link"),
        (Appendix.history.filter(decision_id=decision.pk), lambda r: f"Appendix {r.position}"),
        (
            OfficerDeclaration.history.filter(decision_id=decision.pk),
            lambda r: f"Declaration: {r.get_kind_display()}",
        ),
        (
            SignOff.history.filter(decision_id=decision.pk),
            lambda r: f"Signature of the {role_title(r.role, decision.decision_type)}",
        ),
    ]
    if include_part2:
        sources.append((Part2.history.filter(decision_id=decision.pk), lambda r: "Part 2"))
    names = _names(decision, sources[:1] + sources[3:4])
    edits = [edit for records, label in sources for edit in _edits(records, label, names)]
    return sorted(edits, key=lambda edit: edit.when, reverse=True)


# --- Timeline and the content check ---------------------------------------------------

_DONE = {
    "create": "started the draft",
    "submit": "submitted it to the Head of Service",
    "clear": "cleared it and sent it to the Chief Executive",
    "sign": "signed it and sent it to the {approver}",
    "approve": "approved it",
    "reject": "rejected it",
    "return": "returned it to the officer",
    "withdraw": "withdrew the draft",
    "import": "recorded it as a historical decision",
    "withdraw_publication": "withdrew it from publication",
    "comment": "commented",
}


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime
    who: str
    role: str
    did: str  # "submitted it to the Head of Service"
    now: str  # the stage after it, if it changed
    comment: str
    is_comment: bool

    @property
    def when_text(self) -> str:
        return uk_datetime(self.when)


@dataclass(frozen=True)
class SignatureCheck:
    sign_off: SignOff
    title: str  # the role signed in, as its title
    unchanged: bool

    @property
    def sentence(self) -> str:
        signed = f"{self.sign_off.signer_name}, {self.title}, signed it on "
        signed += uk_datetime(self.sign_off.signed_at)
        if self.unchanged:
            return f"The signed content has not changed since {signed}."
        return f"The content has changed since {signed}."


@dataclass(frozen=True)
class IntegrityReport:
    stage: str  # where the decision is now, in words
    events: list[TimelineEntry]
    signatures: list[SignatureCheck]
    # For approved decisions: does what is stored still match what was approved?
    verdict: str | None
    # When it does not: the recorded changes since the first signature (may be none).
    changed_since: list[Edit]
    # Rows whose seal, chain or history says they were altered outside the service
    # (decisions.selectors.integrity, the check verify_audit makes).
    breaks: list[Break] = dataclass_field(default_factory=list)

    @property
    def intact(self) -> bool | None:
        return None if self.verdict is None else self.verdict == "matches"


def _entry(event: DecisionEvent, decision_type: DecisionType) -> TimelineEntry:
    did = _DONE.get(event.action, event.action.replace("_", " "))
    moved = event.from_state != event.to_state
    return TimelineEntry(
        when=event.created_at,
        who=event.actor_name,
        role=role_title(event.actor_role, decision_type),
        did=did.format(approver=decision_type.approver_title),
        now=state_label(event.to_state, decision_type) if moved else "",
        comment=event.comment,
        is_comment=event.action == "comment",
    )


def decision_integrity(decision: Decision, *, include_part2: bool = False) -> IntegrityReport:
    """The timeline, and whether the content still matches what was signed (naming
    the recorded changes since, Part 2's only if ``include_part2``)."""
    decision_type = decision.decision_type
    current = decision_content_digest(decision)
    events = list(decision.events.order_by("created_at", "pk"))
    signatures = [
        SignatureCheck(s, role_title(s.role, decision_type), s.content_digest == current)
        for s in decision.sign_offs.order_by("signed_at")
    ]
    # The same checks as verify_audit, for this decision's rows: its event chain,
    # its rows against their history, and (once approved) the seals of its record.
    breaks = decision_event_breaks(events) + decision_history_breaks(decision)
    verdict = None
    if decision.state == State.APPROVED:
        breaks += decision_record_breaks(decision)
        final = [e for e in events if e.to_state == State.APPROVED and e.action != "comment"]
        signed = [e.content_digest for e in final[:1]] + [
            s.sign_off.content_digest for s in signatures
        ]
        intact = signed and all(d == current for d in signed) and not breaks
        verdict = "matches" if intact else "differs"
    changed_since = []
    if signatures and not all(s.unchanged for s in signatures):
        first = signatures[0].sign_off.signed_at
        edits = decision_edits(decision, include_part2=include_part2)
        changed_since = [edit for edit in edits if edit.when > first and edit.changes_content]
    return IntegrityReport(
        stage=decision_stage(decision),
        events=[_entry(event, decision_type) for event in events],
        signatures=signatures,
        verdict=verdict,
        changed_since=changed_since,
        breaks=breaks,
    )
