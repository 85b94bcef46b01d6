"""The trees' stored nodes (transparency/trees.py): appended in pieces of any size,
they give the same roots and RFC 9162 proofs as the whole list of leaves, reading a
fixed number of rows whatever the log's size; and the record check that stores them
(transparency/services.py)."""

from __future__ import annotations

import hashlib
import random
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import imported_decision
from tests.test_checkpoints import NOW, owner_sql
from transparency import merkle, views
from transparency.models import DecisionLeaf, RecordCheck, Tree, TreeNode
from transparency.services import RecordBroken, checkpoint_publish, record_check
from transparency.trees import (
    NotStored,
    nodes_append,
    stored_path,
    stored_root,
    stored_size,
)

pytestmark = pytest.mark.django_db


def leaves(count: int, *, seed: str = "") -> list[bytes]:
    return [merkle.leaf_hash(f"{seed}leaf {i}".encode()) for i in range(count)]


def stored_inclusion(index: int, size: int) -> list[bytes]:
    return stored_path(Tree.EVENTS, size, partial(merkle.inclusion_path, index, size))


def stored_consistency(old: int, size: int) -> list[bytes]:
    return stored_path(Tree.EVENTS, size, partial(merkle.consistency_path, old, size))


def append_in_pieces(tree: Tree, all_leaves: list[bytes], rng: random.Random) -> list[int]:
    """Append `all_leaves` in random pieces; the sizes reached after each."""
    sizes, start = [], 0
    while start < len(all_leaves):
        piece = all_leaves[start : start + rng.choice([1, 1, 2, 3, 5, 8, 13])]
        nodes_append(tree, start=start, leaves=piece)
        start += len(piece)
        sizes.append(start)
    return sizes


def test_stored_nodes_give_the_lists_roots_and_proofs_at_every_size():
    rng = random.Random(16)
    everything = leaves(70)
    sizes = append_in_pieces(Tree.EVENTS, everything, rng)
    assert stored_size(Tree.EVENTS) == 70
    # One node a complete subtree: for n leaves, n + n//2 + n//4 + ... rows.
    assert TreeNode.objects.filter(tree=Tree.EVENTS).count() == sum(
        70 >> level for level in range(7)
    )
    # Every size to 33 (past two powers of two) and either side of 64: every shape of
    # right edge, at a cost a test run can pay.
    for size in [*range(1, 34), 63, 64, 65, 70]:
        part = everything[:size]
        assert stored_root(Tree.EVENTS, size) == merkle.root(part), size
        for index in range(size):
            path = stored_inclusion(index, size)
            assert path == merkle.inclusion_proof(index, part), (index, size)
        for old in range(size + 1):
            path = stored_consistency(old, size)
            assert path == merkle.consistency_proof(old, part), (old, size)
    assert sizes[-1] == 70
    # The other tree is apart.
    assert stored_size(Tree.DECISIONS) == 0
    with pytest.raises(NotStored):
        stored_root(Tree.DECISIONS, 1)


def test_a_proof_reads_the_same_few_queries_whatever_the_size():
    nodes_append(Tree.EVENTS, start=0, leaves=leaves(1000))
    counts = []
    for size, index in ((9, 4), (1000, 617)):
        with CaptureQueriesContext(connection) as queries:
            stored_inclusion(index, size)
        counts.append(len(queries))
    assert counts == [2, 2]  # the stored size, then the nodes the proof needs


def test_a_stored_node_altered_gives_proofs_that_fail():
    nodes_append(Tree.EVENTS, start=0, leaves=leaves(8))
    good_root = merkle.root(leaves(8))
    owner_sql(
        "transparency_treenode",
        "UPDATE transparency_treenode SET hash = %s WHERE tree = 1 AND level = 2 AND position = 0",
        [hashlib.sha256(b"forged").digest()],
    )
    path = stored_inclusion(5, 8)
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_verify(leaf=leaves(8)[5], index=5, size=8, proof=path, root_hash=good_root)
    # Leaf 0's path (leaf 1, leaves 2-3, leaves 4-7) does not use the forged node.
    path = stored_inclusion(0, 8)
    merkle.inclusion_verify(leaf=leaves(8)[0], index=0, size=8, proof=path, root_hash=good_root)


# --- The record check -----------------------------------------------------------------------


def imported(officer, records_manager, number):
    return imported_decision(
        user=officer,
        records_manager=records_manager,
        number=number,
        approved_at=NOW,
        title=f"Decision {number}",
    )


