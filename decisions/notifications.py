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
from decisions.workflow import ROLE_PERMISSION, TRANSITIONS, next_role

logger = logging.getLogger(__name__)


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
    """Who is told, as the step's entry in the transitions table says."""
    notify = TRANSITIONS[action].notify
    if notify == "next":
        # Called once the decision is in its new state: whoever moves it on from here.
        role = next_role(decision.state, decision.decision_type.final_approver)
        if role is None:
            return []
        drafters = {person.pk for person in [decision.drafted_by, *decision.shared_with.all()]}
        return [
            user for user in users_with_permission(ROLE_PERMISSION[role]) if user.pk not in drafters
        ]
    if notify == "officers":
        return _officers(decision)
    return []


def notify_transition(*, decision: Decision, action: str, actor: User, comment: str) -> None:
    """Once the transaction has committed: who is told is read then, and the email
    sent, so that nothing of it runs while the caller holds the decision's row lock
    (issue 12: an approval holds it for as little as it can)."""
    if not TRANSITIONS[action].notify:
        return
    label = decision.reference or "A draft decision"
    step = TRANSITIONS[action].label_for(decision)
    subject = f"{label}: {step[0].lower()}{step[1:]} by {actor.display_name}"
    # Reviewers open the review page; officers their task list.
    page = "drafting:review" if TRANSITIONS[action].notify == "next" else "drafting:overview"
    path = reverse(page, kwargs={"pk": decision.pk})
    body = (
        f"{label} – {decision.title}\n\n"
        f"{actor.display_name} chose: {step}.\n"
        f"It is now {decision.get_state_display().lower()}.\n"
        + (f"\nComment: {comment}\n" if comment else "")
        + f"\nOpen it: {settings.SITE_URL}{path}\n"
    )

    def send() -> None:
        try:
            addresses = sorted({person.email for person in recipients(decision, action)})
            if addresses:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        except Exception:
            # A mail outage (or a failed read of who to tell) must not undo or fail a
            # step that has committed; the event log has the record.
            logger.exception("Could not send the notification for decision %s", decision.pk)

    transaction.on_commit(send)
