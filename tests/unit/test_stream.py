"""Chunked file encryption: exact round-trips, and every kind of tampering is an error."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.crypto import CryptoError, stream


def encrypt(data: bytes, key: bytes, pieces: int = 1) -> tuple[bytes, stream.Written]:
    out = io.BytesIO()
    enc = stream.Encryptor(out, key)
    step = max(1, len(data) // pieces)
    for i in range(0, len(data), step):
        enc.update(data[i : i + step])
    written = enc.finish()
    return out.getvalue(), written


def decrypt(blob: bytes, key: bytes) -> bytes:
    return b"".join(stream.decrypt(io.BytesIO(blob), key))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3 * stream.CHUNK + 10), st.integers(min_value=1, max_value=7))
def test_round_trip_any_size_any_pieces(data: bytes, pieces: int) -> None:
    key = stream.new_key()
    blob, written = encrypt(data, key, pieces)
    assert decrypt(blob, key) == data
    assert written.size == len(data)
    assert written.sha256 == hashlib.sha256(data).hexdigest()
    assert written.cipher_sha256 == hashlib.sha256(blob).hexdigest()
    assert written.cipher_size == len(blob)


def test_empty_file_is_a_complete_stream() -> None:
    key = stream.new_key()
    blob, written = encrypt(b"", key)
    assert written.size == 0 and decrypt(blob, key) == b""


DATA = bytes(range(256)) * 700  # three chunks


@pytest.fixture
def sealed() -> tuple[bytes, bytes]:
    key = stream.new_key()
    return encrypt(DATA, key)[0], key


def test_wrong_key(sealed: tuple[bytes, bytes]) -> None:
    with pytest.raises(CryptoError, match="chunk 0"):
        decrypt(sealed[0], stream.new_key())


@pytest.mark.parametrize("where", [40, 70_000, -5])
def test_flipped_byte(sealed: tuple[bytes, bytes], where: int) -> None:
    blob = bytearray(sealed[0])
    blob[where] ^= 1
    with pytest.raises(CryptoError):
        decrypt(bytes(blob), sealed[1])


@pytest.mark.parametrize("cut", [3, 20, 100, stream.CHUNK + 50, -1])
def test_truncated(sealed: tuple[bytes, bytes], cut: int) -> None:
    with pytest.raises(CryptoError):
        decrypt(sealed[0][:cut], sealed[1])


def test_truncated_at_a_chunk_boundary_is_caught() -> None:
    key = stream.new_key()
    blob, _ = encrypt(DATA, key)
    first_end = len(stream.MAGIC) + 24 + 4 + stream.CHUNK + 17
    with pytest.raises(CryptoError, match="ends before its last chunk"):
        decrypt(blob[:first_end], key)


def test_reordered_chunks() -> None:
    key = stream.new_key()
    blob, _ = encrypt(DATA, key)
    head = len(stream.MAGIC) + 24
    size = 4 + stream.CHUNK + 17
    one, two = blob[head : head + size], blob[head + size : head + 2 * size]
    swapped = blob[:head] + two + one + blob[head + 2 * size :]
    with pytest.raises(CryptoError, match="reordered"):
        decrypt(swapped, key)


def test_trailing_bytes(sealed: tuple[bytes, bytes]) -> None:
    with pytest.raises(CryptoError, match="follow the final chunk"):
        decrypt(sealed[0] + b"x", sealed[1])


def test_not_our_format() -> None:
    with pytest.raises(CryptoError, match="not a Longreach"):
        decrypt(b"%PDF-1.7 hello", stream.new_key())


def test_impossible_chunk_length() -> None:
    key = stream.new_key()
    blob = bytearray(encrypt(b"abc", key)[0])
    blob[28:32] = (2**31).to_bytes(4, "big")
    with pytest.raises(CryptoError, match="impossible length"):
        decrypt(bytes(blob), key)
