"""The two trees a checkpoint covers, rebuilt from the rows as they are now.

Event leaves are each event's seal recomputed from its fields (never its stored
``row_hash``): an event rewritten by SQL, even one whose stored seal was left
alone, gives another leaf, so the tree no longer extends the checkpoints taken
before. Decision leaves are the stored DecisionLeaf rows, hashed from their fields.
"""

from __future__ import annotations

from decisions.models import DecisionEvent
from decisions.services.events import event_seal
from transparency import merkle
from transparency.models import DecisionLeaf

_CHUNK = 2_000


def event_leaves(count: int) -> list[bytes]:
    """The leaf hashes of the first `count` events, in the order they were written."""
    if count <= 0:
        return []
    events = DecisionEvent.objects.order_by("pk")[:count].iterator(chunk_size=_CHUNK)
    return [merkle.leaf_hash(bytes.fromhex(event_seal(event))) for event in events]


def decision_leaves(size: int) -> list[bytes]:
    if size <= 0:
        return []
    rows = DecisionLeaf.objects.order_by("index")[:size].iterator(chunk_size=_CHUNK)
    return [merkle.leaf_hash(leaf.leaf_bytes) for leaf in rows]
