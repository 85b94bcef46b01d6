"""What the transparency pages and verify_checkpoints read: checkpoints as JSON
documents, proofs read from the stored trees, the latest record check.

Every document here is public: checkpoints hold hashes and counts only, and the
decision log holds published decisions only (a reference, its approval time, its
keyed content digest and its PDF's SHA-256)."""

from __future__ import annotations

import base64
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import timezone

from core.seals import utc_text
from decisions.models import Decision, DecisionEvent
from transparency import merkle
from transparency.models import Checkpoint, DecisionLeaf, RecordCheck, Tree
from transparency.trees import decision_leaves, event_leaves, stored_path

PER_PAGE = 50

ABOUT = {
    "what": (
        "Each checkpoint is a signed statement of the record at a moment: how many events "
        "the audit log held, the last event's seal, a Merkle root over every event's seal, "
        "and a Merkle root over the published decisions (one leaf each, in the order they "
        "became public, never removed). Trees and proofs follow RFC 9162 section 2.1."
    ),
    "signed_bytes": (
        "The signature (base64 of a detached CMS SignedData, DER) is over the UTF-8 bytes "
        "of 'statement' written as canonical JSON: keys sorted, no spaces (separators ',' "
        "and ':'), non-ASCII characters as themselves. 'hash' is the SHA-256 of those "
        "bytes, and each statement's 'previous' is the hash of the checkpoint before."
    ),
    "decision_leaf": (
        "A decision's leaf is SHA-256(0x00 || canonical JSON of {reference, approved_at, "
        "content_digest, pdf_sha256}); an event's leaf is SHA-256(0x00 || its 32-byte seal)."
    ),
    "last_check": (
        "The site's latest check of its rows: every event's seal and decision leaf "
        "recomputed and compared with the trees (after each approval and on a schedule). "
        "'intact' false means rows were found rewritten or removed, from 'broken_at'."
    ),
    "verify": "manage.py verify_checkpoints <file or URL of a checkpoint you kept>",
}


def checkpoint_document(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "statement": checkpoint.statement,
        "hash": checkpoint.hash,
        "signature": base64.b64encode(bytes(checkpoint.signature)).decode(),
    }


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-sequence").first()


