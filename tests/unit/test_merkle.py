"""The Merkle log against RFC 9162's definitions, published vectors and random trees."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.ledger import merkle
from longreach.ledger.merkle import MerkleLog, ProofError

# The RFC 6962/9162 test tree used by Certificate Transparency implementations.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def h(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


# Reference implementation written straight from the RFC's recursive definitions.
def ref_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return h(b"")
    if n == 1:
        return h(b"\x00" + d[0])
    k = 1 << ((n - 1).bit_length() - 1)
    return h(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return ref_path(m, d[:k]) + [ref_mth(d[k:])]
    return ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return ref_subproof(m, d[:k], b) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


def build(leaves: list[bytes]) -> MerkleLog:
    log = MerkleLog()
    log.extend(leaves)
    return log


def test_it_hashes_leaves_and_nodes_with_distinct_prefixes() -> None:
    assert merkle.leaf_hash(b"abc") == h(b"\x00abc")
    assert merkle.node_hash(b"L" * 32, b"R" * 32) == h(b"\x01" + b"L" * 32 + b"R" * 32)
    assert merkle.leaf_hash(b"\x01" + b"x" * 64) != merkle.node_hash(b"x" * 32, b"x" * 32)


def test_it_computes_hand_worked_roots_for_three_leaves() -> None:
    l0, l1, l2 = (h(b"\x00" + x) for x in (b"a", b"b", b"c"))
    expected = h(b"\x01" + h(b"\x01" + l0 + l1) + l2)
    assert build([b"a", b"b", b"c"]).root() == expected
    assert MerkleLog().root() == h(b"")


def test_it_matches_the_published_ct_test_vectors() -> None:
    log = MerkleLog()
    for i, leaf in enumerate(CT_LEAVES):
        log.append(leaf)
        assert log.root().hex() == CT_ROOTS[i]
        assert log.root(i + 1).hex() == CT_ROOTS[i]


def test_it_gives_the_hand_worked_inclusion_proof_for_leaf_2_of_3() -> None:
    log = build([b"a", b"b", b"c"])
    l0, l1 = h(b"\x00a"), h(b"\x00b")
    assert log.inclusion_proof(2) == [h(b"\x01" + l0 + l1)]
    assert log.inclusion_proof(0) == [l1, h(b"\x00c")]


def test_it_rejects_proofs_for_leaves_outside_the_tree() -> None:
    log = build([b"a", b"b"])
    with pytest.raises(ProofError):
        log.inclusion_proof(2)
    with pytest.raises(ProofError):
        log.root(3)
    with pytest.raises(ProofError):
        log.consistency_proof(3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70), st.data())
def test_it_matches_the_rfc_definitions_on_random_trees(leaves: list[bytes], data: st.DataObject) -> None:
    log = build(leaves)
    n = data.draw(st.integers(1, len(leaves)))
    m = data.draw(st.integers(0, n - 1))
    old = data.draw(st.integers(0, n))
    root = log.root(n)
    assert root == ref_mth(leaves[:n])
    proof = log.inclusion_proof(m, n)
    assert proof == ref_path(m, leaves[:n])
    merkle.verify_inclusion(merkle.leaf_hash(leaves[m]), m, n, proof, root)
    cproof = log.consistency_proof(old, n)
    if 0 < old < n:
        assert cproof == ref_subproof(old, leaves[:n], True)
    merkle.verify_consistency(old, n, log.root(old), root, cproof)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=4), min_size=2, max_size=40), st.data())
def test_it_rejects_any_altered_inclusion_proof(leaves: list[bytes], data: st.DataObject) -> None:
    log = build(leaves)
    n = len(leaves)
    m = data.draw(st.integers(0, n - 1))
    proof = log.inclusion_proof(m)
    leaf = merkle.leaf_hash(leaves[m])
    wrong_index = data.draw(st.integers(0, n - 1))
    # The same data at two positions gives the same leaf hash; only a
    # different leaf must fail at the wrong index.
    if leaves[wrong_index] != leaves[m]:
        with pytest.raises(ProofError):
            merkle.verify_inclusion(leaf, wrong_index, n, proof, log.root())
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        tampered = list(proof)
        tampered[i] = bytes([tampered[i][0] ^ 1]) + tampered[i][1:]
        with pytest.raises(ProofError):
            merkle.verify_inclusion(leaf, m, n, tampered, log.root())
        with pytest.raises(ProofError):
            merkle.verify_inclusion(leaf, m, n, proof[:-1], log.root())
    with pytest.raises(ProofError):
        merkle.verify_inclusion(leaf, m, n, proof + [b"\x00" * 32], log.root())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=4), min_size=3, max_size=40), st.data())
def test_it_rejects_consistency_with_a_rewritten_history(leaves: list[bytes], data: st.DataObject) -> None:
    n = len(leaves)
    old = data.draw(st.integers(1, n - 1))
    log = build(leaves)
    rewritten = list(leaves)
    j = data.draw(st.integers(0, old - 1))
    rewritten[j] = rewritten[j] + b"!"
    forged_old_root = build(rewritten[:old]).root()
    with pytest.raises(ProofError):
        merkle.verify_consistency(old, n, forged_old_root, log.root(), log.consistency_proof(old))


def test_it_rejects_consistency_proofs_of_the_wrong_shape() -> None:
    log = build([b"a", b"b", b"c", b"d", b"e"])
    proof = log.consistency_proof(3)
    with pytest.raises(ProofError):
        merkle.verify_consistency(3, 5, log.root(3), log.root(), [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(3, 5, log.root(3), log.root(), proof + [b"\x00" * 32])
    with pytest.raises(ProofError):
        merkle.verify_consistency(5, 3, log.root(), log.root(3), proof)
    with pytest.raises(ProofError):
        merkle.verify_consistency(5, 5, log.root(), log.root(4), [])


def test_it_stores_only_complete_subtrees_in_order() -> None:
    store = merkle.MemoryStore()
    log = MerkleLog(store)
    log.extend([bytes([i]) for i in range(6)])
    assert [len(level) for level in store.levels] == [6, 3, 1]
    with pytest.raises(ValueError):
        store.put(0, 9, b"x" * 32)
