"""Signed tree heads: a size, a root and a time, signed with Ed25519.

A head published outside the server (printed, e-mailed to a partner, put in
an evidence package) pins the whole log: any later rewrite of an entry at or
below that size changes the root and fails verification against it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from longreach.ledger.merkle import ProofError

_DOMAIN = b"longreach-tree-head-v1\x00"


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass(frozen=True)
class TreeHead:
    size: int
    root: bytes
    timestamp_ms: int
    signature: bytes = b""
    key_id: str = ""

    def message(self) -> bytes:
        if len(self.root) != 32:
            raise ProofError("tree head root must be 32 bytes")
        return _DOMAIN + struct.pack(">QQ", self.size, self.timestamp_ms) + self.root

    def to_json(self) -> dict[str, object]:
        return {
            "size": self.size,
            "root": self.root.hex(),
            "timestamp_ms": self.timestamp_ms,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TreeHead:
        try:
            return cls(
                size=int(data["size"]),  # type: ignore[call-overload]
                root=bytes.fromhex(str(data["root"])),
                timestamp_ms=int(data["timestamp_ms"]),  # type: ignore[call-overload]
                signature=base64.b64decode(str(data["signature"]), validate=True),
                key_id=str(data.get("key_id", "")),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ProofError(f"tree head is malformed: {exc}") from exc


def sign(head: TreeHead, signing_key: bytes) -> TreeHead:
    sk = SigningKey(signing_key)
    sig = sk.sign(head.message()).signature
    return TreeHead(head.size, head.root, head.timestamp_ms, bytes(sig), key_id(bytes(sk.verify_key)))


def verify(head: TreeHead, public_key: bytes) -> None:
    if head.key_id and head.key_id != key_id(public_key):
        raise ProofError(f"tree head was signed by key {head.key_id}, not {key_id(public_key)}")
    try:
        VerifyKey(public_key).verify(head.message(), head.signature)
    except (BadSignatureError, ValueError) as exc:
        raise ProofError("tree head signature is not valid") from exc


def dumps(heads: list[TreeHead], public_key: bytes) -> str:
    """The export format: the public key and every head, as JSON."""
    return json.dumps({"public_key": public_key.hex(), "heads": [h.to_json() for h in heads]}, indent=2)
