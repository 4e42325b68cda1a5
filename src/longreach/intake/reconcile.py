"""Files against rows: what ``longreach reconcile`` finds. Lists only; never deletes.

Needs no key: every row keeps the SHA-256 of its stored ciphertext, so a
changed, truncated or swapped file shows without opening anything.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from longreach.intake import filestore
from longreach.intake.models import ReportFile

STALE_TEMP_SECONDS = 3600  # a temp file older than any upload could take


@dataclass(frozen=True)
class Finding:
    kind: str  # orphan-file | missing-file | checksum-mismatch | size-mismatch | stale-temp
    name: str
    detail: str = ""


def findings(verify: bool = True) -> Iterator[Finding]:
    on_disk = filestore.stored_names()
    rows = {
        r.stored_name: r
        for r in ReportFile.objects.only("stored_name", "cipher_size", "cipher_sha256", "code")
    }
    for name in sorted(on_disk - rows.keys()):
        yield Finding("orphan-file", name, "a file that no row names (a submission that did not commit)")
    for name in sorted(rows.keys() - on_disk):
        yield Finding("missing-file", rows[name].code, f"row names {name}, which is not on disk")
    if verify:
        for name in sorted(rows.keys() & on_disk):
            row = rows[name]
            size = (filestore.files_dir() / name).stat().st_size
            if size != row.cipher_size:
                yield Finding(
                    "size-mismatch", row.code, f"{name}: {size} bytes on disk, {row.cipher_size} recorded"
                )
            elif filestore.cipher_sha256(name) != row.cipher_sha256:
                yield Finding("checksum-mismatch", row.code, f"{name}: SHA-256 differs from the recorded one")
    now = time.time()
    for name in sorted(filestore.temp_names()):
        age = now - (filestore.tmp_dir() / name).stat().st_mtime
        if age > STALE_TEMP_SECONDS:
            yield Finding(
                "stale-temp", name, f"temp file {int(age // 60)} minutes old (an upload that stopped)"
            )
