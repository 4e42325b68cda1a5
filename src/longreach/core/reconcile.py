"""Stored files against database rows, for any store that keeps ciphertext hashes. Lists only.

Needs no key: every row keeps the size and SHA-256 of its stored ciphertext,
so a changed, truncated or swapped file shows without opening anything. The
intake and the vault each describe their store; ``longreach reconcile``
runs them all and never deletes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

STALE_TEMP_SECONDS = 3600  # a temp file older than any upload could take


@dataclass(frozen=True)
class Finding:
    kind: str  # orphan-file | missing-file | checksum-mismatch | size-mismatch | stale-temp
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
    temps: Iterable[tuple[str, float]],
    verify: bool,
    expected_orphans: dict[str, str] | None = None,
) -> Iterator[Finding]:
    """``temps`` gives (name, age in seconds); ``expected_orphans`` explains files no row should name."""
    for name in sorted(on_disk - rows.keys()):
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
    for name, age in sorted(temps):
        if age > STALE_TEMP_SECONDS:
            yield Finding(
                "stale-temp",
                f"{store}/{name}",
                f"temp file {int(age // 60)} minutes old (an upload that stopped)",
            )
