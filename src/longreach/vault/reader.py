"""An evidence item's plaintext as a file object that can seek, without writing the plaintext anywhere.

Parsers want file objects; a zip archive wants to seek (its directory is at
the end). The stored file is a stream of authenticated chunks that can only
be decrypted in order, so a seek forward reads on and a seek backward
starts again from the top. Archives read their directory once and then
their members in order, so an archive costs two or three passes of
decryption; nothing is kept but the current chunk.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator


class PlainReader(io.RawIOBase):
    def __init__(self, chunks: Callable[[], Iterator[bytes]], size: int) -> None:
        self._open = chunks
        self._size = size
        self._chunks: Iterator[bytes] | None = None
        self._buf = b""
        self._buf_start = 0  # plaintext offset of self._buf[0]
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        target = base + offset
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target

    def _restart(self) -> None:
        if self._chunks is not None:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        self._chunks = self._open()
        self._buf, self._buf_start = b"", 0

    def readinto(self, out: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._size or len(out) == 0:
            return 0
        if self._chunks is None or self._pos < self._buf_start:
            self._restart()
        while self._pos >= self._buf_start + len(self._buf):
            assert self._chunks is not None
            nxt = next(self._chunks, None)
            if nxt is None:
                return 0
            self._buf_start += len(self._buf)
            self._buf = nxt
        at = self._pos - self._buf_start
        n = min(len(out), len(self._buf) - at)
        out[:n] = self._buf[at : at + n]
        self._pos += n
        return n

    def close(self) -> None:
        if self._chunks is not None:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
            self._chunks = None
        super().close()
