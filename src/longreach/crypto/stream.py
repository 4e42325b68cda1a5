"""Files encrypted in chunks with libsodium's secretstream (XChaCha20-Poly1305).

No Django. A file is ``MAGIC | header | chunk*``; each chunk is a 4-byte
big-endian length and one secretstream message of at most CHUNK plaintext
bytes. The last chunk carries TAG_FINAL, so a truncated file fails, and
secretstream's internal counter makes reordered or repeated chunks fail.
Every file has its own random key; callers seal that key to whoever may
read the file, with a context naming the file, so a key swapped between
files opens nothing.

The writer hashes the plaintext and the ciphertext as it goes, so a file is
read once, never held in memory, and its fingerprints are known when the
last byte is written. The hashing runs on a helper thread (hashlib and
libsodium both release the GIL), so it overlaps encryption and I/O instead
of adding to them.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from nacl import bindings as sodium
from nacl.exceptions import CryptoError as NaclCryptoError

from longreach.crypto import CryptoError

MAGIC = b"LRF1"
CHUNK = 64 * 1024
KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES
_HEADER = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_LEN = struct.Struct(">I")
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def new_key() -> bytes:
    return bytes(sodium.crypto_secretstream_xchacha20poly1305_keygen())


# One worker per kind of digest: each hashes its pieces in the order given, and
# the plaintext and ciphertext digests of a file run side by side.
_PLAIN_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="longreach-sha256-plain")
_CIPHER_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="longreach-sha256-cipher")
_BATCH = 1024 * 1024  # bytes handed to the worker at once: one hand-over per megabyte, not per chunk
_PENDING = 4  # batches queued per digest before the producer waits (bounds memory to a few MB)


class BackgroundDigest:
    """SHA-256 fed from one thread and computed on another, in order, with bounded memory.

    The worker is a single thread, so batches are hashed in the order they were
    given; the producer waits when too many are queued.
    """

    def __init__(self, worker: ThreadPoolExecutor = _PLAIN_HASHER) -> None:
        self._worker = worker
        self._hash = hashlib.sha256()
        self._queued: deque[Future[None]] = deque()
        self._batch: list[bytes] = []
        self._batch_bytes = 0

    def update(self, data: bytes) -> None:
        self._batch.append(data)
        self._batch_bytes += len(data)
        if self._batch_bytes >= _BATCH:
            self.hand_over()

    def hand_over(self) -> None:
        """Start hashing what has been given so far (also called when a full batch is ready)."""
        if not self._batch:
            return
        while len(self._queued) >= _PENDING:
            self._queued.popleft().result()
        batch, self._batch, self._batch_bytes = self._batch, [], 0
        self._queued.append(self._worker.submit(self._hash_all, batch))

    def _hash_all(self, batch: list[bytes]) -> None:
        for piece in batch:
            self._hash.update(piece)

    def hexdigest(self) -> str:
        self.hand_over()
        while self._queued:
            self._queued.popleft().result()
        return self._hash.hexdigest()


@dataclass(frozen=True)
class Written:
    size: int  # plaintext bytes
    sha256: str  # of the plaintext, hex
    cipher_size: int
    cipher_sha256: str  # of the file as stored, hex


class Encryptor:
    """Feed plaintext in pieces of any size; ``finish`` writes the final chunk."""

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise CryptoError("a file key is 32 bytes")
        self._out = out
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        # Plaintext not yet pushed, at most one chunk: the stream's final chunk must carry
        # TAG_FINAL, so a full chunk waits until more data shows it is not the last.
        self._held = b""
        self._plain = BackgroundDigest(_PLAIN_HASHER)
        self._cipher = BackgroundDigest(_CIPHER_HASHER)
        self.size = 0
        self._cipher_size = 0
        self._finished = False
        self._emit(MAGIC + header)

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._cipher.update(data)
        self._cipher_size += len(data)

    def _push(self, piece: bytes, tag: int) -> None:
        sealed = sodium.crypto_secretstream_xchacha20poly1305_push(self._state, piece, None, tag)
        self._emit(_LEN.pack(len(sealed)))  # two writes: joining them would copy every chunk once more
        self._emit(sealed)

    def update(self, data: bytes) -> None:
        if self._finished:
            raise CryptoError("this file is already finished")
        data = bytes(data)  # the hashing thread must see exactly these bytes, whatever the caller reuses
        self._plain.update(data)
        self.size += len(data)
        # Pieces of exactly one chunk (file reads) are kept as they are, never copied.
        pos = 0
        while pos < len(data):
            if len(self._held) == CHUNK:
                self._push(self._held, _TAG_MESSAGE)
                self._held = b""
            take = min(CHUNK - len(self._held), len(data) - pos)
            piece = data if take == len(data) else data[pos : pos + take]
            self._held = self._held + piece if self._held else piece
            pos += take

    def finish(self, *, sync: bool = False) -> Written:
        """Write the final chunk; with ``sync``, flush the output and fsync it before returning.

        The sync runs while the helper threads hash the last pieces, so a small
        file's digests cost no time of their own.
        """
        # The final chunk may be empty: an empty file is still a complete, authenticated stream.
        self._push(self._held, _TAG_FINAL)
        self._held = b""
        self._finished = True
        self._plain.hand_over()
        self._cipher.hand_over()
        if sync:
            self._out.flush()
            os.fsync(self._out.fileno())
        return Written(self.size, self._plain.hexdigest(), self._cipher_size, self._cipher.hexdigest())


def decrypt(source: BinaryIO, key: bytes) -> Iterator[bytes]:
    """Plaintext chunks; raises CryptoError on a wrong key, tampering, truncation or trailing bytes."""
    head = source.read(len(MAGIC) + _HEADER)
    if len(head) < len(MAGIC) + _HEADER or not head.startswith(MAGIC):
        raise CryptoError("not a Longreach encrypted file, or its header is cut off")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, head[len(MAGIC) :], key)
    except (NaclCryptoError, ValueError) as exc:
        raise CryptoError("file key has the wrong size") from exc
    index = 0
    while True:
        raw_len = source.read(_LEN.size)
        if len(raw_len) < _LEN.size:
            raise CryptoError(f"file ends before its last chunk (after chunk {index})")
        (n,) = _LEN.unpack(raw_len)
        if n < _ABYTES or n > CHUNK + _ABYTES:
            raise CryptoError(f"chunk {index} has an impossible length {n}")
        sealed = source.read(n)
        if len(sealed) < n:
            raise CryptoError(f"chunk {index} is cut off")
        try:
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, sealed, None)
        except NaclCryptoError as exc:
            raise CryptoError(f"chunk {index} does not decrypt: wrong key, altered or reordered") from exc
        yield bytes(plain)
        index += 1
        if tag == _TAG_FINAL:
            if source.read(1):
                raise CryptoError("bytes follow the final chunk")
            return


def sha256_of(source: BinaryIO) -> str:
    h = hashlib.sha256()
    for block in iter(lambda: source.read(CHUNK), b""):
        h.update(block)
    return h.hexdigest()
