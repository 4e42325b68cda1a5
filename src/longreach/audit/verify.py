"""Check the whole audit ledger: entries, stored nodes and signed tree heads.

Returns the first problem found, naming the entry or head, so an auditor
knows where to look. An attacker who can write to the database could rebuild
hashes, but not the signatures: heads exported to a file and checked with
``--heads`` pin the history even if rows of TreeHead were removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from longreach.audit.models import AuditEntry, LedgerNode, LedgerState, TreeHead
from longreach.audit.services import as_head, canonical_leaf
from longreach.ledger import heads, merkle
from longreach.ledger.merkle import ProofError


@dataclass
class Report:
    entries: int = 0
    heads: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_ledger(
    public_key: bytes,
    external_heads: Iterable[heads.TreeHead] = (),
    progress: Callable[[int], None] | None = None,
) -> Report:
    report = Report()
    log = merkle.MerkleLog()
    expected = 0
    for entry in AuditEntry.objects.order_by("index").iterator(chunk_size=2000):
        if entry.index != expected:
            report.problems.append(f"entry {expected} is missing (next stored entry is {entry.index})")
            return report
        leaf = merkle.leaf_hash(canonical_leaf(entry))
        if leaf != bytes(entry.leaf_hash):
            report.problems.append(
                f"entry {entry.index} ({entry.event}) was altered: its content no longer matches its hash"
            )
            return report
        log.append_leaf_hash(leaf)
        expected += 1
        if progress and expected % 1000 == 0:
            progress(1000)
    if progress:
        progress(expected % 1000)
    report.entries = expected
    state = LedgerState.objects.filter(pk=1).first()
    if state is not None and state.size != expected:
        report.problems.append(f"ledger says it holds {state.size} entries but {expected} are stored")
        return report
    store = log.store
    assert isinstance(store, merkle.MemoryStore)
    for node in LedgerNode.objects.order_by("level", "position").iterator(chunk_size=5000):
        try:
            good = store.get(node.level, node.position)
        except IndexError:
            report.problems.append(f"stored node ({node.level}, {node.position}) lies outside the tree")
            return report
        if good != bytes(node.hash):
            report.problems.append(f"stored node ({node.level}, {node.position}) does not match the entries")
            return report
    all_heads = [as_head(row) for row in TreeHead.objects.order_by("size", "timestamp_ms")]
    for source, items in (("stored", all_heads), ("exported", list(external_heads))):
        for head in items:
            label = f"{source} tree head at size {head.size} (signed {head.timestamp_ms})"
            try:
                heads.verify(head, public_key)
            except ProofError as exc:
                report.problems.append(f"{label}: {exc}")
                return report
            if head.size > log.size:
                report.problems.append(
                    f"{label}: the ledger holds only {log.size} entries; entries were removed"
                )
                return report
            if log.root(head.size) != head.root:
                report.problems.append(f"{label}: the entries below it were rewritten (root differs)")
                return report
            report.heads += 1
    return report
