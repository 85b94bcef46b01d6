"""Asking for a change of power, and a second user administrator confirming,
refusing or (its requester) cancelling it. Nothing changes until confirmation;
then the change, its audit row and the security log line are one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.errors import DomainError
from core.security_log import security_event
from decisions.models import DecisionType, SignOffRole
from governance import policy
from governance.effects import change_apply
from governance.messages import GovernanceMessages as M
from governance.models import (
    REASON_MAX_LENGTH,
    REQUEST_LIFETIME,
    ChangeKind,
    ChangeRequest,
    OfficeHolder,
)
from governance.rules import rules_check
from governance.validation import (
    office_holder_add_check,
    office_holder_end_check,
    role_check,
    second_factor_reset_check,
)

# The security log's action for each kind of change.
SECURITY_ACTIONS = {
    ChangeKind.ROLE_GRANT: "role_grant",
    ChangeKind.ROLE_REMOVE: "role_remove",
    ChangeKind.RULE_CHANGE: "rule_change",
    ChangeKind.OFFICE_HOLDER_ADD: "office_holder_change",
    ChangeKind.OFFICE_HOLDER_END: "office_holder_change",
    ChangeKind.SECOND_FACTOR_RESET: "second_factor_reset",
}


def _reason_clean(reason: str, *, limit: int = REASON_MAX_LENGTH, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(M.REASON_REQUIRED, field="reason")
    if len(reason) > limit:
        raise DomainError(M.REASON_TOO_LONG, field="reason", limit=f"{limit:,}")
    return reason


def _log(kind: str, outcome: str, *, user: User, http_request: HttpRequest | None, **detail):
    security_event(
        SECURITY_ACTIONS[ChangeKind(kind)],
        outcome=outcome,
        request=http_request,
        user=user,
        **detail,
    )


def _allowed_to_request(
    *, user: User, kind: str, subject: User | None, http_request: HttpRequest | None
) -> None:
    refused = policy.request_refusal(user, subject=subject)
    if refused is not None:
        _log(kind, "refused", user=user, http_request=http_request, reason=refused.message)
        raise refused


def _request_create(
    *, user: User, kind: str, reason: str, http_request: HttpRequest | None, **fields: Any
) -> ChangeRequest:
    now = timezone.now()
    change = ChangeRequest(
        kind=kind,
        requested_by=user,
        reason=reason,
        requested_at=now,
        expires_at=now + REQUEST_LIFETIME,
        **fields,
    )
    change.full_clean(validate_constraints=False)
    change.save()
    _log(kind, "requested", user=user, http_request=http_request, change_request=change.pk)
    return change


@transaction.atomic
def role_change_request(
    *,
    user: User,
    subject: User,
    role: str,
    grant: bool,
    reason: str,
    http_request: HttpRequest | None = None,
) -> ChangeRequest:
    """Ask for ``subject`` to be given (``grant``) or lose a role."""
    kind = ChangeKind.ROLE_GRANT if grant else ChangeKind.ROLE_REMOVE
    _allowed_to_request(user=user, kind=kind, subject=subject, http_request=http_request)
    reason = _reason_clean(reason)
    role_check(subject=subject, role=role, grant=grant)
    waiting = ChangeRequest.objects.filter(
        state="pending", expires_at__gt=timezone.now(), kind=kind, subject=subject, role=role
    ).first()
    if waiting is not None:
        raise DomainError(M.ALREADY_PENDING, pk=waiting.pk)
    return _request_create(
        user=user, kind=kind, reason=reason, http_request=http_request, subject=subject, role=role
    )


@transaction.atomic
def rule_change_request(
    *,
    user: User,
    decision_type: DecisionType,
    rules: dict[str, Any],
    reason: str,
    http_request: HttpRequest | None = None,
) -> ChangeRequest:
    """Ask for a decision type's rules (approver, limit, numbering) to change."""
    kind = ChangeKind.RULE_CHANGE
    _allowed_to_request(user=user, kind=kind, subject=None, http_request=http_request)
    changes = rules_check(decision_type, rules)
    reason = _reason_clean(reason)
    return _request_create(
        user=user,
        kind=kind,
        reason=reason,
        http_request=http_request,
        decision_type=decision_type,
        new_rules=changes,
    )


