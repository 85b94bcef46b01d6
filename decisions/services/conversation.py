"""The conversation on a decision: internal comments by its officers and the
reviewers it has reached. Each comment is an event in the append-only log (with the
digest of the content it was written about), never an edit and never published."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from core.errors import DomainError, Messages
from decisions import policy
from decisions.models import Decision, DecisionEvent
from decisions.services.events import event_record
from decisions.workflow import COMMENT_ACTION

# The event log's own limit on a comment.
COMMENT_MAX_LENGTH = DecisionEvent._meta.get_field("comment").max_length


@transaction.atomic
def comment_add(*, decision: Decision, user: User, text: str) -> DecisionEvent:
    """Append the user's comment. The row is locked so the comment is recorded against
    the state the decision is really in (a decision moving on at the same moment
    cannot take the comment with a stale state)."""
    locked = Decision.objects.select_for_update().with_type().get(pk=decision.pk)
    refused = policy.comment_refusal(user, locked)
    if refused is not None:
        raise refused
    text = (text or "").strip()
    if not text:
        raise DomainError(Messages.CONVERSATION_COMMENT_REQUIRED, field="text")
    if len(text) > COMMENT_MAX_LENGTH:
        raise DomainError(Messages.COMMENT_TOO_LONG, field="text")
    return event_record(
        decision=locked,
        user=user,
        action=COMMENT_ACTION,
        from_state=locked.state,
        to_state=locked.state,
        actor_role=policy.commenting_role(user, locked),
        comment=text,
    )
