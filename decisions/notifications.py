"""Email whoever must act next, and the officers when their decision comes back,
is rejected or is approved.

The step queues one task, in its own transaction (core/tasks.py): the email exists
exactly when the step was committed. The task worker then reads who is told and
sends it, so nothing of that runs while the step holds the decision's row lock
(issue 12: an approval holds it for as little as it can), nor in the request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from accounts.models import User
from core.tasks import retried
from decisions.models import Decision
from decisions.selectors.history import state_label
from decisions.workflow import ROLE_PERMISSION, TRANSITIONS, State, next_role


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


def recipients(decision: Decision, action: str, *, state: str) -> list[User]:
    """Who is told, as the step's entry in the transitions table says; ``state`` is
    the one the step left the decision in (it may have moved on since)."""
    notify = TRANSITIONS[action].notify
    if notify == "next":
        # Whoever moves it on from the state the step left it in.
        role = next_role(state, decision.decision_type.final_approver)
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
    """Queue the step's email (one row, written in the step's transaction)."""
    if not TRANSITIONS[action].notify:
        return
    transition_email_send.enqueue(
        decision_id=decision.pk,
        action=action,
        actor_id=actor.pk,
        comment=comment,
        state=decision.state,
    )


@task()
@retried
def transition_email_send(
    *, decision_id: int, action: str, actor_id: int, comment: str, state: str
) -> None:
    """Run by the task worker: tell the people of `recipients` what the step did."""
    decision = Decision.objects.select_related("decision_type", "drafted_by").get(pk=decision_id)
    people = recipients(decision, action, state=state)
    if not people:
        return
    actor = User.objects.get(pk=actor_id)
    label = decision.reference or "A draft decision"
    transition = TRANSITIONS[action]
    step = transition.label_for(decision)
    # "with the Head of Service", "awaiting approval by the Deputy Mayor…": the stage
    # as it would end a sentence (its own capitals kept); a returned one is a draft again.
    stage = state_label(state, decision.decision_type)
    where = (
        "back with the officer, as a draft"
        if state == State.DRAFT
        else stage[0].lower() + stage[1:]
    )
    # Reviewers open the review page; officers their task list.
    page = "drafting:review" if transition.notify == "next" else "drafting:overview"
    path = reverse(page, kwargs={"pk": decision.pk})
    body = (
        f"{label} – {decision.title}\n\n"
        f"{actor.display_name} chose: {step}.\n"
        f"It is now {where}.\n"
        + (f"\nComment: {comment}\n" if comment else "")
        + f"\nOpen it: {settings.SITE_URL}{path}\n"
    )
    EmailMessage(
        subject=f"{decision.reference or decision.title}: "
        f"{transition.past_participle} by {actor.display_name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=sorted({person.email for person in people}),
    ).send()
