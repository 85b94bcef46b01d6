"""Reads for the governance pages, and the one question decisions asks of them:
who is in an office on a day (``office_holder_on``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from decisions.models import DecisionType
from governance.models import ChangeRequest, GovernanceAuditEntry, OfficeHolder
from governance.policy import is_user_admin


def office_holder_on(*, role: str, user: User, day: dt.date) -> OfficeHolder | None:
    """This user's term in this office (DMPC or Chief Executive) that includes the
    day, or None: they may not sign as it then."""
    return (
        OfficeHolder.objects.filter(role=role, user=user, from_date__lte=day)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=day))
        .order_by("-from_date")
        .first()
    )


def office_holders() -> QuerySet[OfficeHolder]:
    return OfficeHolder.objects.select_related("user").order_by("role", "-from_date", "pk")


def roles_of(user: User) -> list[Role]:
    labels = {group.name for group in user.groups.all()}
    return [role for role in Role if role.label in labels]


@dataclass(frozen=True)
class PersonRow:
    user: User
    roles: list[Role]


def people() -> list[PersonRow]:
    """Everyone who can sign in, with the roles they hold, by name."""
    users = User.objects.order_by("last_name", "first_name", "username").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )
    return [PersonRow(user=user, roles=roles_of(user)) for user in users]


def _with_people(queryset: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
    return queryset.select_related(
        "requested_by", "decided_by", "subject", "decision_type", "office_holder"
    )


def pending_requests() -> QuerySet[ChangeRequest]:
    """Waiting for a second user administrator and not yet expired."""
    return _with_people(
        ChangeRequest.objects.filter(state="pending", expires_at__gt=timezone.now())
    )


def closed_requests(limit: int = 50) -> QuerySet[ChangeRequest]:
    """Decided or expired requests, latest first."""
    expired = Q(state="pending", expires_at__lte=timezone.now())
    return _with_people(ChangeRequest.objects.filter(~Q(state="pending") | expired))[:limit]


def requests_to_confirm(user: User) -> QuerySet[ChangeRequest]:
    """What this user administrator may confirm now: waiting requests someone else
    asked for, about someone else (governance.policy.decide_refusal's rules)."""
    if not is_user_admin(user):
        return ChangeRequest.objects.none()
    return (
        pending_requests()
        .exclude(requested_by=user)
        .filter(Q(subject__isnull=True) | ~Q(subject=user))
    )


def change_request(pk: int) -> ChangeRequest | None:
    return _with_people(ChangeRequest.objects.filter(pk=pk)).first()


def pending_for_person(user: User) -> QuerySet[ChangeRequest]:
    return pending_requests().filter(subject=user)


def decision_types() -> QuerySet[DecisionType]:
    return DecisionType.objects.order_by("code")


def audit_entries() -> QuerySet[GovernanceAuditEntry]:
    return GovernanceAuditEntry.objects.order_by("-confirmed_at", "-pk")
