"""transparency/merkle.py against RFC 9162 §2.1 written out literally (the naive
recursive definitions below), for every tree size 1..40 and every leaf or old size;
and every way of spoiling a proof is refused."""

import hashlib

import pytest

from transparency import merkle

SIZES = range(1, 41)


def h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"leaf {i}".encode()) for i in range(n)]


def mth(d: list[bytes]) -> bytes:
    """MTH as the RFC defines it, over leaf hashes."""
    if len(d) == 0:
        return h(b"")
    if len(d) == 1:
        return d[0]
    k = 1
    while k * 2 < len(d):
        k *= 2
    return h(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = 1
    while k * 2 < len(d):
        k *= 2
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [mth(d)]
    k = 1
    while k * 2 < len(d):
        k *= 2
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def spoiled(proof: list[bytes]):
    """Every proof one change away from `proof`."""
    for i in range(len(proof)):
        changed = list(proof)
        changed[i] = bytes([proof[i][0] ^ 1]) + proof[i][1:]
        yield changed
        yield proof[:i] + proof[i + 1 :]
    yield [*proof, proof[-1] if proof else h(b"extra")]
    if len(proof) > 1:
        yield list(reversed(proof))


def test_leaf_and_node_hashes_are_prefixed_as_rfc_6962():
    assert merkle.leaf_hash(b"abc") == h(b"\x00abc")
    assert merkle.node_hash(b"L", b"R") == h(b"\x01LR")
    assert merkle.root([]) == h(b"")


@pytest.mark.parametrize("n", SIZES)
def test_root_and_inclusion_proofs_match_the_rfc_for_every_leaf(n):
    d = leaves(n)
    assert merkle.root(d) == mth(d)
    for m in range(n):
        proof = merkle.inclusion_proof(m, d)
        assert proof == path(m, d)
        merkle.inclusion_verify(leaf=d[m], index=m, size=n, proof=proof, root_hash=mth(d))
        # Another leaf, index or root, or any spoiled proof, is refused. (Not another
        # size: leaf 0 has the same path in trees of 3 and 4 leaves; the size is bound
        # by the signed checkpoint, not by the path.)
        wrong = [
            {"leaf": merkle.leaf_hash(b"other"), "index": m, "size": n, "proof": proof},
            *[{"leaf": d[m], "index": m, "size": n, "proof": bad} for bad in spoiled(proof)],
        ]
        if n > 1:
            wrong.append({"leaf": d[m], "index": (m + 1) % n, "size": n, "proof": proof})
        wrong.append({"leaf": d[m], "index": n, "size": n, "proof": proof})
        for case in wrong:
            with pytest.raises(merkle.ProofError):
                merkle.inclusion_verify(**case, root_hash=mth(d))
        with pytest.raises(merkle.ProofError):
            merkle.inclusion_verify(
                leaf=d[m], index=m, size=n, proof=proof, root_hash=mth(leaves(n + 1))
            )


@pytest.mark.parametrize("n", SIZES)
def test_consistency_proofs_match_the_rfc_for_every_old_size(n):
    d = leaves(n)
    for m in range(0, n + 1):
        proof = merkle.consistency_proof(m, d)
        assert proof == ([] if m in (0, n) else subproof(m, d, True))
        old, new = mth(d[:m]), mth(d)
        merkle.consistency_verify(old_size=m, old_root=old, new_size=n, new_root=new, proof=proof)
        if m in (0, n):
            continue
        for bad in spoiled(proof):
            with pytest.raises(merkle.ProofError):
                merkle.consistency_verify(
                    old_size=m, old_root=old, new_size=n, new_root=new, proof=bad
                )
        # A rewritten old leaf: its old root no longer follows from the new tree.
        rewritten = list(d)
        rewritten[m - 1] = merkle.leaf_hash(b"rewritten")
        with pytest.raises(merkle.ProofError):
            merkle.consistency_verify(
                old_size=m,
                old_root=old,
                new_size=n,
                new_root=mth(rewritten),
                proof=merkle.consistency_proof(m, rewritten),
            )
        for other_size in {m - 1, m + 1} - {0, n}:
            with pytest.raises(merkle.ProofError):
                merkle.consistency_verify(
                    old_size=other_size, old_root=old, new_size=n, new_root=new, proof=proof
                )


def test_impossible_requests_and_trivial_proofs():
    d = leaves(3)
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_proof(3, d)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof(4, d)
    with pytest.raises(merkle.ProofError):  # a smaller tree cannot extend a larger
        merkle.consistency_verify(
            old_size=3, old_root=mth(d), new_size=2, new_root=mth(d[:2]), proof=[]
        )
    with pytest.raises(merkle.ProofError):  # same size, other root
        merkle.consistency_verify(
            old_size=3, old_root=mth(d), new_size=3, new_root=mth(leaves(4)[:3][::-1]), proof=[]
        )
    with pytest.raises(merkle.ProofError):  # the empty tree has one root
        merkle.consistency_verify(old_size=0, old_root=d[0], new_size=3, new_root=mth(d), proof=[])
    with pytest.raises(merkle.ProofError):
        merkle.consistency_verify(
            old_size=2, old_root=mth(d[:2]), new_size=3, new_root=mth(d), proof=[]
        )


def test_an_interior_node_cannot_pass_for_a_leaf():
    """The subtree root of leaves 0-1 with the rest of leaf 0's path leads to the root:
    only the path's length (checked against the size) tells it is not a leaf."""
    d = leaves(4)
    left = merkle.node_hash(d[0], d[1])
    right = merkle.node_hash(d[2], d[3])
    assert merkle.node_hash(left, right) == mth(d)
    with pytest.raises(merkle.ProofError, match="too short"):
        merkle.inclusion_verify(leaf=left, index=0, size=4, proof=[right], root_hash=mth(d))
