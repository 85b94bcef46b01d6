"""A decision type's rules that decide who approves and which reference comes next:
which fields they are, how each is checked and how it reads on a page."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from core.errors import DomainError
from core.money import format_money
from decisions.models import Decision, DecisionType, SignOffRole
from governance.messages import GovernanceMessages as M

# Field -> what the pages call it. Nothing else of a decision type changes here.
RULE_FIELDS: dict[str, str] = {
    "final_approver": "Final approver",
    "approver_title": "Approver's title on the record",
    "delegation_limit_pence": "Delegation limit",
    "last_number": "Last reference number given",
}
APPROVER_TITLE_MAX_LENGTH = DecisionType._meta.get_field("approver_title").max_length


def rules_of(decision_type: DecisionType) -> dict[str, Any]:
    return {field: getattr(decision_type, field) for field in RULE_FIELDS}


def rule_value_text(decision_type: DecisionType, field: str, value: Any) -> str:
    if field == "final_approver":
        return SignOffRole(value).label
    if field == "delegation_limit_pence":
        return "No limit" if value is None else format_money(value)
    if field == "last_number":
        return f"{decision_type.code} {value}" if value else "None given yet"
    return str(value)


def rules_text(decision_type: DecisionType, rules: dict[str, Any]) -> str:
    return "; ".join(
        f"{RULE_FIELDS[field]}: {rule_value_text(decision_type, field, value)}"
        for field, value in rules.items()
    )


def highest_reference_used(decision_type: DecisionType) -> int:
    used = Decision.objects.filter(decision_type=decision_type).aggregate(
        top=Max("reference_number")
    )["top"]
    return max(used or 0, decision_type.last_number)


def _whole(value: Any, *, above: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > above


def rules_check(decision_type: DecisionType, proposed: dict[str, Any]) -> dict[str, Any]:
    """The proposed rules that differ from the current ones, each checked; a
    DomainError names the field at fault. Called at request and again at
    confirmation (the type may have moved on in between)."""
    changes: dict[str, Any] = {}
    for field, value in proposed.items():
        if field not in RULE_FIELDS:
            raise DomainError(M.NO_RULE_CHANGE)
        if field == "final_approver" and value not in SignOffRole.values:
            raise DomainError(M.APPROVER_INVALID, field=field)
        if field == "approver_title":
            value = (value or "").strip()
            if not value or len(value) > APPROVER_TITLE_MAX_LENGTH:
                raise DomainError(M.APPROVER_TITLE_INVALID, field=field)
        if field == "delegation_limit_pence" and value is not None and not _whole(value, above=0):
            raise DomainError(M.LIMIT_INVALID, field=field)
        if field == "last_number":
            if not _whole(value, above=-1):
                raise DomainError(M.LAST_NUMBER_INVALID, field=field)
            used = highest_reference_used(decision_type)
            # Forward only: going back would issue a reference twice or out of order.
            if value < used:
                raise DomainError(
                    M.LAST_NUMBER_BACKWARDS, field=field, code=decision_type.code, used=used
                )
        if getattr(decision_type, field) != value:
            changes[field] = value
    if not changes:
        raise DomainError(M.NO_RULE_CHANGE)
    return changes
