"""Receipts for reporters: 20 random digits, typed back in any of the digit forms phones offer.

No Django here. A receipt is the reporter's only credential, so it is shown
once, in groups of four, and never stored: the server keeps an Argon2id hash
of it (for lookup, salted with a server pepper) and the public half of a key
pair derived from it (so replies can be encrypted to the reporter).

Typing it back, people use whatever keyboard they have: ASCII, Arabic-Indic
(٠-٩), Persian (۰-۹) or full-width (０-９) digits, with spaces or dashes
between groups. Anything else (letters, other digit systems, too few or too
many digits, overlong input) is not a receipt, and callers must answer it
exactly as they answer an unknown one.
"""

from __future__ import annotations

import secrets

from nacl.public import PrivateKey

from longreach.crypto import keys
from longreach.crypto.keys import KdfParams

DIGITS = 20
MAX_INPUT = 120  # characters typed; longer input is refused before any work

_DIGIT_BLOCKS = (
    (0x30, 0x39),  # ASCII
    (0x660, 0x669),  # Arabic-Indic
    (0x6F0, 0x6F9),  # Extended Arabic-Indic (Persian, Urdu)
    (0xFF10, 0xFF19),  # full-width
)
_SEPARATORS = frozenset(
    " \t\u00a0\u2007\u2009\u202f\u3000"  # spaces, including no-break, thin and ideographic
    "-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d"  # hyphens, dashes, minus, full-width hyphen
    "\u200e\u200f\u061c"  # direction marks phones insert around digits
)


def new() -> str:
    """A fresh receipt: 20 decimal digits from the operating system's random source."""
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def grouped(receipt: str) -> str:
    """``1234 5678 9012 3456 7890`` for showing once."""
    return " ".join(receipt[i : i + 4] for i in range(0, DIGITS, 4))


def normalise(typed: str) -> str | None:
    """The 20 ASCII digits a reporter meant, or None when the input is not a receipt."""
    if not isinstance(typed, str) or len(typed) > MAX_INPUT:
        return None
    out = []
    for ch in typed.strip():
        if ch in _SEPARATORS:
            continue
        code = ord(ch)
        for first, last in _DIGIT_BLOCKS:
            if first <= code <= last:
                out.append(chr(0x30 + code - first))
                break
        else:
            return None
    return "".join(out) if len(out) == DIGITS else None


def _kdf(receipt: str, pepper: bytes, purpose: str, params: KdfParams) -> bytes:
    # The pepper never leaves the server, so a stolen database alone cannot be
    # searched for receipts, even at Argon2id's cost per guess.
    salt = keys.derive(pepper, f"receipt:{purpose}")[:16]
    return keys.password_key(receipt, salt, params)


def lookup_hash(receipt: str, pepper: bytes, params: KdfParams) -> bytes:
    """What the database stores to find a report by its receipt."""
    return _kdf(receipt, pepper, "lookup", params)


def reporter_keypair(receipt: str, pepper: bytes, params: KdfParams) -> keys.KeyPair:
    """The reporter's X25519 key pair, recomputed from the receipt whenever they come back."""
    private = PrivateKey(_kdf(receipt, pepper, "reply-key", params))
    return keys.KeyPair(private=bytes(private), public=bytes(private.public_key))
