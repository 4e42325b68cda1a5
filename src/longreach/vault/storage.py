"""Where vault ciphertext lives: a Django storage, local files by default, S3 through django-storages.

Files are written encrypted to a temp file beside the vault first (the
stream encryptor never holds a whole file), then handed to the storage. The
local backend renames the temp file into place and syncs the directory, so
a crash leaves either no file or a whole one; an object store acknowledges a
PUT only once it holds the object. Names are random: addressing stored files
by the SHA-256 of their plaintext would let anyone who can list the storage
test whether a known file (a leaked document, a known photo) is held.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from longreach.core.uploads import fsync_dir

SUFFIX = ".lrf"


def vault_storage() -> Storage:
    return storages["vault"]


def tmp_dir() -> Path:
    """Encrypted temp files; on the vault's filesystem so that the final rename is atomic."""
    path = Path(settings.VAULT_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_tmp() -> tuple[Path, BinaryIO]:
    path = tmp_dir() / (secrets.token_hex(16) + ".part")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return path, os.fdopen(fd, "wb")


class DurableFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that moves a finished temp file into place and makes the rename durable."""

    def _save(self, name: str, content: Any) -> str:
        source = getattr(content, "longreach_tmp_path", None)
        if source is None:
            return str(super()._save(name, content))  # type: ignore[misc]
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"vault file {name} already exists")
        os.rename(source, target)
        fsync_dir(target.parent)
        return name


def store(tmp_path: Path) -> str:
    """Put a finished encrypted temp file into the vault storage under a new random name."""
    name = secrets.token_hex(16) + SUFFIX
    storage = vault_storage()
    with open(tmp_path, "rb") as fh:
        wrapped = File(fh, name=name)
        wrapped.longreach_tmp_path = tmp_path  # type: ignore[attr-defined]
        saved = storage.save(name, wrapped)
    Path(tmp_path).unlink(missing_ok=True)  # a remote store copied it; locally it was renamed away
    return saved


def open_stored(name: str) -> Any:
    """The stored ciphertext as a binary file object (a local file or a remote object)."""
    return vault_storage().open(name, "rb")


def remove(name: str) -> None:
    vault_storage().delete(name)


def stored_names() -> set[str]:
    storage = vault_storage()
    try:
        _dirs, files = storage.listdir("")
    except FileNotFoundError:
        return set()
    return set(files)


def temp_names() -> Iterator[Path]:
    d = Path(settings.VAULT_DIR) / "tmp"
    return (p for p in d.iterdir() if p.is_file()) if d.exists() else iter(())
