"""Receipts for reporters: 20 random digits, typed back in any of the digit forms phones offer.

No Django here. A receipt is the reporter's only credential, so it is shown
once, in groups of four, and never stored: the server keeps a hash derived
from it with Argon2id and a server pepper (to find the report) and the public
half of a key pair derived from it (so replies can be encrypted to the reporter).

Typing it back, people use whatever keyboard they have: ASCII, Arabic-Indic
(٠-٩), Persian (۰-۹) or full-width (０-９) digits, with spaces or dashes
between groups. Anything else (letters, other digit systems, too few or too
many digits, overlong input) is not a receipt, and callers must answer it
exactly as they answer an unknown one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Opened:
    """What a receipt unlocks: the hash stored to find the report, and the reporter's key pair."""

    lookup_hash: bytes
    reporter: keys.KeyPair


def open_receipt(receipt: str, pepper: bytes, params: KdfParams) -> Opened:
    """One Argon2id derivation, then two one-way subkeys.

    The pepper never leaves the server, so a stolen database alone cannot be
    searched for receipts. The lookup hash and the reply key are separate
    BLAKE2b subkeys of the stretched receipt: the stored hash gives nothing of
    the key, and the server pays for one Argon2id run per check, not two.
    """
    salt = keys.derive(pepper, "receipt")[:16]
    stretched = keys.password_key(receipt, salt, params)
    private = PrivateKey(keys.derive(stretched, "reply-key"))
    return Opened(
        lookup_hash=keys.derive(stretched, "lookup"),
        reporter=keys.KeyPair(private=bytes(private), public=bytes(private.public_key)),
    )
