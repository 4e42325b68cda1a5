"""Backup archives: a tar stream encrypted to the organisation's recovery key. No Django.

A thief who takes a backup must learn no more than from the live system, and
a backup must be readable by nobody but the organisation. So an archive is

    MAGIC | u32 length | sealed file key | secretstream(tar)

The file key is random for every archive and sealed (libsodium sealed box) to
the recovery public key, whose private half lives on paper, off the server.
The tar holds the entries and, last, ``MANIFEST.json`` with the SHA-256 and
size of every entry; secretstream authenticates every chunk and marks the
last, so a changed, reordered or truncated archive fails to read.

``read`` unpacks into a staging folder and checks every entry against the
manifest before it returns: a caller installs nothing until the whole
archive has been read and found whole.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import struct
import tarfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from longreach.crypto import CryptoError, stream
from longreach.crypto import keys as ck

MAGIC = b"LONGREACH-BACKUP/1\n"
FORMAT = "longreach-backup/1"
MANIFEST = "MANIFEST.json"
CONTEXT = "longreach-backup"
_LEN = struct.Struct(">I")
_BLOCK = 1024 * 1024
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


class ArchiveError(ValueError):
    """The archive cannot be used; the message says why."""


@dataclass(frozen=True)
class Entry:
    """One file to put in the archive: its name inside it and how to open it."""

    name: str
    size: int
    open: Callable[[], IO[bytes]]


@dataclass
class Written:
    entries: int = 0
    size: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)


class _EncryptingSink:
    """What tarfile writes to: every byte goes through the secretstream encryptor."""

    def __init__(self, enc: stream.Encryptor) -> None:
        self._enc = enc

    def write(self, data: bytes) -> int:
        self._enc.update(bytes(data))
        return len(data)


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or name != str(path):
        raise ArchiveError(f"{name!r} is not a safe name inside an archive")
    return name


def write(
    out: BinaryIO,
    recovery_public: bytes,
    entries: Iterable[Entry],
    meta: dict[str, Any],
    progress: Callable[[int], None] | None = None,
) -> Written:
    """Write an archive of ``entries`` to ``out``; ``meta`` goes into the manifest as it is."""
    key = stream.new_key()
    sealed = ck.seal_to(recovery_public, key, CONTEXT)
    out.write(MAGIC + _LEN.pack(len(sealed)) + sealed)
    enc = stream.Encryptor(out, key)
    done = Written()
    listed: list[dict[str, Any]] = []
    with tarfile.open(fileobj=_EncryptingSink(enc), mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        for entry in entries:
            info = tarfile.TarInfo(_safe_name(entry.name))
            info.size, info.mtime, info.mode = entry.size, int(time.time()), 0o600
            digest = hashlib.sha256()
            with entry.open() as fh:
                tar.addfile(info, _Hashing(fh, digest, entry.size, progress))
            listed.append({"name": entry.name, "size": entry.size, "sha256": digest.hexdigest()})
            done.entries += 1
            done.size += entry.size
        manifest = {**meta, "format": FORMAT, "entries": listed}
        body = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
        tar.addfile(info, io.BytesIO(body))
    enc.finish(sync=False)
    done.manifest = manifest
    return done


class _Hashing(io.RawIOBase):
    """Reads exactly ``size`` bytes from ``fh``, hashing them; a file that changed size is an error."""

    def __init__(self, fh: IO[bytes], digest: Any, size: int, progress: Callable[[int], None] | None) -> None:
        super().__init__()
        self._fh, self._digest, self._left, self._progress = fh, digest, size, progress

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        want = self._left if n is None or n < 0 else min(n, self._left)
        data = self._fh.read(want) if want else b""
        if len(data) < want:
            raise ArchiveError("a file shrank while it was being backed up")
        self._left -= len(data)
        self._digest.update(data)
        if self._progress is not None and data:
            self._progress(len(data))
        return data


class _ChunkReader(io.RawIOBase):
    """A forward-only file over decrypted chunks, for tarfile's stream mode."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self._buf:
            try:
                self._buf = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(view), len(self._buf))
        view[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def open_key(archive: BinaryIO, recovery_private: bytes) -> bytes:
    """The file key of an archive, opened with the recovery key; ArchiveError when it does not open."""
    head = archive.read(len(MAGIC))
    if head != MAGIC:
        raise ArchiveError("not a Longreach backup (its first bytes are not a backup's)")
    raw_len = archive.read(_LEN.size)
    if len(raw_len) < _LEN.size:
        raise ArchiveError("the archive is cut off in its header")
    (n,) = _LEN.unpack(raw_len)
    if n > 4096:
        raise ArchiveError("the archive's header is damaged")
    sealed = archive.read(n)
    try:
        return ck.open_sealed_to(recovery_private, sealed, CONTEXT)
    except CryptoError:
        raise ArchiveError(
            "this archive does not open with this recovery key: it was made for another "
            "organisation, or its header is damaged"
        ) from None


def read(
    archive: BinaryIO, recovery_private: bytes, stage: Path, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Unpack into ``stage`` and check every entry; the manifest, or ArchiveError naming the problem."""
    key = open_key(archive, recovery_private)
    found: dict[str, tuple[int, str]] = {}
    manifest: dict[str, Any] | None = None
    try:
        source = io.BufferedReader(_ChunkReader(stream.decrypt(archive, key)), buffer_size=_BLOCK)
        with tarfile.open(fileobj=source, mode="r|") as tar:
            for member in tar:
                name = _safe_name(member.name)
                if not member.isfile():
                    raise ArchiveError(f"{name}: not a plain file")
                fh = tar.extractfile(member)
                if fh is None:
                    raise ArchiveError(f"{name}: cannot be read")
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise ArchiveError("the manifest is too large")
                    try:
                        manifest = json.loads(fh.read().decode("utf-8"))
                    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                        raise ArchiveError(f"the manifest is not JSON: {exc}") from None
                    continue
                if manifest is not None:
                    raise ArchiveError(f"{name}: follows the manifest")
                target = stage / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with open(target, "xb") as out:
                    for block in iter(functools.partial(fh.read, _BLOCK), b""):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
                        if progress is not None:
                            progress(len(block))
                found[name] = (size, digest.hexdigest())
            # Read to the stream's authenticated end: bytes cut off or added after the tar's own
            # end marker would otherwise go unnoticed.
            while source.read(_BLOCK):
                pass
    except CryptoError as exc:
        raise ArchiveError(f"the archive is damaged or cut off ({exc})") from None
    except tarfile.TarError as exc:
        raise ArchiveError(f"the archive's contents are damaged ({exc})") from None
    except FileExistsError as exc:
        raise ArchiveError(f"{exc.filename}: appears twice in the archive") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("the archive has no manifest of this format")
    listed = manifest.get("entries")
    if not isinstance(listed, list):
        raise ArchiveError("the manifest lists no entries")
    expected = {}
    for e in listed:
        if not isinstance(e, dict) or not isinstance(e.get("name"), str):
            raise ArchiveError("the manifest has a malformed entry")
        expected[e["name"]] = (e.get("size"), e.get("sha256"))
    for name, want in expected.items():
        if name not in found:
            raise ArchiveError(f"{name}: listed in the manifest but not in the archive")
        if found[name] != want:
            raise ArchiveError(f"{name}: its bytes differ from the manifest's SHA-256")
    extra = sorted(found.keys() - expected.keys())
    if extra:
        raise ArchiveError(f"{extra[0]}: in the archive but not in the manifest")
    return manifest
