"""Authenticated encryption of field values under a versioned symmetric key.

Threat addressed: the thief who copies the database. Every value is encrypted
with XChaCha20-Poly1305 and bound by associated data to where it lives
(model, field, row, compartment), so a ciphertext moved into another row or
compartment fails to open instead of showing the wrong person's data.
Plaintexts are padded to a block so ciphertext length reveals only a bucket.

Layout: ``b"\\x01" | key_version (4 bytes, big endian) | nonce (24) | ciphertext``.
The header is part of the associated data, so the version cannot be swapped.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable

from nacl import bindings, utils
from nacl.exceptions import CryptoError as NaclCryptoError

from longreach.crypto import CryptoError

FORMAT = 1
KEY_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
PAD_BLOCK = 32
_HEADER = struct.Struct(">BI")


def new_key() -> bytes:
    return utils.random(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, aad: bytes, key_version: int) -> bytes:
    if len(key) != KEY_BYTES:
        raise ValueError("key must be 32 bytes")
    header = _HEADER.pack(FORMAT, key_version)
    nonce = utils.random(NONCE_BYTES)
    ct = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(_pad(plaintext), header + aad, nonce, key)
    return b"".join((header, nonce, ct))


def key_version_of(blob: bytes) -> int:
    """The key version a ciphertext claims (authenticated only once opened)."""
    if len(blob) < _HEADER.size + NONCE_BYTES + 16:
        raise CryptoError("sealed value is truncated")
    fmt, version = _HEADER.unpack_from(blob)
    if fmt != FORMAT:
        raise CryptoError(f"unknown sealed value format {fmt}")
    return int(version)


def open_sealed(key_for_version: Callable[[int], bytes], blob: bytes, aad: bytes) -> bytes:
    """Open ``blob``; ``key_for_version`` maps the stored key version to a key.

    Raises CryptoError on any mismatch; never returns the ciphertext instead.
    """
    blob = bytes(blob)
    version = key_version_of(blob)
    key = key_for_version(version)
    header = blob[: _HEADER.size]
    nonce = blob[_HEADER.size : _HEADER.size + NONCE_BYTES]
    ct = blob[_HEADER.size + NONCE_BYTES :]
    try:
        padded = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, header + aad, nonce, key)
    except NaclCryptoError as exc:
        raise CryptoError(
            "sealed value does not open: wrong key, or it was moved from another row or altered"
        ) from exc
    return _unpad(padded)


# ISO/IEC 7816-4 padding, the scheme of libsodium's sodium_pad, done here in
# Python because the foreign call costs more than the padding for short fields.
def _pad(data: bytes) -> bytes:
    return data + b"\x80" + b"\x00" * (PAD_BLOCK - 1 - len(data) % PAD_BLOCK)


def _unpad(padded: bytes) -> bytes:
    body = padded.rstrip(b"\x00")
    if not body or body[-1] != 0x80 or len(padded) - len(body) >= PAD_BLOCK or len(padded) % PAD_BLOCK:
        raise CryptoError("sealed value has invalid padding")
    return body[:-1]


def binding(*parts: str) -> bytes:
    """Associated data from named parts, length-prefixed so no two tuples collide."""
    return b"longreach.v1" + b"".join(map(_part, parts))


@functools.lru_cache(maxsize=1024)
def _part(part: str) -> bytes:
    # Model, field and compartment names repeat for every value; cache their encoding.
    raw = part.encode("utf-8")
    return len(raw).to_bytes(4, "big") + raw
