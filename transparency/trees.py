"""The two trees a checkpoint covers: their leaves rebuilt from the rows as they are
now, and their nodes as stored (TreeNode), from which proofs are read.

Event leaves are each event's seal recomputed from its fields (never its stored
``row_hash``): an event rewritten by SQL, even one whose stored seal was left
alone, gives another leaf, so the tree no longer extends the checkpoints taken
before. Decision leaves are the stored DecisionLeaf rows, hashed from their fields.

Recomputing every leaf costs about 50 µs an event (bench/checkpoints.py): fine for
a record check, not per request. Requests read stored nodes instead: a proof is a
few complete subtrees, each one row (``stored_path``), whatever the log's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from decisions.models import DecisionEvent
from decisions.services.events import EVENT_SEALED_ATTRIBUTES, event_seal
from transparency import merkle
from transparency.models import DecisionLeaf, Tree, TreeNode

_CHUNK = 2_000
_INSERT_BATCH = 5_000


def event_leaves(count: int) -> list[bytes]:
    """The leaf hashes of the first `count` events, in the order they were written
    (read as named rows, not model instances: a third faster)."""
    if count <= 0:
        return []
    rows = DecisionEvent.objects.order_by("pk").values_list(*EVENT_SEALED_ATTRIBUTES, named=True)
    return [
        merkle.leaf_hash(bytes.fromhex(event_seal(row)))
        for row in rows[:count].iterator(chunk_size=_CHUNK)
    ]


def decision_leaves(size: int) -> list[bytes]:
    if size <= 0:
        return []
    rows = DecisionLeaf.objects.order_by("index")[:size].iterator(chunk_size=_CHUNK)
    return [merkle.leaf_hash(leaf.leaf_bytes) for leaf in rows]


# --- Stored nodes ---------------------------------------------------------------------


class NotStored(LookupError):
    """The stored tree is smaller than asked (nodes are stored by a record check)."""


def stored_size(tree: Tree) -> int:
    """How many leaves of `tree` are stored."""
    last = (
        TreeNode.objects.filter(tree=tree, level=0)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


def stored_leaves(tree: Tree, size: int) -> list[bytes]:
    rows = (
        TreeNode.objects.filter(tree=tree, level=0, position__lt=size)
        .order_by("position")
        .values_list("hash", flat=True)
    )
    return [bytes(value) for value in rows.iterator(chunk_size=10_000)]


def nodes_append(tree: Tree, *, start: int, leaves: list[bytes]) -> None:
    """Store leaves ``start``, ``start + 1``, … and every node they complete. The
    nodes of the first `start` leaves must be stored (as this function leaves them)."""
    if not leaves:
        return
    size = start + len(leaves)
    # A new node's left child may be an old one: one per level at most, read at once.
    old_children = [
        (level - 1, (start >> level) << 1)
        for level in range(1, size.bit_length())
        if (start >> level) << 1 < start >> (level - 1) and size >> level > start >> level
    ]
    known = _nodes(tree, old_children)
    level, first, current = 0, start, leaves
    while current:
        _insert(tree, level, first, current)
        below_first, level = first, level + 1
        first, end = start >> level, size >> level

        def child(position: int, below=current, below_first=below_first, level=level) -> bytes:
            if position >= below_first:
                return below[position - below_first]
            return known[(level - 1, position)]

        current = [
            merkle.node_hash(child(2 * position), child(2 * position + 1))
            for position in range(first, end)
        ]


def _insert(tree: Tree, level: int, first: int, hashes: list[bytes]) -> None:
    TreeNode.objects.bulk_create(
        (
            TreeNode(tree=tree, level=level, position=first + offset, hash=value)
            for offset, value in enumerate(hashes)
        ),
        batch_size=_INSERT_BATCH,
    )


def _nodes(tree: Tree, places: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored nodes at `places` (level, position), in one query."""
    places = set(places)
    if not places:
        return {}
    rows = TreeNode.objects.filter(
        tree=tree,
        level__in={level for level, _ in places},
        position__in={position for _, position in places},
    ).values_list("level", "position", "hash")
    found = {(level, position): bytes(value) for level, position, value in rows}
    missing = places - found.keys()
    if missing:
        raise NotStored(f"{len(missing)} node(s) of the {Tree(tree).label} are not stored.")
    return {place: found[place] for place in places}


def _pieces(lo: int, hi: int, out: set[tuple[int, int]]) -> None:
    """The complete subtrees whose nodes make MTH(leaves[lo:hi])."""
    n = hi - lo
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        if lo % n:
            raise ValueError(f"Leaves {lo}..{hi} are not a subtree of the log.")
        out.add((level, lo >> level))
        return
    k = 1 << ((n - 1).bit_length() - 1)
    _pieces(lo, lo + k, out)
    _pieces(lo + k, hi, out)


def _range_root(lo: int, hi: int, nodes: dict[tuple[int, int], bytes]) -> bytes:
    n = hi - lo
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        return nodes[(level, lo >> level)]
    k = 1 << ((n - 1).bit_length() - 1)
    return merkle.node_hash(_range_root(lo, lo + k, nodes), _range_root(lo + k, hi, nodes))


def stored_path(
    tree: Tree, size: int, build: Callable[[merkle.Subtree], list[bytes]]
) -> list[bytes]:
    """What `build` makes of the stored tree of `size` leaves (a proof from
    merkle.inclusion_path or consistency_path), reading only the nodes it needs: the
    first pass notes which, one query reads them, the second pass hashes."""
    if size > stored_size(tree):
        raise NotStored(f"The {Tree(tree).label} has fewer than {size} leaves stored.")
    wanted: set[tuple[int, int]] = set()

    def note(lo: int, hi: int) -> bytes:
        _pieces(lo, hi, wanted)
        return b""

    build(note)
    nodes = _nodes(tree, wanted)
    return build(lambda lo, hi: _range_root(lo, hi, nodes))


def stored_root(tree: Tree, size: int) -> bytes:
    """The root of the stored tree of `size` leaves."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return stored_path(tree, size, lambda subtree: [subtree(0, size)])[0]
