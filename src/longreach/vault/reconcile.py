"""The vault's files for ``longreach reconcile``; works the same on local files and object storage."""

from __future__ import annotations

from collections.abc import Iterator

from longreach.core.reconcile import Finding, Row, compare, sweep_temps
from longreach.crypto import stream
from longreach.vault import storage
from longreach.vault.models import EvidenceItem, ViewingCopy


def _sha(name: str) -> str:
    with storage.open_stored(name) as fh:
        return stream.sha256_of(fh)


def findings(verify: bool = True) -> Iterator[Finding]:
    rows, shredded = {}, {}
    for item in EvidenceItem.objects.only("storage_name", "cipher_size", "cipher_sha256", "code", "status"):
        if item.status == EvidenceItem.Status.DELETED:
            shredded[item.storage_name] = (
                f"{item.code} was deleted (its key destroyed); the file is unreadable"
            )
        else:
            rows[item.storage_name] = Row(item.code, item.cipher_size, item.cipher_sha256)
    for copy in ViewingCopy.objects.select_related("item").only(
        "storage_name", "cipher_size", "cipher_sha256", "kind", "item__code"
    ):
        rows[copy.storage_name] = Row(f"{copy.item.code}/{copy.kind}", copy.cipher_size, copy.cipher_sha256)
    yield from compare(
        "vault",
        on_disk=storage.stored_names(),
        rows=rows,
        size_of=lambda name: int(storage.vault_storage().size(name)),
        sha_of=_sha,
        verify=verify,
        expected_orphans=shredded,
    )


def sweep(max_age: float) -> Iterator[Finding]:
    yield from sweep_temps("vault", storage.temp_names(), max_age)
