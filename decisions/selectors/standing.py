"""Where a decision stands, in the words its people use: one sentence for the
preview banner, the review summary and anywhere else a state is shown to staff."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from core.dates import uk_date
from decisions.models import Decision, DecisionEvent
from decisions.workflow import State


def decision_is_public(decision: Decision, *, today=None) -> bool:
    return Decision.objects.published(today=today).filter(pk=decision.pk).exists()


def decision_standing(decision: Decision, *, today=None) -> str:
    """E.g. "With the Head of Service", "Awaiting approval by the Deputy Mayor for
    Policing and Crime", "Approved and published", "Approved; to be published on
    1 May 2025". The public test is the published queryset's own rule."""
    today = today or timezone.localdate()
    state = decision.state
    if state == State.DRAFT:
        return "Draft, with the officer"
    if state == State.AWAITING_APPROVAL:
        return f"Awaiting approval by the {decision.decision_type.approver_title}"
    if state == State.WITHDRAWN:
        return "Withdrawn by the officer (it will not be published)"
    if state == State.REJECTED:
        return f"Rejected by the {decision.decision_type.approver_title}"
    if state == State.APPROVED:
        if decision.publication_withdrawn_at is not None:
            withdrawn = timezone.localtime(decision.publication_withdrawn_at)
            return f"Approved; taken off the public site on {uk_date(withdrawn)}"
        if decision_is_public(decision, today=today):
            return "Approved and published"
        return f"Approved; to be published on {uk_date(decision.published_on)}"
    return State(state).label


def preview_banner(decision: Decision) -> tuple[str, str]:
    """What the preview says about publication, and the public page's address once
    it is public ('' before)."""
    if decision_is_public(decision):
        return "This decision is published.", decision.get_absolute_url()
    standing = decision_standing(decision)
    if decision.state in (State.WITHDRAWN, State.REJECTED) or (
        decision.publication_withdrawn_at is not None
    ):
        return f"This decision will not be published. {standing}.", ""
    return (
        "This is how the decision will look when it is published. "
        f"{standing}: the public cannot see it yet.",
        "",
    )


def decision_returned_by(decision: Decision) -> DecisionEvent | None:
    """The return that sent this draft back, if its last move was one (comments
    move nothing): the officer sees who returned it and why before anything else."""
    if decision.state != State.DRAFT:
        return None
    last_move = (
        DecisionEvent.objects.filter(decision=decision)
        .exclude(from_state=F("to_state"))
        .order_by("-created_at", "-pk")
        .first()
    )
    return last_move if last_move is not None and last_move.action == "return" else None
