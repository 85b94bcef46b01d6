"""Taking a checkpoint: the log of published decisions brought up to date, both
trees rebuilt from the rows, checked against the checkpoint before, then signed."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from core import signing
from core.seals import chain_lock
from core.security_log import security_event
from decisions.models import Decision, DecisionEvent
from decisions.workflow import State
from transparency import merkle
from transparency.models import Checkpoint, DecisionLeaf
from transparency.trees import decision_leaves, event_leaves

logger = logging.getLogger(__name__)

CHECKPOINT_CHAIN = "transparency_checkpoint"


class CheckpointRefused(Exception):
    """The record no longer extends the last checkpoint: nothing is signed."""


def decision_leaves_append() -> list[DecisionLeaf]:
    """Add every decision public now and not yet in the log, in the order they were
    approved (a deferred decision joins when its deferral ends, after those already
    in: the log is of what became public, in that order)."""
    approval_digest = Subquery(
        DecisionEvent.objects.filter(decision=OuterRef("pk"), to_state=State.APPROVED)
        .exclude(from_state=State.APPROVED)
        .order_by("pk")
        .values("content_digest")[:1]
    )
    new = list(
        Decision.objects.published()
        .exclude(pk__in=DecisionLeaf.objects.values("decision_id"))
        .select_related("decision_type", "published_document")
        .annotate(approval_digest=approval_digest)
        .order_by("approved_at", "pk")
    )
    last = DecisionLeaf.objects.order_by("-index").values_list("index", flat=True).first()
    start = 0 if last is None else last + 1
    now = timezone.now()
    leaves = []
    for decision in new:
        if not decision.approval_digest:  # approved without an event: not a record
            logger.error("Decision %s has no approval event: left out", decision.pk)
            continue
        document = getattr(decision, "published_document", None)
        leaves.append(
            DecisionLeaf(
                index=start + len(leaves),
                decision=decision,
                reference=decision.reference,
                approved_at=decision.approved_at,
                content_digest=decision.approval_digest,
                pdf_sha256=document.sha256 if document else "",
                added_at=now,
            )
        )
    return DecisionLeaf.objects.bulk_create(leaves)


@transaction.atomic
def checkpoint_publish(
    *, user: User | None = None, only_if_changed: bool = False
) -> Checkpoint | None:
    """Sign and keep a checkpoint of the record as it is now; None if
    `only_if_changed` and nothing was added since the last one.

    Raises CheckpointRefused (and logs a security alert) if the event log or the log
    of decisions, rebuilt from the rows, no longer extends the last checkpoint: a
    signed checkpoint must never cover a rewritten record."""
    chain_lock(CHECKPOINT_CHAIN)
    decision_leaves_append()
    # Appends to the event log take its lock in turn, so the events committed by
    # now are those up to the last one: later ones are left to the next checkpoint.
    head = DecisionEvent.objects.order_by("-pk").values("pk", "row_hash").first()
    events_count = DecisionEvent.objects.filter(pk__lte=head["pk"]).count() if head else 0
    previous = Checkpoint.objects.order_by("-sequence").first()
    decisions_size = DecisionLeaf.objects.count()
    if (
        only_if_changed
        and previous is not None
        and previous.events_count == events_count
        and previous.events_head == (head["row_hash"] if head else "")
        and previous.decisions_size == decisions_size
    ):
        return None
    events = event_leaves(events_count)
    decisions = decision_leaves(decisions_size)
    if previous is not None:
        _extends_or_refuse(previous, events=events, decisions=decisions, user=user)
    checkpoint = Checkpoint(
        sequence=previous.sequence + 1 if previous else 1,
        created_at=timezone.now(),
        origin=settings.SITE_URL,
        events_count=events_count,
        events_head=head["row_hash"] if head else "",
        events_root=merkle.root(events).hex(),
        decisions_size=decisions_size,
        decisions_root=merkle.root(decisions).hex(),
        previous_hash=previous.hash if previous else "",
    )
    checkpoint.signature = signing.detached_sign(checkpoint.signed_bytes)
    checkpoint.save(force_insert=True)
    return checkpoint


def _extends_or_refuse(
    previous: Checkpoint, *, events: list[bytes], decisions: list[bytes], user: User | None
) -> None:
    broken = []
    if merkle.root(events[: previous.events_count]).hex() != previous.events_root:
        broken.append("event log")
    if merkle.root(decisions[: previous.decisions_size]).hex() != previous.decisions_root:
        broken.append("log of published decisions")
    if not broken:
        return
    what = " and the ".join(broken)
    security_event(
        "checkpoint_refused",
        outcome="alert",
        user=user,
        checkpoint=previous.sequence,
        broken=broken,
    )
    raise CheckpointRefused(
        f"The {what} no longer extends checkpoint {previous.sequence}: a record it covers "
        "was changed or removed. No checkpoint was signed; run manage.py verify_audit."
    )
