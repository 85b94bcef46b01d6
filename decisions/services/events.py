from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from decisions.digest import decision_content_digest
from decisions.models import Decision, DecisionEvent


@transaction.atomic
def event_record(
    *,
    decision: Decision,
    user: User | None,
    action: str,
    from_state: str,
    to_state: str,
    actor_role: str = "",
    comment: str = "",
) -> DecisionEvent:
    """Append one event with the digest of the decision's content at this moment.

    Events are stamped with the time they are written, never backdated: an
    imported historical decision carries its real dates on its sign-offs."""
    return DecisionEvent.objects.create(
        decision=decision,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        actor_name=user.display_name if user else "System",
        actor_role=actor_role,
        comment=comment,
        content_digest=decision_content_digest(decision),
        created_at=timezone.now(),
    )
