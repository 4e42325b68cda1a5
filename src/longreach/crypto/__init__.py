"""Pure cryptography for Longreach (PyNaCl/libsodium only, no Django).

Modules: ``envelope`` seals values with associated data, ``values`` turns typed
values into bytes and back exactly, ``keys`` wraps and seals keys, ``blind``
computes blind indexes and ``normalise`` prepares identifiers for them.
"""


class CryptoError(Exception):
    """A ciphertext could not be opened: wrong key, wrong binding or tampering."""


def as_bytes(value: bytes | bytearray | memoryview | None, what: str) -> bytes:
    """A stored binary column as bytes; a missing key is an error, never an empty key."""
    if value is None:
        raise CryptoError(f"{what} is missing")
    return bytes(value)
