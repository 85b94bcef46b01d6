"""Merkle trees as Certificate Transparency defines them (RFC 9162 §2.1, the same
hashing as RFC 6962): the tree hash, inclusion proofs and consistency proofs, and
their checks.

Our own, small and pure (hashlib only), rather than a library: none of the
packages we may install implements RFC 9162's proofs, and what the checkpoints
promise rests on exactly these few functions, which anyone can read against the
RFC (tests/test_merkle.py checks every tree size 1..40 against a naive
recomputation). Leaf and node hashes are prefixed (0x00, 0x01) so that a leaf can
never be passed off as a node.

Leaves are given as their leaf hashes (``leaf_hash(data)``), in the tree's order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or a request for one that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes; the hash of the empty string for no leaves."""
    if not leaves:
        return EMPTY_ROOT
    # Bottom-up, pairing left to right: a last odd node moves up unpaired, which is
    # the same tree as the RFC's split at the largest power of two.
    level = list(leaves)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# The hash of the subtree over leaves [lo, hi): given a list of leaves, computed from
# them; given stored nodes (transparency/trees.py), read. Proofs only ever ask for
# ranges the RFC's recursion makes: a power-of-two range starting at a multiple of its
# size, or the rest of a tree to its right edge.
Subtree = Callable[[int, int], bytes]


def _of_leaves(leaves: Sequence[bytes]) -> Subtree:
    return lambda lo, hi: root(leaves[lo:hi])


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf ``index``."""
    return inclusion_path(index, len(leaves), _of_leaves(leaves))


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(m, D[n]) of the tree of `size` leaves whose subtrees `subtree` gives."""
    if not 0 <= index < size:
        raise ProofError(f"Leaf {index} is not in a tree of {size} leaves.")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index - lo < k:
            path.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree(lo, lo + k))
            lo += k
    path.reverse()  # the RFC lists it from the leaf up
    return path


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): that the tree of the first ``old_size`` leaves is a prefix."""
    return consistency_path(old_size, len(leaves), _of_leaves(leaves))


def consistency_path(old_size: int, size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(m, D[n]) in the tree of `size` leaves whose subtrees `subtree` gives."""
    if not 0 <= old_size <= size:
        raise ProofError(f"No tree of {old_size} leaves within one of {size}.")
    if old_size in (0, size):
        return []
    return _subproof(old_size, subtree, 0, size, True)


def _subproof(m: int, subtree: Subtree, lo: int, hi: int, whole: bool) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if whole else [subtree(lo, hi)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, subtree, lo, lo + k, whole), subtree(lo + k, hi)]
    return [*_subproof(m - k, subtree, lo + k, hi, False), subtree(lo, lo + k)]


def inclusion_verify(
    *, leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> None:
    """RFC 9162 §2.1.3.2; raises ProofError unless ``leaf`` (a leaf hash) is leaf
    ``index`` of the tree of ``size`` leaves whose root is ``root_hash``."""
    if not 0 <= index < size:
        raise ProofError(f"Leaf {index} cannot be in a tree of {size} leaves.")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("The inclusion proof is too long.")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("The inclusion proof is too short.")
    if r != root_hash:
        raise ProofError("The inclusion proof does not lead to the root.")


def consistency_verify(
    *,
    old_size: int,
    old_root: bytes,
    new_size: int,
    new_root: bytes,
    proof: Sequence[bytes],
) -> None:
    """RFC 9162 §2.1.4.2; raises ProofError unless the tree (old_size, old_root) is
    the first old_size leaves of the tree (new_size, new_root)."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"A tree of {new_size} leaves cannot extend one of {old_size}.")
    if old_size == 0:
        # Every tree extends the empty one, whose root is fixed.
        if old_root != EMPTY_ROOT or proof:
            raise ProofError("The empty tree's root or proof is wrong.")
        return
    if old_size == new_size:
        if proof or old_root != new_root:
            raise ProofError("Two trees of the same size differ.")
        return
    if not proof:
        raise ProofError("The consistency proof is empty.")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("The consistency proof is too long.")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("The consistency proof is too short.")
    if fr != old_root:
        raise ProofError("The consistency proof does not lead to the old root.")
    if sr != new_root:
        raise ProofError("The consistency proof does not lead to the new root.")
