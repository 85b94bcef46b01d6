"""Checking the record and taking a checkpoint: the log of published decisions
brought up to date, both trees rebuilt from the rows and checked against the stored
leaves and the checkpoint before, the new leaves stored, then (for a checkpoint)
signed."""

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
from transparency.models import Checkpoint, DecisionLeaf, RecordCheck, Tree
from transparency.selectors import committed_events, latest_checkpoint
from transparency.trees import (
    decision_leaves,
    event_leaves,
    nodes_append,
    stored_leaves,
    stored_size,
)

logger = logging.getLogger(__name__)

CHECKPOINT_CHAIN = "transparency_checkpoint"


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


class RecordBroken(Exception):
    """A record check found rows that no longer give the stored or signed trees."""

    def __init__(self, check: RecordCheck, message: str) -> None:
        super().__init__(message)
        self.check = check


class CheckpointRefused(RecordBroken):
    """The record no longer extends the last checkpoint: nothing is signed."""


def checkpoint_publish(
    *, user: User | None = None, only_if_changed: bool = False
) -> Checkpoint | None:
    """Check the record, then sign and keep a checkpoint of it as it is now; None if
    `only_if_changed` and nothing was added since the last one.

    Raises CheckpointRefused (having kept the failed record check and logged a
    security alert) if the event log or the log of decisions, rebuilt from the rows,
    no longer gives the stored leaves or extends the last checkpoint: a signed
    checkpoint must never cover a rewritten record."""
    try:
        return _checkpoint_publish(user=user, only_if_changed=only_if_changed)
    except RecordBroken as broken:
        _broken_keep(broken.check, user=user)
        raise CheckpointRefused(broken.check, str(broken)) from None


def record_check(*, user: User | None = None) -> RecordCheck:
    """Recompute both logs from the rows, compare them with the stored leaves and the
    latest checkpoint, store the leaves added since, and keep what was found (run by
    each checkpoint and on a schedule: manage.py record_check). Raises RecordBroken,
    after keeping the check and logging a security alert, if rows were rewritten."""
    try:
        with transaction.atomic():
            chain_lock(CHECKPOINT_CHAIN)
            decision_leaves_append()
            events_count, _, decisions_size = _committed_sizes()
            return _checked(events_count, decisions_size, previous=latest_checkpoint())
    except RecordBroken as broken:
        _broken_keep(broken.check, user=user)
        raise


@transaction.atomic
def _checkpoint_publish(*, user: User | None, only_if_changed: bool) -> Checkpoint | None:
    chain_lock(CHECKPOINT_CHAIN)
    decision_leaves_append()
    events_count, events_head, decisions_size = _committed_sizes()
    previous = latest_checkpoint()
    if (
        only_if_changed
        and previous is not None
        and previous.events_count == events_count
        and previous.events_head == events_head
        and previous.decisions_size == decisions_size
    ):
        return None
    check = _checked(events_count, decisions_size, previous=previous)
    checkpoint = Checkpoint(
        sequence=previous.sequence + 1 if previous else 1,
        created_at=timezone.now(),
        origin=settings.SITE_URL,
        events_count=events_count,
        events_head=events_head,
        events_root=check.events_root,
        decisions_size=decisions_size,
        decisions_root=check.decisions_root,
        previous_hash=previous.hash if previous else "",
    )
    checkpoint.signature = signing.detached_sign(checkpoint.signed_bytes)
    checkpoint.save(force_insert=True)
    return checkpoint


def _committed_sizes() -> tuple[int, str, int]:
    """The events committed by now, the last one's seal, and the size of the log of
    decisions."""
    events_count, events_head = committed_events()
    return events_count, events_head, DecisionLeaf.objects.count()


def _checked(events_count: int, decisions_size: int, *, previous: Checkpoint | None) -> RecordCheck:
    """Both logs rebuilt from the rows and compared with the stored leaves and
    `previous` (the latest checkpoint), in the caller's transaction, under the
    checkpoints' lock; when intact, the new leaves stored and the check kept. Raises
    RecordBroken."""
    trees = {
        Tree.EVENTS: event_leaves(events_count),
        Tree.DECISIONS: decision_leaves(decisions_size),
    }
    broken_at = {tree: _first_difference(tree, leaves, previous) for tree, leaves in trees.items()}
    check = RecordCheck(
        checked_at=timezone.now(),
        events_count=events_count,
        decisions_size=decisions_size,
        events_root=merkle.root(trees[Tree.EVENTS]).hex(),
        decisions_root=merkle.root(trees[Tree.DECISIONS]).hex(),
        events_broken_at=broken_at[Tree.EVENTS],
        decisions_broken_at=broken_at[Tree.DECISIONS],
    )
    if not check.intact:
        what = " and the ".join(check.broken)
        since = f"checkpoint {previous.sequence}" if previous else "its last check"
        raise RecordBroken(
            check,
            f"The {what} no longer extends {since}: a record it covers was changed or "
            "removed. No checkpoint was signed; run manage.py verify_audit.",
        )
    for tree, leaves in trees.items():
        start = stored_size(tree)
        nodes_append(tree, start=start, leaves=leaves[start:])
    check.save(force_insert=True)
    return check


def _first_difference(tree: Tree, leaves: list[bytes], previous: Checkpoint | None) -> int | None:
    """The first leaf whose row no longer gives the stored hash (or is gone); 0 when
    the stored leaves agree with the rows but not with the latest signed root (both
    were rewritten); None when all is as stored and signed."""
    stored = stored_leaves(tree, stored_size(tree))
    for index, (then, now) in enumerate(zip(stored, leaves, strict=False)):
        if then != now:
            return index
    if len(leaves) < len(stored):
        return len(leaves)
    if previous is not None:
        size, signed = (
            (previous.events_count, previous.events_root)
            if tree == Tree.EVENTS
            else (previous.decisions_size, previous.decisions_root)
        )
        if size > len(leaves) or merkle.root(leaves[:size]).hex() != signed:
            return 0
    return None


def _broken_keep(check: RecordCheck, *, user: User | None) -> None:
    """Keep a failed check (its own transaction: the caller's work was rolled back)
    and raise the alarm."""
    with transaction.atomic():
        check.save(force_insert=True)
    security_event(
        "checkpoint_refused",
        outcome="alert",
        user=user,
        broken=check.broken,
        events_broken_at=check.events_broken_at,
        decisions_broken_at=check.decisions_broken_at,
    )