@transaction.atomic
def office_holder_add_request(
    *,
    user: User,
    subject: User,
    role: str,
    name: str,
    title: str,
    from_date: dt.date,
    to_date: dt.date | None = None,
    reason: str,
    http_request: HttpRequest | None = None,
) -> ChangeRequest:
    """Ask for ``subject`` to be recorded as the DMPC or Chief Executive from a date."""
    kind = ChangeKind.OFFICE_HOLDER_ADD
    _allowed_to_request(user=user, kind=kind, subject=subject, http_request=http_request)
    name, title = office_holder_add_check(
        subject=subject, role=role, name=name, title=title, from_date=from_date, to_date=to_date
    )
    reason = _reason_clean(reason)
    return _request_create(
        user=user,
        kind=kind,
        reason=reason,
        http_request=http_request,
        subject=subject,
        role=SignOffRole(role).value,
        holder_name=name,
        holder_title=title,
        from_date=from_date,
        to_date=to_date,
    )


@transaction.atomic
def office_holder_end_request(
    *,
    user: User,
    office_holder: OfficeHolder,
    to_date: dt.date,
    reason: str,
    http_request: HttpRequest | None = None,
) -> ChangeRequest:
    """Ask for an office holder's term to end on a date."""
    kind = ChangeKind.OFFICE_HOLDER_END
    _allowed_to_request(user=user, kind=kind, subject=office_holder.user, http_request=http_request)
    office_holder_end_check(office_holder=office_holder, to_date=to_date)
    reason = _reason_clean(reason)
    return _request_create(
        user=user,
        kind=kind,
        reason=reason,
        http_request=http_request,
        subject=office_holder.user,
        role=office_holder.role,
        office_holder=office_holder,
        to_date=to_date,
    )


@transaction.atomic
def second_factor_reset_request(
    *, user: User, subject: User, reason: str, http_request: HttpRequest | None = None
) -> ChangeRequest:
    """Ask for ``subject``'s authenticator app to be reset (they lost their phone):
    once confirmed, their app is deleted and they set one up at their next sign-in."""
    kind = ChangeKind.SECOND_FACTOR_RESET
    _allowed_to_request(user=user, kind=kind, subject=subject, http_request=http_request)
    reason = _reason_clean(reason)
    second_factor_reset_check(subject=subject)
    waiting = ChangeRequest.objects.filter(
        state="pending", expires_at__gt=timezone.now(), kind=kind, subject=subject
    ).first()
    if waiting is not None:
        raise DomainError(M.ALREADY_PENDING, pk=waiting.pk)
    return _request_create(
        user=user, kind=kind, reason=reason, http_request=http_request, subject=subject
    )


def _lock_and_check(
    *, user: User, change: ChangeRequest, decision: str, http_request: HttpRequest | None
) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    refused = policy.decide_refusal(user, locked, decision=decision)
    if refused is not None:
        _log(
            locked.kind,
            "refused",
            user=user,
            http_request=http_request,
            change_request=locked.pk,
            attempted=decision,
            reason=refused.message,
        )
        raise refused
    return locked


@transaction.atomic
def change_request_confirm(
    *, user: User, change: ChangeRequest, http_request: HttpRequest | None = None
) -> ChangeRequest:
    """The second user administrator confirms: the change takes effect now, with its
    audit row. The rules are checked again, as things may have moved on."""
    locked = _lock_and_check(
        user=user, change=change, decision="confirm", http_request=http_request
    )
    locked.state = "confirmed"
    locked.decided_by = user
    locked.decided_at = timezone.now()
    change_apply(change=locked, confirmer=user)
    locked.save()
    _log(
        locked.kind,
        "success",
        user=user,
        http_request=http_request,
        change_request=locked.pk,
        requested_by=locked.requested_by.get_username(),
    )
    return locked


def _close(
    *,
    user: User,
    change: ChangeRequest,
    decision: str,
    note: str,
    http_request: HttpRequest | None,
) -> ChangeRequest:
    locked = _lock_and_check(user=user, change=change, decision=decision, http_request=http_request)
    locked.state = "refused" if decision == "refuse" else "cancelled"
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.decision_note = _reason_clean(note, required=False)
    locked.save()
    _log(
        locked.kind,
        "refused",
        user=user,
        http_request=http_request,
        change_request=locked.pk,
        decision=locked.state,
    )
    return locked


@transaction.atomic
def change_request_refuse(
    *, user: User, change: ChangeRequest, note: str = "", http_request: HttpRequest | None = None
) -> ChangeRequest:
    """Another user administrator refuses the change: it never takes effect."""
    return _close(user=user, change=change, decision="refuse", note=note, http_request=http_request)


@transaction.atomic
def change_request_cancel(
    *, user: User, change: ChangeRequest, note: str = "", http_request: HttpRequest | None = None
) -> ChangeRequest:
    """The requester withdraws their own request."""
    return _close(user=user, change=change, decision="cancel", note=note, http_request=http_request)
