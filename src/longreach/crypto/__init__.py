"""Pure cryptography for Longreach (PyNaCl/libsodium only, no Django).

Modules: ``envelope`` seals values with associated data, ``values`` turns typed
values into bytes and back exactly, ``keys`` wraps and seals keys, ``blind``
computes blind indexes and ``normalise`` prepares identifiers for them.
"""


class CryptoError(Exception):
    """A ciphertext could not be opened: wrong key, wrong binding or tampering."""
