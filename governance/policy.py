"""Who may do what with roles, rules and office holders: the governance pages'
part of the one statement of authorisation (decisions/policy.py has the rest).

Deny by default: an anonymous or inactive user has no permission at all."""

from __future__ import annotations

from django.utils import timezone

from accounts.roles import DECISION_ROLES
from core.errors import DomainError
from decisions import policy as decisions_policy
from governance.messages import GovernanceMessages as M
from governance.models import REQUEST_LIFETIME

ADMINISTER_PERMISSION = "governance.administer_people"
AUDIT_PERMISSION = "governance.view_governance_audit"


def holds_decision_role(user) -> bool:
    return user.groups.filter(name__in=[role.label for role in DECISION_ROLES]).exists()


def is_user_admin(user) -> bool:
    """A user administrator acts only while holding no decision role: should both
    ever meet in one account, it may neither grant power nor use it here."""
    return (
        user.is_active
        and user.has_perm(ADMINISTER_PERMISSION)
        and not user.is_superuser
        and not holds_decision_role(user)
    )


def can_view_audit(user) -> bool:
    """User administrators and records managers read who changed what (read only)."""
    return is_user_admin(user) or (
        user.has_perm(AUDIT_PERMISSION) and decisions_policy.is_records_manager(user)
    )


def request_refusal(user, *, subject=None) -> DomainError | None:
    """Why this user may not ask for a change (about this person), or None."""
    if not is_user_admin(user):
        return DomainError(M.NOT_USER_ADMIN)
    if subject is not None and subject.pk == user.pk:
        return DomainError(M.ABOUT_YOURSELF)
    return None


def decide_refusal(user, change, *, decision: str) -> DomainError | None:
    """Why this user may not confirm, refuse or cancel this request now, or None.
    ``decision`` is "confirm", "refuse" or "cancel"."""
    if not is_user_admin(user):
        return DomainError(M.NOT_USER_ADMIN)
    if change.state != "pending":
        return DomainError(M.NOT_PENDING, state=change.get_state_display().lower())
    mine = change.requested_by_id == user.pk
    if decision == "cancel":
        return None if mine else DomainError(M.NOT_REQUESTER)
    if mine:
        return DomainError(M.OWN_REQUEST)  # the two-person rule
    if change.subject_id == user.pk:
        return DomainError(M.ABOUT_YOURSELF)
    if decision == "confirm" and change.expires_at <= timezone.now():
        return DomainError(
            M.EXPIRED,
            expired=f"{timezone.localtime(change.expires_at):%-d %B %Y}",
            days=REQUEST_LIFETIME.days,
        )
    return None


def decisions_open_to(user, change) -> list[str]:
    """The buttons this user sees on a request: what the server would accept."""
    return [
        decision
        for decision in ("confirm", "refuse", "cancel")
        if decide_refusal(user, change, decision=decision) is None
    ]
