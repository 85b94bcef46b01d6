"""The rules a role or office change must keep, checked when it is asked for and
again when it is confirmed (the people may have changed in between)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from accounts.models import User
from accounts.roles import DECISION_ROLES, Role
from accounts.second_factor import has_device
from core.errors import DomainError
from decisions.models import SignOffRole
from governance.messages import GovernanceMessages as M
from governance.models import OfficeHolder

NAME_MAX_LENGTH = OfficeHolder._meta.get_field("name").max_length
TITLE_MAX_LENGTH = OfficeHolder._meta.get_field("title").max_length


def held_roles(user: User) -> set[Role]:
    labels = set(user.groups.values_list("name", flat=True))
    return {role for role in Role if role.label in labels}


def role_check(*, subject: User, role: str, grant: bool) -> None:
    if role not in Role.values:
        raise DomainError(M.ROLE_INVALID, field="role")
    role = Role(role)
    held = held_roles(subject)
    person = subject.display_name
    if not grant:
        if role not in held:
            raise DomainError(M.ROLE_NOT_HELD, field="role", person=person, role=role.label)
        return
    if not subject.is_active:
        raise DomainError(M.PERSON_INACTIVE, person=person)
    if role in held:
        raise DomainError(M.ROLE_ALREADY_HELD, field="role", person=person, role=role.label)
    # Whoever grants power holds none: the two never meet in one account.
    decision_roles = held & set(DECISION_ROLES)
    if role == Role.USER_ADMIN and decision_roles:
        roles = ", ".join(sorted(r.label for r in decision_roles))
        raise DomainError(M.ADMIN_HOLDS_DECISION_ROLE, field="role", person=person, roles=roles)
    if role in DECISION_ROLES and Role.USER_ADMIN in held:
        raise DomainError(M.DECISION_ROLE_FOR_ADMIN, field="role", person=person)


def _text(value: str, *, field: str, label: str, limit: int, required: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(M.HOLDER_TOO_LONG, field=field, label=label, limit=f"{limit:,}")
    return value


def office_holder_add_check(
    *,
    subject: User,
    role: str,
    name: str,
    title: str,
    from_date: dt.date,
    to_date: dt.date | None,
) -> tuple[str, str]:
    """The cleaned name and title; refuses an office for someone without its role, or
    a term overlapping one they already hold."""
    if role not in SignOffRole.values:
        raise DomainError(M.ROLE_INVALID, field="role")
    name = _text(
        name, field="name", label="Name", limit=NAME_MAX_LENGTH, required=M.HOLDER_NAME_REQUIRED
    )
    title = _text(
        title,
        field="title",
        label="Title",
        limit=TITLE_MAX_LENGTH,
        required=M.HOLDER_TITLE_REQUIRED,
    )
    if to_date is not None and to_date < from_date:
        raise DomainError(M.HOLDER_DATES, field="to_date", start=f"{from_date:%-d %B %Y}")
    if Role(role) not in held_roles(subject):
        raise DomainError(
            M.HOLDER_USER_ROLE, field="user", person=subject.display_name, role=Role(role).label
        )
    overlapping = OfficeHolder.objects.filter(role=role, user=subject).filter(
        Q(to_date__isnull=True) | Q(to_date__gte=from_date)
    )
    if to_date is not None:
        overlapping = overlapping.filter(from_date__lte=to_date)
    if overlapping.exists():
        raise DomainError(
            M.HOLDER_OVERLAP,
            field="from_date",
            person=subject.display_name,
            office=SignOffRole(role).label,
        )
    return name, title


def office_holder_end_check(*, office_holder: OfficeHolder, to_date: dt.date) -> None:
    if office_holder.to_date is not None:
        raise DomainError(M.HOLDER_ALREADY_ENDED, day=f"{office_holder.to_date:%-d %B %Y}")
    if to_date < office_holder.from_date:
        raise DomainError(
            M.HOLDER_DATES, field="to_date", start=f"{office_holder.from_date:%-d %B %Y}"
        )


def second_factor_reset_check(*, subject: User) -> None:
    """A reset needs an app to reset: one set up, or half set up."""
    if not has_device(subject):
        raise DomainError(M.NO_AUTHENTICATOR_APP, person=subject.display_name)
