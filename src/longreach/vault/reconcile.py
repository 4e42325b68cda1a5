"""The vault's files for ``longreach reconcile``; works the same on local files and object storage."""

from __future__ import annotations

from collections.abc import Iterator

from longreach.audit.models import AuditEntry, Event
from longreach.core.reconcile import Finding, Row, compare, sweep_temps
from longreach.crypto import stream
from longreach.vault import storage
from longreach.vault.models import EvidenceItem, ViewingCopy


def _sha(name: str) -> str:
    with storage.open_stored(name) as fh:
        return stream.sha256_of(fh)


def ledger_findings() -> Iterator[Finding]:
    """Each item's recorded hashes and size against its acquisition entry in the ledger.

    The row's SHA-256 is what every check compares a file with, so whoever can write the
    database could change a file and its hash together; the acquisition entry cannot be
    changed without ``longreach ledger verify`` failing, so it is the reference.
    """
    acquired: dict[str, tuple[int, dict[str, object]]] = {}
    for index, code, detail in AuditEntry.objects.filter(
        event=Event.CUSTODY_ACQUIRED, object_type="evidence"
    ).values_list("index", "object_code", "detail"):
        acquired.setdefault(code, (index, detail))
    for item in EvidenceItem.objects.only("code", "sha256", "size", "cipher_sha256").order_by("code"):
        found = acquired.get(item.code)
        if found is None:
            yield Finding("ledger-missing", f"vault/{item.code}", "no acquisition entry in the ledger")
            continue
        index, detail = found
        for name in ("sha256", "size", "cipher_sha256"):
            if detail.get(name) != getattr(item, name):
                yield Finding(
                    "ledger-mismatch",
                    f"vault/{item.code}",
                    f"the recorded {name} differs from ledger entry {index} (the database was changed)",
                )


def findings(verify: bool = True) -> Iterator[Finding]:
    yield from ledger_findings()
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
