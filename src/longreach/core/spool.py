"""A temporary file whose bytes on disk are ciphertext under a key held only in memory.

WSGI servers spool large request bodies and slow responses to unnamed temporary
files (waitress: ``inbuf_overflow``, ``outbuf_overflow``). Those bodies are
reports, form answers and decrypted evidence; the threat model promises they
never reach a disk in the clear, not even /tmp. ``SealedSpool`` is a drop-in
for such a file: random access (servers read, seek back and append), AES-256
in counter mode so any offset can be read or written alone, and a fresh key
per spool that dies with the object. Integrity is not the point: whoever can
rewrite the file while the request runs already has the process.

Pure Python over ``cryptography``; no Django.
"""

from __future__ import annotations

import io
import os
import tempfile
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 16


class SealedSpool(io.RawIOBase):
    """An unnamed temporary file holding AES-256-CTR ciphertext of whatever is written to it."""

    def __init__(self, folder: str | None = None) -> None:
        super().__init__()
        self._file: Any = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed by close())
        self._key = os.urandom(32)
        self._nonce = os.urandom(8)
        self._pos = 0
        self._size = 0

    def _xor(self, offset: int, data: bytes | memoryview) -> bytes:
        block, skip = divmod(offset, _BLOCK)
        counter = self._nonce + block.to_bytes(8, "big")
        crypt = Cipher(algorithms.AES(self._key), modes.CTR(counter)).encryptor()
        if skip:
            crypt.update(bytes(skip))
        return crypt.update(bytes(data)) + crypt.finalize()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), max(0, self._size - self._pos))
        if want == 0:
            return 0
        self._file.seek(self._pos)
        cipher = self._file.read(want)
        plain = self._xor(self._pos, cipher)
        view[: len(plain)] = plain
        self._pos += len(plain)
        return len(plain)

    def write(self, data: Any) -> int:
        raw = memoryview(data).cast("B")
        if self._pos > self._size:  # a seek past the end: the gap reads as zeros, as in a file
            self._file.seek(self._size)
            self._file.write(self._xor(self._size, bytes(self._pos - self._size)))
        self._file.seek(self._pos)
        self._file.write(self._xor(self._pos, raw))
        self._pos += len(raw)
        self._size = max(self._size, self._pos)
        return len(raw)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def truncate(self, size: int | None = None) -> int:
        """Shrink to ``size`` (the position by default); like BytesIO, never grow."""
        size = self._pos if size is None else size
        if size < self._size:
            self._file.truncate(size)
            self._size = size
        return size

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            self._key = b""
        super().close()


def open_spool(folder: str | None = None) -> io.BufferedRandom:
    """A buffered, seekable file object over a new ``SealedSpool`` (readline included)."""
    return io.BufferedRandom(SealedSpool(folder), buffer_size=256 * 1024)
