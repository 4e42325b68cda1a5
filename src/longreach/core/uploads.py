"""Uploaded files, for every view that takes them: encrypted while they stream in, never spooled.

Django's default upload handlers keep small files in memory and spool larger
ones to the temp directory in the clear. Longreach replaces them for every
view with ``RefuseFilesUploadHandler``: a file sent where none is expected is
read past and kept nowhere. Views that take files (the reporting line, the
vault) install ``EncryptingUploadHandler``, which encrypts each chunk as it
arrives into a temp folder of the caller's store and registers its cleanup,
so that whatever answers the request (CSRF, a size limit, a crash in the
view) the outermost middleware removes what the request wrote and no store
kept. The store then makes the files durable (stream -> encrypt -> fsync ->
atomic rename -> fsync the directory, SECURITY.md's "No data lost") before
any row names them.
"""

from __future__ import annotations

import os
import secrets
import signal
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.utils.translation import gettext as _

from longreach.crypto import CryptoError, stream

NAME_LIMIT = 200


def crash_point(step: str) -> None:
    """Test mode only: die here, as a power cut would, when LONGREACH_CRASH_AT names this step."""
    if settings.MODE == "test" and os.environ.get("LONGREACH_CRASH_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def sanitise_name(raw: str) -> str:
    """A file name safe to show and to offer back: no paths, controls, bidi overrides or excess."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc covers NUL and controls; Cf covers U+202E and the other direction overrides.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = name.strip(" .")
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 16 else ""
        name = name[: NAME_LIMIT - len(ext) - 1].rstrip() + ("." + ext if ext else "")
    return name or "file"


class Sample:
    """What inspecting a file needs, gathered as it streams past.

    Always its first and last ``EDGE`` bytes (a second format hides at either
    end: zip readers start from the end). The whole plaintext only while it
    fits in ``limit`` and ``wants(head)`` says a reader needs it, decided as
    soon as the head is complete: holding a 60 MB video that nothing reads
    cost a sixth of its encryption time and as much memory.
    """

    EDGE = 64 * 1024

    def __init__(self, limit: int = 0, wants: Callable[[bytes], bool] | None = None) -> None:
        self._limit = limit
        self._wants = wants
        self._head = bytearray()
        # The last pieces, by reference, enough to cover EDGE bytes: copying the tail
        # out of every piece would cost a pass over the whole file.
        self._tail: deque[bytes] = deque()
        self._tail_bytes = 0
        self._parts: list[bytes] | None = [] if limit > 0 else None
        self._size = 0
        self._decided = wants is None

    def add(self, piece: bytes) -> None:
        piece = bytes(piece)  # kept by reference until joined: it must not change
        self._size += len(piece)
        if len(self._head) < self.EDGE:
            self._head += piece[: self.EDGE - len(self._head)]
        self._tail.append(piece)
        self._tail_bytes += len(piece)
        while self._tail_bytes - len(self._tail[0]) >= self.EDGE:
            self._tail_bytes -= len(self._tail.popleft())
        if self._parts is None:
            return
        if self._size > self._limit:
            self._parts = None
            return
        self._parts.append(piece)
        if not self._decided and len(self._head) >= self.EDGE:
            self._decide()

    def _decide(self) -> None:
        self._decided = True
        if self._wants is not None and not self._wants(bytes(self._head)):
            self._parts = None

    def finish(self) -> tuple[bytes, bytes, bytes | None]:
        """(head, tail, whole plaintext or None)."""
        if not self._decided and self._parts is not None:
            self._decide()
        body = b"".join(self._parts) if self._parts is not None else None
        self._parts = None
        return bytes(self._head), b"".join(self._tail)[-self.EDGE :], body


class EncryptedUpload(UploadedFile):  # type: ignore[type-arg]
    """One uploaded file, already encrypted in a temp file; its key lives only in memory."""

    def __init__(
        self,
        name: str,
        content_type: str,
        key: bytes,
        path: Path,
        written: stream.Written,
        sample: tuple[bytes, bytes, bytes | None] = (b"", b"", None),
    ) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=written.size)
        self.key = key
        self.tmp_path = path
        self.written = written
        self.stored_name = ""
        # Plaintext kept in memory only, for the vault to sniff and read capture metadata.
        self.head, self.tail, self.body = sample

    def __repr__(self) -> str:  # the default would show the name, which is sealed data
        return f"<EncryptedUpload {self.written.size} bytes>"

    def close(self) -> None:
        """Nothing to close: the temp file was closed when it was complete (Django calls this on errors)."""


@dataclass
class UploadProblem:
    name: str  # blank when the problem is the whole upload's
    message: str

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.name else self.message


def describe(problems: list[UploadProblem]) -> str:
    return "; ".join(str(p) for p in problems)


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypt each file chunk as it arrives; enforce size, count and quota as it goes."""

    chunk_size = stream.CHUNK

    def __init__(
        self,
        request: Any = None,
        *,
        max_file: int,
        max_files: int,
        quota: int,
        tmp: Callable[[], Path],
        ceiling: int = 0,
        keep_plain: int = 0,
        wants_plain: Callable[[bytes], bool] | None = None,
    ) -> None:
        """``ceiling``: refuse a file while the temp folder already holds this many bytes from
        every upload in flight (0: no ceiling). ``keep_plain``: hold up to this many plaintext
        bytes of each file in memory (0: none), of those files whose first bytes ``wants_plain``
        accepts (see ``Sample``)."""
        super().__init__(request)
        self.max_file, self.max_files, self.quota = max_file, max_files, quota
        self._tmp = tmp
        self._ceiling = ceiling
        self._created: list[Path] = []
        self._since_check = 0
        if request is not None:
            on_request_end(request, self.cleanup)
        self._keep, self._wants = keep_plain, wants_plain
        self._sample = Sample()
        self.uploads: list[EncryptedUpload] = []
        self.problems: list[UploadProblem] = []
        self._fh: Any = None
        self._enc: stream.Encryptor | None = None
        self._skip = False
        self._total = 0

    def new_file(self, field_name: str, file_name: str, content_type: str, *args: Any, **kw: Any) -> None:
        super().new_file(field_name, file_name, content_type, *args, **kw)
        self.display_name = sanitise_name(file_name)
        self._skip = False
        if len(self.uploads) >= self.max_files:
            self.problems.append(
                UploadProblem(
                    self.display_name,
                    _("only %(n)d files can be sent at once; send the others in a message later")
                    % {"n": self.max_files},
                )
            )
            self._skip = True
            raise SkipFile
        folder = self._tmp()
        folder.mkdir(parents=True, exist_ok=True)
        if self._over_ceiling(folder, 0):
            self.problems.append(UploadProblem(self.display_name, _busy()))
            self._skip = True
            raise SkipFile
        self._key = stream.new_key()
        self._sample = Sample(self._keep, self._wants)
        self._path = folder / (secrets.token_hex(16) + ".part")
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._created.append(self._path)
        self._fh = os.fdopen(fd, "wb")
        self._enc = stream.Encryptor(self._fh, self._key)
        self._since_check = 0

    def _over_ceiling(self, folder: Path, coming: int) -> bool:
        return bool(self._ceiling) and folder_bytes(folder) + coming > self._ceiling

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self._skip or self._enc is None:
            return None
        self._total += len(raw_data)
        self._since_check += len(raw_data)
        if self._enc.size + len(raw_data) > self.max_file:
            self._abandon(
                _("is larger than %(mb)s MB; nothing was saved from it") % {"mb": _mb(self.max_file)}
            )
        elif self._total > self.quota:
            self._abandon(
                _("goes over the %(mb)s MB this visit may send; send it later") % {"mb": _mb(self.quota)}
            )
        elif self._since_check >= CEILING_CHECK_BYTES and self._over_ceiling(
            self._path.parent, len(raw_data)
        ):
            self._abandon(_busy())
        else:
            if self._since_check >= CEILING_CHECK_BYTES:
                self._since_check = 0
            self._enc.update(raw_data)
            self._sample.add(raw_data)
        if self._total > 2 * self.quota + self.max_file:
            # Someone keeps sending after being refused: stop reading the request, keep nothing.
            self._drop_all()
            raise StopUpload(connection_reset=True)
        return None

    def _abandon(self, message: str) -> None:
        self.problems.append(UploadProblem(self.display_name, message))
        self._close_and_remove()
        self._skip = True

    def _close_and_remove(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._path.unlink(missing_ok=True)
        self._fh, self._enc = None, None

    def file_complete(self, file_size: int) -> EncryptedUpload | None:
        if self._skip or self._enc is None:
            return None
        written = self._enc.finish(sync=True)
        self._fh.close()
        self._fh, self._enc = None, None
        if written.size == 0:
            self.problems.append(
                UploadProblem(self.display_name, _("is empty (0 bytes); choose the file again"))
            )
            self._path.unlink(missing_ok=True)
            return None
        upload = EncryptedUpload(
            self.display_name,
            self.content_type or "",
            self._key,
            self._path,
            written,
            self._sample.finish(),
        )
        self._sample = Sample()
        self.uploads.append(upload)
        return upload

    def upload_interrupted(self) -> None:
        """Django calls this when the last file did not complete.

        If we refused that file ourselves, its problem is recorded and the files
        before it are whole. Otherwise the request was cut off: keep none of it.
        """
        if not self._skip:
            self._drop_all()

    def _drop_all(self) -> None:
        self._close_and_remove()
        for up in self.uploads:
            up.tmp_path.unlink(missing_ok=True)
        self.uploads.clear()
        self._skip = True
        self.problems.append(UploadProblem("", _("the upload was stopped; nothing from it was kept")))

    def cleanup(self) -> int:
        """Remove every temp file this handler wrote that was not moved into a store; the count.

        Called once the response exists, so a file whose rows committed was renamed away
        already, and anything left belongs to a request that was refused or failed.
        """
        if self._fh is not None:
            self._fh.close()
            self._fh, self._enc = None, None
        removed = 0
        for path in self._created:
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
        self._created.clear()
        return removed


# How often (in bytes received) an upload looks again at the temp folder's total.
CEILING_CHECK_BYTES = 1_000_000


def folder_bytes(folder: Path) -> int:
    """Bytes held by the files directly in ``folder`` (uploads in flight, from every process)."""
    total = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    total += entry.stat(follow_symlinks=False).st_size
                except FileNotFoundError:
                    pass  # finished or removed while we looked
    except FileNotFoundError:
        return 0
    return total


def _busy() -> str:
    return _(
        "could not be received now: too many files are arriving at once; nothing was saved from it, "
        "please send it again in a few minutes"
    )


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g}"


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (the intake's and the vault's stores alike)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StoredFileProblem(CryptoError):
    """A stored file is not what its row recorded; ``problem`` says how (``missing``, ``size``,
    ``checksum``) for the custody record, the message says it to a person."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def stored_missing() -> StoredFileProblem:
    return StoredFileProblem("missing", _("the stored file is missing; run longreach reconcile"))


def stored_altered(problem: str = "checksum") -> StoredFileProblem:
    return StoredFileProblem(
        problem, _("the stored file was altered (checksum mismatch); run longreach reconcile")
    )


def check_cipher(
    open_stored: Callable[[], Any], expected_sha256: str, expected_size: int | None = None
) -> None:
    """The stored ciphertext is there, has ``expected_size`` bytes when given, and hashes as
    recorded (no key needed); StoredFileProblem says why not.

    Shared by the intake's files and the vault's, whatever storage ``open_stored`` reads from.
    """
    try:
        with open_stored() as fh:
            if expected_size is not None and fh.seek(0, os.SEEK_END) != expected_size:
                raise stored_altered("size")
            fh.seek(0)
            found = stream.sha256_of(fh)
    except FileNotFoundError as exc:
        raise stored_missing() from exc
    if found != expected_sha256:
        raise stored_altered()


_CLEANUPS = "longreach_upload_cleanups"


class RefuseFilesUploadHandler(FileUploadHandler):
    """The default handler: a file part is skipped unread, so nothing of it is held anywhere."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def on_request_end(request: Any, cleanup: Callable[[], object]) -> None:
    """Run ``cleanup`` after this request's response is made, whatever made it."""
    request.__dict__.setdefault(_CLEANUPS, []).append(cleanup)


def run_cleanups(request: Any) -> None:
    for cleanup in request.__dict__.pop(_CLEANUPS, ()):
        cleanup()
