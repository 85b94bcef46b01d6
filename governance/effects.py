"""What a confirmed change does: applied inside the confirming transaction, with
the audit row that says who asked, who confirmed, why, and before → after."""

from __future__ import annotations

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from accounts.second_factor import second_factor_reset
from core.audit import save_audited
from core.page_cache import pages_invalidate_all
from decisions.models import DecisionType, SignOffRole
from governance.models import ChangeKind, ChangeRequest, GovernanceAuditEntry, OfficeHolder
from governance.rules import rules_check, rules_of, rules_text
from governance.validation import (
    held_roles,
    office_holder_add_check,
    office_holder_end_check,
    role_check,
    second_factor_reset_check,
)


def _roles_text(roles: set[Role]) -> str:
    return ", ".join(role.label for role in Role if role in roles) or "No roles"


def _person(user: User) -> str:
    return f"{user.display_name} ({user.get_username()})"


def _term(holder_name: str, title: str, from_date, to_date) -> str:
    until = f"{to_date:%-d %B %Y}" if to_date else "no end date"
    return f"{holder_name}, {title}, from {from_date:%-d %B %Y} to {until}"


def _role_apply(change: ChangeRequest, confirmer: User) -> tuple[str, str, str]:
    subject = User.objects.select_for_update().get(pk=change.subject_id)
    grant = change.kind == ChangeKind.ROLE_GRANT
    role_check(subject=subject, role=change.role, grant=grant)
    before = held_roles(subject)
    group = Group.objects.get(name=Role(change.role).label)
    if grant:
        subject.groups.add(group)
    else:
        subject.groups.remove(group)
    after = held_roles(subject)
    # The back office (/admin/) is for records managers: staff status follows the role.
    staff = Role.RECORDS_MANAGER in after
    if subject.is_staff != staff and not subject.is_superuser:
        subject.is_staff = staff
        save_audited(subject, user=confirmer, reason=f"Change request {change.pk}: {change.reason}")
    return _person(subject), _roles_text(before), _roles_text(after)


def _rules_apply(change: ChangeRequest, confirmer: User) -> tuple[str, str, str]:
    decision_type = DecisionType.objects.select_for_update().get(pk=change.decision_type_id)
    changes = rules_check(decision_type, change.new_rules)
    before = rules_text(
        decision_type, {f: v for f, v in rules_of(decision_type).items() if f in changes}
    )
    for field, value in changes.items():
        setattr(decision_type, field, value)
    save_audited(
        decision_type, user=confirmer, reason=f"Change request {change.pk}: {change.reason}"
    )
    # Published pages print the type's name and approver's title: drop them all.
    pages_invalidate_all()
    return str(decision_type), before, rules_text(decision_type, changes)


def _office_add_apply(change: ChangeRequest, confirmer: User) -> tuple[str, str, str]:
    subject = User.objects.get(pk=change.subject_id)
    name, title = office_holder_add_check(
        subject=subject,
        role=change.role,
        name=change.holder_name,
        title=change.holder_title,
        from_date=change.from_date,
        to_date=change.to_date,
    )
    holder = OfficeHolder(
        role=change.role,
        name=name,
        title=title,
        user=subject,
        from_date=change.from_date,
        to_date=change.to_date,
    )
    holder.full_clean()
    holder.save()
    office = SignOffRole(change.role).label
    after = _term(name, title, change.from_date, change.to_date)
    return f"{office}: {_person(subject)}", "Not in office", after


def _office_end_apply(change: ChangeRequest, confirmer: User) -> tuple[str, str, str]:
    holder = OfficeHolder.objects.select_for_update().get(pk=change.office_holder_id)
    office_holder_end_check(office_holder=holder, to_date=change.to_date)
    before = _term(holder.name, holder.title, holder.from_date, holder.to_date)
    holder.to_date = change.to_date
    holder.full_clean()
    holder.save()
    after = _term(holder.name, holder.title, holder.from_date, holder.to_date)
    return f"{holder.get_role_display()}: {_person(holder.user)}", before, after


def _second_factor_reset_apply(change: ChangeRequest, confirmer: User) -> tuple[str, str, str]:
    subject = User.objects.select_for_update().get(pk=change.subject_id)
    second_factor_reset_check(subject=subject)
    second_factor_reset(user=subject, acting_user=confirmer)
    return (
        _person(subject),
        "Authenticator app set up",
        "No authenticator app: they set it up again when they next sign in",
    )


APPLY = {
    ChangeKind.ROLE_GRANT: _role_apply,
    ChangeKind.ROLE_REMOVE: _role_apply,
    ChangeKind.RULE_CHANGE: _rules_apply,
    ChangeKind.OFFICE_HOLDER_ADD: _office_add_apply,
    ChangeKind.OFFICE_HOLDER_END: _office_end_apply,
    ChangeKind.SECOND_FACTOR_RESET: _second_factor_reset_apply,
}


def change_apply(*, change: ChangeRequest, confirmer: User) -> GovernanceAuditEntry:
    """Called by change_request_confirm inside its transaction, the request locked."""
    subject, before, after = APPLY[ChangeKind(change.kind)](change, confirmer)
    return GovernanceAuditEntry.objects.create(
        change=change,
        kind=change.kind,
        requested_by_name=change.requested_by.display_name,
        requested_at=change.requested_at,
        confirmed_by_name=confirmer.display_name,
        confirmed_at=change.decided_at,
        reason=change.reason,
        subject=subject[:400],
        before=before,
        after=after,
    )
