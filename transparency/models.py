"""Published checkpoints of the record and the log of published decisions they
cover. Both tables are append-only (a database trigger refuses UPDATE and DELETE).

A checkpoint states, signed by the organisation (core/signing.py):

- the event log as it stood: how many events, the last one's seal (the table
  chain's head) and the Merkle root over every event's seal recomputed from its
  fields (transparency/trees.py), so that a later rewrite of an old event changes
  the tree and no longer extends this checkpoint;
- the log of published decisions: its size and Merkle root (one leaf per decision,
  added once, in the order decisions became public, never removed: a withdrawal
  does not unpublish what was published);
- its number, time, the site it is of, and the SHA-256 of the checkpoint before.

Two more append-only tables serve what anyone may ask of them without recomputing
a tree per request: the trees' nodes (TreeNode, from which every proof is read in a
handful of rows) and the record checks (RecordCheck: the rows recomputed and compared
with the stored leaves, the only way to see an old row rewritten behind the
application's back; public, as the trees are).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from core.seals import canonical_json, utc_text
from decisions.models import Decision

SHA256_HEX = r"^[0-9a-f]{64}$"
FORMAT = "decision-records-checkpoint/1"


class DecisionLeaf(models.Model):
    """One published decision in the log, as it was when it became public."""

    # 0-based position in the tree: the order decisions became public in.
    index = models.PositiveIntegerField(unique=True)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=30)
    approved_at = models.DateTimeField()
    # The digest of the content as approved (the approval event's): a keyed HMAC,
    # which says nothing of the content without the key.
    content_digest = models.CharField(max_length=64)
    # The published PDF's SHA-256 ("" for an archived record without its original).
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["index"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_digest__regex=SHA256_HEX), name="decisionleaf_digest_hex"
            ),
            models.CheckConstraint(
                condition=Q(pdf_sha256="") | Q(pdf_sha256__regex=SHA256_HEX),
                name="decisionleaf_pdf_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index}: {self.reference}"

    @property
    def data(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "approved_at": utc_text(self.approved_at),
            "content_digest": self.content_digest,
            "pdf_sha256": self.pdf_sha256,
        }

    @property
    def leaf_bytes(self) -> bytes:
        """What the tree's leaf is the hash of: the canonical JSON of `data`."""
        return canonical_json(self.data).encode()


class Checkpoint(models.Model):
    sequence = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    origin = models.CharField(max_length=200)
    events_count = models.PositiveBigIntegerField()
    events_head = models.CharField(max_length=64, blank=True)
    events_root = models.CharField(max_length=64)
    decisions_size = models.PositiveIntegerField()
    decisions_root = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64, blank=True)
    # The detached CMS signature (DER) over `signed_bytes`.
    signature = models.BinaryField()

    class Meta:
        ordering = ["-sequence"]
        constraints = [
            models.CheckConstraint(condition=Q(sequence__gte=1), name="checkpoint_sequence_from_1"),
            models.CheckConstraint(
                condition=Q(events_root__regex=SHA256_HEX)
                & Q(decisions_root__regex=SHA256_HEX)
                & (Q(events_head="") | Q(events_head__regex=SHA256_HEX))
                & (Q(previous_hash="") | Q(previous_hash__regex=SHA256_HEX)),
                name="checkpoint_hashes_hex",
            ),
            models.CheckConstraint(
                condition=Q(sequence=1, previous_hash="")
                | Q(sequence__gt=1) & ~Q(previous_hash=""),
                name="checkpoint_links_to_previous",
            ),
        ]

    def __str__(self) -> str:
        return f"Checkpoint {self.sequence}"

    @property
    def statement(self) -> dict[str, Any]:
        """Everything the signature covers."""
        return {
            "format": FORMAT,
            "origin": self.origin,
            "sequence": self.sequence,
            "time": utc_text(self.created_at),
            "events": {
                "count": self.events_count,
                "head": self.events_head,
                "root": self.events_root,
            },
            "decisions": {"size": self.decisions_size, "root": self.decisions_root},
            "previous": self.previous_hash,
        }

    @property
    def signed_bytes(self) -> bytes:
        return statement_bytes(self.statement)

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.signed_bytes).hexdigest()


class Tree(models.IntegerChoices):
    EVENTS = 1, "event log"
    DECISIONS = 2, "log of published decisions"


class TreeNode(models.Model):
    """The hash of a complete subtree: leaves [position * 2**level, (position + 1) *
    2**level) of a tree (level 0: the leaf hashes). Written once each, when a record
    check has found the rows behind its leaves as they were: every proof is then a
    few of these rows, whatever the size of the log (about two rows a leaf)."""

    tree = models.PositiveSmallIntegerField(choices=Tree.choices)
    level = models.PositiveSmallIntegerField()
    position = models.PositiveBigIntegerField()
    hash = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tree", "level", "position"], name="treenode_one_per_place"
            ),
            models.CheckConstraint(condition=Exact(Length("hash"), 32), name="treenode_sha256"),
            models.CheckConstraint(condition=Q(level__lte=63), name="treenode_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tree_display()} node {self.level}/{self.position}"


class RecordCheck(models.Model):
    """One comparison of the rows as they are with the trees' stored leaves: every
    event's seal recomputed from its fields, every decision leaf from its row. Kept,
    whatever it found: the latest says how recently the record was found intact."""

    checked_at = models.DateTimeField()
    events_count = models.PositiveBigIntegerField()
    decisions_size = models.PositiveIntegerField()
    # The trees' roots at those sizes, recomputed from the rows.
    events_root = models.CharField(max_length=64)
    decisions_root = models.CharField(max_length=64)
    # The first leaf (0-based) whose row no longer gives the stored hash; None: all do.
    events_broken_at = models.PositiveBigIntegerField(null=True, blank=True)
    decisions_broken_at = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(events_root__regex=SHA256_HEX) & Q(decisions_root__regex=SHA256_HEX),
                name="recordcheck_roots_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"Record check of {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def intact(self) -> bool:
        return self.events_broken_at is None and self.decisions_broken_at is None

    @property
    def broken(self) -> list[str]:
        """The logs found rewritten, as words."""
        return [
            tree.label
            for tree, at in (
                (Tree.EVENTS, self.events_broken_at),
                (Tree.DECISIONS, self.decisions_broken_at),
            )
            if at is not None
        ]


def statement_bytes(statement: dict[str, Any]) -> bytes:
    """The exact bytes signed: the statement as canonical JSON (keys sorted, no
    spaces, UTF-8)."""
    return canonical_json(statement).encode()
