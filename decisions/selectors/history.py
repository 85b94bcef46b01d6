"""The internal history of a decision: its events, field-by-field changes, and a
check that the signed content still matches what is stored."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import QuerySet

from decisions.digest import decision_content_digest
from decisions.models import (
    Appendix,
    Decision,
    DecisionEvent,
    DecisionLink,
    OfficerDeclaration,
    Paragraph,
    Part2,
    Recommendation,
    SignOff,
)
from decisions.workflow import State

_IGNORED_FIELDS = {"updated_at", "version", "id", "decision", "section"}
_TEXT_LIMIT = 300
# Values not worth listing for a new row.
_EMPTY = (None, "", False)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Edit:
    when: object
    who: str
    reason: str
    what: str
    kind: str  # Added / Changed / Removed
    changes: list[FieldChange]


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def _tracked_fields(history_model) -> list:
    """The fields history keeps for a model (some, such as the search index, are
    excluded from it), less bookkeeping, in the history table's order."""
    return [
        field
        for field in history_model._meta.concrete_fields
        if not field.name.startswith("history_") and field.name not in _IGNORED_FIELDS
    ]


def _added(record, fields) -> list[FieldChange]:
    """A new row: each field it was created with."""
    values = ((field.attname, getattr(record, field.attname)) for field in fields)
    return [FieldChange(name, "", _short(value)) for name, value in values if value not in _EMPTY]


def _changed(previous, record, fields) -> list[FieldChange]:
    """A saved row: simple-history's diff against the version before it."""
    # Only editable fields can change (`created_at` is set once, and diff_against's
    # model_to_dict skips fields that are not editable).
    names = [field.name for field in fields if field.editable]
    delta = record.diff_against(previous, included_fields=names)
    position = {field.name: index for index, field in enumerate(fields)}
    attname = {field.name: field.attname for field in fields}
    return [
        FieldChange(attname[change.field], _short(change.old), _short(change.new))
        for change in sorted(delta.changes, key=lambda change: position[change.field])
    ]


def _edits(records: QuerySet, label) -> list[Edit]:
    fields = _tracked_fields(records.model)
    edits = []
    ordered = records.select_related("history_user").order_by("id", "history_date", "history_id")
    for _, versions in groupby(ordered, key=lambda record: record.id):
        previous = None
        for record in versions:
            if record.history_type == "+":
                changes, kind = _added(record, fields), "Added"
            elif record.history_type == "-":
                changes, kind = [], "Removed"
            else:
                changes = [] if previous is None else _changed(previous, record, fields)
                kind = "Changed"
            if changes or kind == "Removed":
                edits.append(
                    Edit(
                        when=record.history_date,
                        who=record.history_user.display_name if record.history_user else "System",
                        reason=record.history_change_reason or "",
                        what=label(record),
                        kind=kind,
                        changes=changes,
                    )
                )
            previous = record
    return edits


def decision_edits(decision: Decision, *, include_part2: bool) -> list[Edit]:
    """Every recorded change to the decision and its parts, newest first."""
    section_ids = list(decision.sections.values_list("pk", flat=True))
    kinds = dict(decision.sections.values_list("pk", "kind"))
    sources = [
        (Decision.history.filter(id=decision.pk), lambda r: "Decision"),
        (
            Recommendation.history.filter(decision_id=decision.pk),
            lambda r: f"Recommendation {r.position}",
        ),
        (
            Paragraph.history.filter(section_id__in=section_ids),
            lambda r: f"Paragraph {kinds.get(r.section_id, '?')}.{r.position}",
        ),
        (DecisionLink.history.filter(source_id=decision.pk), lambda r: "Link"),
        (Appendix.history.filter(decision_id=decision.pk), lambda r: f"Appendix {r.position}"),
        (
            OfficerDeclaration.history.filter(decision_id=decision.pk),
            lambda r: f"Declaration: {r.get_kind_display()}",
        ),
        (SignOff.history.filter(decision_id=decision.pk), lambda r: "Sign-off"),
    ]
    if include_part2:
        sources.append((Part2.history.filter(decision_id=decision.pk), lambda r: "Part 2"))
    edits = [edit for records, label in sources for edit in _edits(records, label)]
    return sorted(edits, key=lambda edit: edit.when, reverse=True)


@dataclass(frozen=True)
class EventCheck:
    event: DecisionEvent
    matches_current: bool


@dataclass(frozen=True)
class IntegrityReport:
    current_digest: str
    events: list[EventCheck]
    signatures: list[tuple[SignOff, bool]]
    # For approved decisions: does what is stored still match what was signed?
    verdict: str | None

    @property
    def intact(self) -> bool | None:
        return None if self.verdict is None else self.verdict == "matches"


def decision_integrity(decision: Decision) -> IntegrityReport:
    current = decision_content_digest(decision)
    events = list(decision.events.select_related("actor").order_by("created_at", "pk"))
    signatures = [(s, s.content_digest == current) for s in decision.sign_offs.all()]
    verdict = None
    if decision.state == State.APPROVED:
        final = [e for e in events if e.to_state == State.APPROVED]
        signed = [e.content_digest for e in final] + [s.content_digest for s, _ in signatures]
        verdict = "matches" if signed and all(d == current for d in signed) else "differs"
    return IntegrityReport(
        current_digest=current,
        events=[EventCheck(e, e.content_digest == current) for e in events],
        signatures=signatures,
        verdict=verdict,
    )
