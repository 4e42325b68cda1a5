"""The intake's files for ``longreach reconcile``."""

from __future__ import annotations

from collections.abc import Iterator

from longreach.core.reconcile import Finding, Row, compare, sweep_temps
from longreach.intake import filestore
from longreach.intake.models import ReportFile


def findings(verify: bool = True) -> Iterator[Finding]:
    rows, moved = {}, {}
    for r in ReportFile.objects.only("stored_name", "cipher_size", "cipher_sha256", "code", "evidence_id"):
        if r.evidence_id is None:
            rows[r.stored_name] = Row(r.code, r.cipher_size, r.cipher_sha256)
        else:
            moved[r.stored_name] = f"{r.code} was moved into the vault; this copy was meant to be removed"
    yield from compare(
        "intake",
        on_disk=filestore.stored_names(),
        rows=rows,
        size_of=lambda name: (filestore.files_dir() / name).stat().st_size,
        sha_of=filestore.cipher_sha256,
        verify=verify,
        expected_orphans=moved,
    )


def sweep(max_age: float) -> Iterator[Finding]:
    yield from sweep_temps("intake", (filestore.tmp_dir() / n for n in filestore.temp_names()), max_age)
