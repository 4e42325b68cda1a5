"""Key pairs, password wrapping, sealing keys to people, and derived subkeys.

The key hierarchy of docs/threat-model.md: a user's X25519 private key is
wrapped under Argon2id(password); symmetric keys (a compartment's, the
linkage key) are sealed to users' public keys and to the recovery key.
Nothing here ever derives a key from Django's SECRET_KEY.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import nacl.pwhash.argon2id as argon2id
from nacl import hash as nacl_hash
from nacl import utils
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from longreach.crypto import CryptoError, envelope


@dataclass(frozen=True)
class KdfParams:
    opslimit: int
    memlimit: int


# INTERACTIVE is libsodium's profile for logins (64 MiB, 2 passes); tests use
# the minimum so the suite stays fast. Parameters are stored with each wrap,
# so raising them later only needs a re-wrap at the next login.
KDF_INTERACTIVE = KdfParams(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)
KDF_TEST = KdfParams(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)

_WRAP_HEADER = struct.Struct(">BIQ")
_WRAP_FORMAT = 1


@dataclass(frozen=True)
class KeyPair:
    private: bytes
    public: bytes


def new_keypair() -> KeyPair:
    sk = PrivateKey.generate()
    return KeyPair(private=bytes(sk), public=bytes(sk.public_key))


def public_from_private(private: bytes) -> bytes:
    return bytes(PrivateKey(private).public_key)


def password_key(password: str, salt: bytes, params: KdfParams) -> bytes:
    """A 32-byte key from a secret a person holds (password, receipt), by Argon2id."""
    return bytes(
        argon2id.kdf(
            envelope.KEY_BYTES,
            password.encode("utf-8"),
            salt,
            opslimit=params.opslimit,
            memlimit=params.memlimit,
        )
    )


def wrap_with_password(secret: bytes, password: str, context: str, params: KdfParams) -> bytes:
    """Encrypt ``secret`` under a key stretched from ``password`` with Argon2id."""
    salt = utils.random(argon2id.SALTBYTES)
    header = _WRAP_HEADER.pack(_WRAP_FORMAT, params.opslimit, params.memlimit) + salt
    key = password_key(password, salt, params)
    return header + envelope.seal(key, secret, envelope.binding("password-wrap", context), 0)


def unwrap_with_password(blob: bytes, password: str, context: str) -> bytes:
    blob = bytes(blob)
    head = _WRAP_HEADER.size + argon2id.SALTBYTES
    if len(blob) <= head:
        raise CryptoError("wrapped key is truncated")
    fmt, ops, mem = _WRAP_HEADER.unpack_from(blob)
    if fmt != _WRAP_FORMAT:
        raise CryptoError(f"unknown wrapped key format {fmt}")
    salt = blob[_WRAP_HEADER.size : head]
    key = password_key(password, salt, KdfParams(ops, mem))
    return envelope.open_sealed(lambda _v: key, blob[head:], envelope.binding("password-wrap", context))


def wrap_params(blob: bytes) -> KdfParams:
    _fmt, ops, mem = _WRAP_HEADER.unpack_from(bytes(blob))
    return KdfParams(ops, mem)


def wrap_with_key(secret: bytes, key: bytes, context: str) -> bytes:
    return envelope.seal(key, secret, envelope.binding("key-wrap", context), 0)


def unwrap_with_key(blob: bytes, key: bytes, context: str) -> bytes:
    return envelope.open_sealed(lambda _v: key, bytes(blob), envelope.binding("key-wrap", context))


def seal_to(public: bytes, secret: bytes, context: str) -> bytes:
    """Seal ``secret`` so only the holder of ``public``'s private key opens it.

    Sealed boxes carry no associated data, so the context goes inside and is
    checked on opening: a grant copied to another key slot fails loudly.
    """
    tag = envelope.binding("sealed-to", context)
    return bytes(SealedBox(PublicKey(public)).encrypt(struct.pack(">I", len(tag)) + tag + secret))


def open_sealed_to(private: bytes, blob: bytes, context: str) -> bytes:
    try:
        raw = bytes(SealedBox(PrivateKey(private)).decrypt(bytes(blob)))
    except NaclCryptoError as exc:
        raise CryptoError("sealed key does not open with this private key") from exc
    (n,) = struct.unpack_from(">I", raw)
    tag, secret = raw[4 : 4 + n], raw[4 + n :]
    if tag != envelope.binding("sealed-to", context):
        raise CryptoError("sealed key belongs to another slot")
    return secret


def derive(key: bytes, purpose: str) -> bytes:
    """A subkey for one purpose (BLAKE2b keyed hash), so one key never serves two uses."""
    return bytes(nacl_hash.blake2b(purpose.encode("utf-8"), key=key, digest_size=32, encoder=RawEncoder))


def token_key(token_secret: str) -> bytes:
    """Key that wraps a user's private key for an API token.

    Tokens carry 256 bits of randomness, so a fast keyed hash is enough; the
    password path needs Argon2id because people choose passwords.
    """
    return bytes(
        nacl_hash.blake2b(
            token_secret.encode("ascii"), person=b"lr-api-token", digest_size=32, encoder=RawEncoder
        )
    )
