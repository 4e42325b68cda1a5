"""Key wrapping under passwords and keys, sealing to public keys, subkeys."""

from __future__ import annotations

import pytest

from longreach.crypto import CryptoError
from longreach.crypto import keys as ck


def test_it_unwraps_only_with_the_right_password_and_context() -> None:
    pair = ck.new_keypair()
    blob = ck.wrap_with_password(pair.private, "pässwörd 🗝", "user:abc", ck.KDF_TEST)
    assert ck.unwrap_with_password(blob, "pässwörd 🗝", "user:abc") == pair.private
    with pytest.raises(CryptoError):
        ck.unwrap_with_password(blob, "password", "user:abc")
    with pytest.raises(CryptoError):
        ck.unwrap_with_password(blob, "pässwörd 🗝", "user:other")
    assert ck.wrap_params(blob) == ck.KDF_TEST


def test_it_reports_truncated_wraps() -> None:
    with pytest.raises(CryptoError, match="truncated"):
        ck.unwrap_with_password(b"\x01" + bytes(10), "x", "c")


def test_sealed_keys_open_only_for_the_recipient_and_slot() -> None:
    alice, bob = ck.new_keypair(), ck.new_keypair()
    sealed = ck.seal_to(alice.public, b"k" * 32, "compartment:1:v1")
    assert ck.open_sealed_to(alice.private, sealed, "compartment:1:v1") == b"k" * 32
    with pytest.raises(CryptoError):
        ck.open_sealed_to(bob.private, sealed, "compartment:1:v1")
    with pytest.raises(CryptoError, match="another slot"):
        ck.open_sealed_to(alice.private, sealed, "compartment:2:v1")


def test_derived_keys_differ_by_purpose_and_token_keys_by_token() -> None:
    k = bytes(32)
    assert ck.derive(k, "a") != ck.derive(k, "b")
    assert len(ck.derive(k, "a")) == 32
    assert ck.token_key("x") != ck.token_key("y")
    assert ck.public_from_private(ck.new_keypair().private)