def test_a_record_check_stores_the_new_leaves_and_keeps_what_it_found(
    officer, records_manager, client
):
    imported(officer, records_manager, 701)
    first = record_check()
    assert first.intact
    events = stored_size(Tree.EVENTS)
    assert events == first.events_count > 0
    assert stored_size(Tree.DECISIONS) == first.decisions_size == 1
    assert stored_root(Tree.EVENTS, events).hex() == first.events_root
    imported(officer, records_manager, 702)
    second = record_check()
    assert second.events_count > events and second.decisions_size == 2
    assert stored_root(Tree.DECISIONS, 2).hex() == second.decisions_root
    assert RecordCheck.objects.count() == 2
    # Public, with the checkpoints.
    checkpoint_publish()
    last = client.get("/transparency.json").json()["last_check"]
    latest = RecordCheck.objects.latest("pk")
    assert last["intact"] is True and last["events"]["count"] == latest.events_count
    assert last["decisions"]["root"] == latest.decisions_root


def test_rows_and_stored_leaves_rewritten_together_still_break_the_signed_root(
    officer, records_manager
):
    imported(officer, records_manager, 711)
    imported(officer, records_manager, 712)
    checkpoint_publish()
    leaf = DecisionLeaf.objects.get(index=1)
    owner_sql(
        "transparency_decisionleaf",
        "UPDATE transparency_decisionleaf SET pdf_sha256 = %s WHERE id = %s",
        ["1" * 64, leaf.pk],
    )
    leaf.refresh_from_db()
    owner_sql(
        "transparency_treenode",
        "UPDATE transparency_treenode SET hash = %s WHERE tree = 2 AND level = 0 AND position = 1",
        [merkle.leaf_hash(leaf.leaf_bytes)],
    )
    with pytest.raises(RecordBroken, match="log of published decisions no longer extends"):
        record_check()
    found = RecordCheck.objects.latest("pk")
    # The stored leaves agree with the rows; only the signed root tells: from leaf 0.
    assert (found.events_broken_at, found.decisions_broken_at) == (None, 0)


def test_record_check_command_says_what_it_found(officer, records_manager):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    imported(officer, records_manager, 721)
    out = StringIO()
    call_command("record_check", stdout=out)
    check = RecordCheck.objects.latest("pk")
    assert f"{check.events_count} events, 1 published decisions" in out.getvalue()
    DecisionLeaf.objects.all()  # the log holds it now
    owner_sql(
        "transparency_decisionleaf",
        "UPDATE transparency_decisionleaf SET reference = 'PCD 9' WHERE index = 0",
    )
    with pytest.raises(CommandError, match="log of published decisions no longer extends"):
        call_command("record_check", stdout=StringIO())


# --- The proof addresses -------------------------------------------------------------------


def test_proofs_are_counted_per_address(officer, records_manager, client, monkeypatch):
    decision = imported(officer, records_manager, 731)
    checkpoint_publish()
    imported(officer, records_manager, 732)
    checkpoint_publish()
    monkeypatch.setattr(views, "PROOFS_PER_ADDRESS", 3)
    inclusion = f"/decisions/{decision.slug}/inclusion.json"
    answers = [client.get("/transparency/proof.json?from=1").status_code for _ in range(2)]
    answers += [client.get(inclusion).status_code for _ in range(2)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/transparency/proof.json?from=1")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Too many proofs" in refused.json()["error"]
    # Another address is counted apart.
    assert client.get(inclusion, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_proof_not_yet_stored_says_to_come_back(officer, records_manager, client):
    decision = imported(officer, records_manager, 741)
    checkpoint_publish()
    # As just after an upgrade, before the first record check has stored the trees.
    owner_sql("transparency_treenode", "DELETE FROM transparency_treenode")
    for url in ("/transparency/proof.json?from=1", f"/decisions/{decision.slug}/inclusion.json"):
        response = Client().get(url)
        assert response.status_code == 503, url
        assert "being prepared" in response.json()["error"]
    record_check()
    assert Client().get("/transparency/proof.json?from=1").status_code == 200


def test_proof_queries_do_not_grow_with_the_log(officer, records_manager):
    imported(officer, records_manager, 750)
    checkpoint_publish()
    counts = []
    for address, numbers in (("192.0.2.1", (751,)), ("192.0.2.2", (752, 753, 754, 755, 756))):
        for number in numbers:
            imported(officer, records_manager, number)
        checkpoint_publish()
        with CaptureQueriesContext(connection) as queries:
            proof = Client().get("/transparency/proof.json?from=1", REMOTE_ADDR=address)
        assert proof.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_event_leaves_are_the_seals_the_events_were_written_with(officer, records_manager):
    from decisions.models import DecisionEvent
    from transparency.trees import event_leaves

    imported(officer, records_manager, 761)
    imported(officer, records_manager, 762)
    stored = [
        merkle.leaf_hash(bytes.fromhex(row_hash))
        for row_hash in DecisionEvent.objects.order_by("pk").values_list("row_hash", flat=True)
    ]
    assert len(stored) > 2
    assert event_leaves(len(stored)) == stored
    assert event_leaves(2) == stored[:2]