def checkpoint_by_sequence(sequence: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(sequence=sequence).first()


def checkpoint_or_latest(sequence: int | None) -> Checkpoint | None:
    """Checkpoint `sequence`, or the latest when none is asked for."""
    return latest_checkpoint() if sequence is None else checkpoint_by_sequence(sequence)


def checkpoints_page(number: Any) -> Page:
    """One page of every checkpoint kept, newest first (an unknown page: the last)."""
    return Paginator(Checkpoint.objects.order_by("-sequence"), PER_PAGE).get_page(number)


def _hexes(hashes: list[bytes]) -> list[str]:
    return [value.hex() for value in hashes]


def consistency_document(old: Checkpoint, new: Checkpoint, *, live: bool = False) -> dict:
    """The proofs that `new` extends `old`, and what the site knows of the record
    today.

    Between two signed checkpoints a proof need not touch every old leaf (from a tree
    of 2**k leaves it is the new leaves only), so the record today is given too:
    served (``live`` False), the latest record check, which recomputed every row and
    compared it with the stored leaves, with the proofs from `new` to the trees it
    found (read from stored nodes: a few rows, whatever the log's size); ``live``
    (verify_checkpoints run inside the deployment), every row recomputed now."""
    if live:
        return _live_consistency_document(old, new)
    return {
        "from": checkpoint_document(old),
        "to": checkpoint_document(new),
        "events_proof": _stored_proof(Tree.EVENTS, old.events_count, new.events_count),
        "decisions_proof": _stored_proof(Tree.DECISIONS, old.decisions_size, new.decisions_size),
        "now": _checked_now(new),
    }


def _stored_proof(tree: Tree, old_size: int, size: int) -> list[str]:
    return _hexes(
        stored_path(tree, size, lambda subtree: merkle.consistency_path(old_size, size, subtree))
    )


def latest_record_check() -> RecordCheck | None:
    return RecordCheck.objects.order_by("-checked_at", "-pk").first()


def record_check_document(check: RecordCheck) -> dict[str, Any]:
    return {
        "checked_at": utc_text(check.checked_at),
        "intact": check.intact,
        "broken": check.broken,
        "events": {
            "count": check.events_count,
            "root": check.events_root,
            "broken_at": check.events_broken_at,
        },
        "decisions": {
            "size": check.decisions_size,
            "root": check.decisions_root,
            "broken_at": check.decisions_broken_at,
        },
    }


def _checked_now(new: Checkpoint) -> dict[str, Any] | None:
    """The latest record check, with the proofs that the trees it found intact extend
    `new`; None if no check covers `new` (cannot happen once a checkpoint is taken:
    each checks the record first)."""
    check = latest_record_check()
    if check is None:
        return None
    document = record_check_document(check)
    if check.intact:
        if check.events_count < new.events_count or check.decisions_size < new.decisions_size:
            return None
        document["events_proof"] = _stored_proof(Tree.EVENTS, new.events_count, check.events_count)
        document["decisions_proof"] = _stored_proof(
            Tree.DECISIONS, new.decisions_size, check.decisions_size
        )
    return document


def _live_consistency_document(old: Checkpoint, new: Checkpoint) -> dict[str, Any]:
    """As consistency_document, every leaf recomputed from the rows now (about 50 µs
    an event: for verify_checkpoints --in-process, never for a request)."""
    events_now = event_leaves(committed_events()[0])
    decisions_now = decision_leaves(DecisionLeaf.objects.count())
    events, decisions = events_now[: new.events_count], decisions_now[: new.decisions_size]
    return {
        "from": checkpoint_document(old),
        "to": checkpoint_document(new),
        "events_proof": _proof(old.events_count, events),
        "decisions_proof": _proof(old.decisions_size, decisions),
        "now": {
            "checked_at": utc_text(timezone.now()),
            "intact": True,  # as far as the proofs below show
            "events": {"count": len(events_now), "root": merkle.root(events_now).hex()},
            "decisions": {"size": len(decisions_now), "root": merkle.root(decisions_now).hex()},
            "events_proof": _proof(new.events_count, events_now),
            "decisions_proof": _proof(new.decisions_size, decisions_now),
        },
    }


def _proof(old_size: int, leaves: list[bytes]) -> list[str]:
    # Fewer leaves than the old tree (rows deleted): the proof of what is left,
    # which cannot lead to the old root.
    return _hexes(merkle.consistency_proof(min(old_size, len(leaves)), leaves))


def committed_events() -> tuple[int, str]:
    """The events committed by now and the last one's seal ("" for none): appends take
    the event log's lock in turn, so they are those up to the last one (later ones
    wait for the next check)."""
    head = DecisionEvent.objects.order_by("-pk").values("pk", "row_hash").first()
    if head is None:
        return 0, ""
    return DecisionEvent.objects.filter(pk__lte=head["pk"]).count(), head["row_hash"]


def decision_leaf(decision: Decision) -> DecisionLeaf | None:
    return DecisionLeaf.objects.filter(decision=decision).first()


def inclusion_document(leaf: DecisionLeaf, checkpoint: Checkpoint) -> dict[str, Any] | None:
    """The audit path of `leaf` in `checkpoint`'s tree of decisions; None if the
    checkpoint was taken before the decision joined the log."""
    if leaf.index >= checkpoint.decisions_size:
        return None
    size = checkpoint.decisions_size
    path = stored_path(
        Tree.DECISIONS, size, lambda subtree: merkle.inclusion_path(leaf.index, size, subtree)
    )
    return {
        "leaf": leaf.data,
        "leaf_index": leaf.index,
        "tree_size": size,
        "audit_path": _hexes(path),
        "checkpoint": checkpoint_document(checkpoint),
    }
