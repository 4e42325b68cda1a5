"""Blind indexes: keyed, truncated HMAC-SHA256 of normalised identifiers.

They allow exact lookups ("have we seen +86 138 0013 8000?") on sealed data
without decrypting every row. The kind is mixed in so a phone number and a
handle with the same text never collide. 16 bytes keep accidental collisions
negligible at any realistic size while the key stops dictionary attacks by
someone holding only the database.
"""

from __future__ import annotations

import hashlib
import hmac

TRUNCATE_BYTES = 16


def blind_index(key: bytes, kind: str, normalised: str) -> str:
    if len(key) < 32:
        raise ValueError("blind index key must be at least 32 bytes")
    msg = kind.encode("utf-8") + b"\x00" + normalised.encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).digest()[:TRUNCATE_BYTES].hex()
