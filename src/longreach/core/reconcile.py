"""Stored files against database rows, for any store that keeps ciphertext hashes.

Needs no key: every row keeps the size and SHA-256 of its stored ciphertext,
so a changed, truncated or swapped file shows without opening anything. The
intake and the vault each describe their store; ``longreach reconcile``
runs them all and never deletes a stored file. It does remove abandoned temp
uploads: their key lived only in the memory of a request that is over, so
they can never be read, and left alone they would fill the disk.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    # orphan-file | stray-file | missing-file | checksum-mismatch | size-mismatch | removed-temp
    kind: str
    name: str
    detail: str = ""


@dataclass(frozen=True)
class Row:
    code: str
    cipher_size: int
    cipher_sha256: str


def compare(
    store: str,
    *,
    on_disk: set[str],
    rows: dict[str, Row],
    size_of: Callable[[str], int],
    sha_of: Callable[[str], str],
    verify: bool,
    expected_orphans: dict[str, str] | None = None,
    suffix: str = ".lrf",
) -> Iterator[Finding]:
    """``expected_orphans`` explains files no row should name; a name without ``suffix`` was never
    written by Longreach."""
    for name in sorted(on_disk - rows.keys()):
        if not name.endswith(suffix):
            yield Finding("stray-file", f"{store}/{name}", "a file Longreach never writes (not a .lrf name)")
            continue
        why = (expected_orphans or {}).get(name, "a file that no row names (a write that did not commit)")
        yield Finding("orphan-file", f"{store}/{name}", why)
    for name in sorted(rows.keys() - on_disk):
        yield Finding("missing-file", f"{store}/{rows[name].code}", f"row names {name}, which is not stored")
    if verify:
        for name in sorted(rows.keys() & on_disk):
            row = rows[name]
            size = size_of(name)
            if size != row.cipher_size:
                yield Finding(
                    "size-mismatch",
                    f"{store}/{row.code}",
                    f"{name}: {size} bytes stored, {row.cipher_size} recorded",
                )
            elif sha_of(name) != row.cipher_sha256:
                yield Finding(
                    "checksum-mismatch",
                    f"{store}/{row.code}",
                    f"{name}: SHA-256 differs from the recorded one",
                )


def sweep_temps(store: str, temps: Iterable[Path], max_age: float) -> Iterator[Finding]:
    """Remove temp uploads not written to for ``max_age`` seconds; one finding per file removed."""
    now = time.time()
    for path in sorted(temps):
        try:
            age = now - path.stat().st_mtime
            if age <= max_age:
                continue
            path.unlink()
        except FileNotFoundError:
            continue  # finished or removed meanwhile
        yield Finding(
            "removed-temp",
            f"{store}/{path.name}",
            f"an upload abandoned {int(age // 60)} minutes ago (unreadable: its key died with the request)",
        )
