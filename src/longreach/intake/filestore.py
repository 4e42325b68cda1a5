"""The reporting line's file store: encrypted uploads made durable before any row names them.

Files arrive through ``core.uploads.EncryptingUploadHandler`` into
INTAKE_DIR/tmp; ``make_durable`` renames them into INTAKE_DIR/files and
syncs the directory; the rows are written in one transaction and the
receipt shown after commit. A crash before the commit leaves at most a file
that no row names; ``longreach reconcile`` lists those and never deletes.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from longreach.core.uploads import EncryptedUpload, crash_point, fsync_dir
from longreach.crypto import stream

SUFFIX = ".lrf"


def files_dir() -> Path:
    return Path(settings.INTAKE_DIR) / "files"


def tmp_dir() -> Path:
    return Path(settings.INTAKE_DIR) / "tmp"


def make_durable(uploads: list[EncryptedUpload]) -> None:
    """Move encrypted temp files to their final names and make the renames durable."""
    if not uploads:
        return
    target = files_dir()
    target.mkdir(parents=True, exist_ok=True)
    crash_point("files_encrypted")
    for up in uploads:
        up.stored_name = secrets.token_hex(16) + SUFFIX
        os.rename(up.tmp_path, target / up.stored_name)
    crash_point("files_renamed")
    fsync_dir(target)
    crash_point("directory_synced")


def discard(uploads: list[EncryptedUpload]) -> None:
    """Remove files no row will name (a refused or failed submission)."""
    for up in uploads:
        up.tmp_path.unlink(missing_ok=True)
        if up.stored_name:
            (files_dir() / up.stored_name).unlink(missing_ok=True)


def read_plain(stored_name: str, key: bytes) -> Iterator[bytes]:
    with open(files_dir() / stored_name, "rb") as fh:
        yield from stream.decrypt(fh, key)


def cipher_sha256(stored_name: str) -> str:
    with open(files_dir() / stored_name, "rb") as fh:
        return stream.sha256_of(fh)


def stored_names() -> set[str]:
    d = files_dir()
    return {p.name for p in d.iterdir() if p.is_file()} if d.exists() else set()


def temp_names() -> set[str]:
    d = tmp_dir()
    return {p.name for p in d.iterdir() if p.is_file()} if d.exists() else set()
