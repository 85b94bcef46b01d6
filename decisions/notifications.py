"""Email whoever must act next, and the officers when their decision comes back,
is rejected or is approved. Sent only once the transaction has committed."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from decisions.models import Decision
from decisions.workflow import ROLE_PERMISSION, TRANSITIONS, State

logger = logging.getLogger(__name__)

# After each action, which state's actor is next (None: tell the officers).
_NEXT_STATE = {
    "submit": State.SUBMITTED,
    "clear": State.CLEARED,
    "sign": State.AWAITING_APPROVAL,
}


def users_with_permission(permission: str) -> list[User]:
    app_label, codename = permission.split(".")
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=granted) | Q(user_permissions__in=granted))
        .exclude(email="")
        .distinct()
    )


def _officers(decision: Decision) -> list[User]:
    people = [decision.drafted_by, *decision.shared_with.all()]
    return [person for person in people if person.email and person.is_active]


def recipients(decision: Decision, action: str) -> list[User]:
    if action in _NEXT_STATE:
        transition = next(t for t in TRANSITIONS.values() if _NEXT_STATE[action] in t.actors)
        role = transition.actor_for(_NEXT_STATE[action], decision.decision_type.final_approver)
        if role is None:  # e.g. a CEOD after clearing: the CE approves it directly
            role = TRANSITIONS["approve"].actor_for(
                _NEXT_STATE[action], decision.decision_type.final_approver
            )
        drafters = {person.pk for person in [decision.drafted_by, *decision.shared_with.all()]}
        return [
            user for user in users_with_permission(ROLE_PERMISSION[role]) if user.pk not in drafters
        ]
    if action in ("return", "reject", "approve"):
        return _officers(decision)
    return []


def notify_transition(*, decision: Decision, action: str, actor: User, comment: str) -> None:
    people = recipients(decision, action)
    if not people:
        return
    label = decision.reference or "A draft decision"
    subject = f"{label}: {TRANSITIONS[action].label.lower()} by {actor.display_name}"
    # Reviewers open the review page; officers their task list.
    page = "drafting:review" if action in _NEXT_STATE else "drafting:overview"
    path = reverse(page, kwargs={"pk": decision.pk})
    body = (
        f"{label} – {decision.title}\n\n"
        f"{actor.display_name} chose: {TRANSITIONS[action].label}.\n"
        f"It is now {decision.get_state_display().lower()}.\n"
        + (f"\nComment: {comment}\n" if comment else "")
        + f"\nOpen it: {settings.SITE_URL}{path}\n"
    )
    addresses = sorted({person.email for person in people})

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        except OSError:
            # A mail outage must not undo a signature; the event log has the record.
            logger.exception("Could not send the notification for decision %s", decision.pk)

    transaction.on_commit(send)
