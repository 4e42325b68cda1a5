"""Signed tree heads: signing, verification and tampering."""

from __future__ import annotations

import pytest
from nacl.signing import SigningKey

from longreach.ledger import heads
from longreach.ledger.merkle import ProofError


def test_it_signs_and_verifies_a_head() -> None:
    sk = SigningKey.generate()
    head = heads.sign(heads.TreeHead(5, b"r" * 32, 1_700_000_000_000), bytes(sk))
    heads.verify(head, bytes(sk.verify_key))
    again = heads.TreeHead.from_json(head.to_json())
    assert again == head
    heads.verify(again, bytes(sk.verify_key))


@pytest.mark.parametrize("field", ["size", "root", "timestamp_ms"])
def test_it_rejects_a_head_with_any_field_changed(field: str) -> None:
    sk = SigningKey.generate()
    head = heads.sign(heads.TreeHead(5, b"r" * 32, 1_700_000_000_000), bytes(sk))
    data = head.to_json()
    data[field] = {"size": 6, "root": ("s" * 32).encode().hex(), "timestamp_ms": 1}[field]
    with pytest.raises(ProofError):
        heads.verify(heads.TreeHead.from_json(data), bytes(sk.verify_key))


def test_it_rejects_a_head_signed_by_another_key() -> None:
    head = heads.sign(heads.TreeHead(1, b"r" * 32, 1), bytes(SigningKey.generate()))
    with pytest.raises(ProofError, match="signed by key"):
        heads.verify(head, bytes(SigningKey.generate().verify_key))


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"size": "x", "root": "00", "timestamp_ms": 1, "signature": ""},
        {"size": 1, "root": "zz", "timestamp_ms": 1, "signature": ""},
    ],
)
def test_it_reports_malformed_heads(bad: dict[str, object]) -> None:
    with pytest.raises(ProofError, match="malformed"):
        heads.TreeHead.from_json(bad)
