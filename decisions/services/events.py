"""Appending to the event log, as two hash chains.

Each event stores the ``row_hash`` of the event before it of the same decision
(``decision_prev_hash``) and of the event before it in the whole table
(``table_prev_hash``), and its own ``row_hash``: the keyed seal (core/seals.py)
of all its fields — decision, actor, actor's name and role, action, states,
comment, content digest, time — with both links. Changing an event breaks its
seal; deleting one breaks the links of the next (in its decision and the table).

Appends take the table chain's lock first (pg_advisory_xact_lock on PostgreSQL),
so concurrent transactions append one after the other and the ids follow the
chain's order.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from accounts.models import User
from core.seals import chain_lock, seal, utc_text
from decisions.digest import decision_content_digest
from decisions.models import Decision, DecisionEvent
from decisions.services.pages import decision_pages_invalidate

EVENT_CHAIN = "decisions_decisionevent"


def event_content(event: DecisionEvent) -> dict[str, Any]:
    return {
        "decision": event.decision_id,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "comment": event.comment,
        "content_digest": event.content_digest,
        "created_at": utc_text(event.created_at),
        "decision_prev_hash": event.decision_prev_hash,
        "table_prev_hash": event.table_prev_hash,
    }


# The attributes event_content reads: a named row of these (values_list(...,
# named=True)) seals as its model instance does, for reading many events fast.
EVENT_SEALED_ATTRIBUTES = (
    "decision_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "from_state",
    "to_state",
    "comment",
    "content_digest",
    "created_at",
    "decision_prev_hash",
    "table_prev_hash",
)


def event_seal(event: DecisionEvent) -> str:
    return seal("event", event_content(event))


def _last_hashes(decision: Decision) -> tuple[str, str]:
    """The row hashes of the last event in the table and of the decision's last event
    ("" for none), in one query (read after the chain's lock is taken)."""
    of_decision = (
        DecisionEvent.objects.filter(decision=decision).order_by("-pk").values("row_hash")[:1]
    )
    last = (
        DecisionEvent.objects.order_by("-pk")
        .annotate(of_decision=Subquery(of_decision))
        .values_list("row_hash", "of_decision")
        .first()
    )
    return (last[0], last[1] or "") if last else ("", "")


# No savepoint within the caller's transaction: a failure fails it anyway.
@transaction.atomic(savepoint=False)
def event_record(
    *,
    decision: Decision,
    user: User | None,
    action: str,
    from_state: str,
    to_state: str,
    actor_role: str = "",
    comment: str = "",
    content_digest: str = "",
    page_paths: list[str] | None = None,
) -> DecisionEvent:
    """Append one event with the digest of the decision's content at this moment.

    Events are stamped with the time they are written, never backdated: an
    imported historical decision carries its real dates on its sign-offs.

    `content_digest`: that digest, if the caller has just computed it from the
    content it holds locked (else computed here). `page_paths`: the cached pages to
    drop, if the caller read them before it locked anything (see
    `decision_pages_invalidate`)."""
    chain_lock(EVENT_CHAIN)
    table_prev_hash, decision_prev_hash = _last_hashes(decision)
    event = DecisionEvent(
        decision=decision,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        actor_name=user.display_name if user else "System",
        actor_role=actor_role,
        comment=comment,
        content_digest=content_digest or decision_content_digest(decision),
        created_at=timezone.now(),
        decision_prev_hash=decision_prev_hash,
        table_prev_hash=table_prev_hash,
    )
    event.row_hash = event_seal(event)
    event.save(force_insert=True)
    # Every change a public page could show writes an event: drop the cached pages.
    decision_pages_invalidate(decisions=[decision], paths=page_paths)
    return event
