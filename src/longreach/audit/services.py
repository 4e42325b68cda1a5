"""Writing the audit trail: one function appends an event to the Merkle ledger.

Entries hold codes only (who, which compartment, which object, outcome);
``detail`` is an allow-list of short codes and numbers so that no plaintext,
receipt or address can be written here by mistake.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from nacl.signing import SigningKey

from longreach.audit.models import AuditEntry, Event, LedgerNode, LedgerState, TreeHead
from longreach.ledger import heads, merkle

_SAFE = re.compile(r"^[A-Za-z0-9_.:\-]{0,64}$")


class AuditDetailRejected(ValueError):
    """A detail value could carry free text; only codes and numbers are allowed."""


def canonical_leaf(entry: AuditEntry) -> bytes:
    """The exact bytes hashed into the ledger for one entry."""
    data = {
        "index": entry.index,
        "occurred_at": entry.occurred_at.isoformat(timespec="microseconds"),
        "event": entry.event,
        "actor": entry.actor,
        "actor_role": entry.actor_role,
        "compartment": entry.compartment,
        "object_type": entry.object_type,
        "object_code": entry.object_code,
        "outcome": entry.outcome,
        "detail": entry.detail,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _check_detail(detail: dict[str, Any]) -> dict[str, Any]:
    for key, value in detail.items():
        if not _SAFE.match(key):
            raise AuditDetailRejected(f"audit detail key {key!r} is not a code")
        if isinstance(value, bool | int):
            continue
        if isinstance(value, str) and _SAFE.match(value):
            continue
        raise AuditDetailRejected(f"audit detail {key!r} must be a short code or a number")
    return detail


class DbNodeStore:
    """Ledger nodes in the database, with a per-use cache, for reading roots and proofs."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._cache:
            self._cache[key] = bytes(LedgerNode.objects.get(level=level, position=index).hash)
        return self._cache[key]

    def put(self, level: int, index: int, value: bytes) -> None:
        raise PermissionError("ledger nodes are written by audit_record alone")

    def preload(self) -> DbNodeStore:
        """Read every stored node at once: many proofs (an evidence package) then need no more queries."""
        for level, position, value in LedgerNode.objects.values_list("level", "position", "hash").iterator(
            chunk_size=10_000
        ):
            self._cache[(level, position)] = bytes(value)
        return self


def audit_record(
    event: Event,
    *,
    actor: Any = None,
    compartment: Any = None,
    object_type: str = "",
    object_code: str = "",
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one event; ``actor`` is a user, a label such as "system", or None."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        actor_code, role = "anonymous", ""
    elif isinstance(actor, str):
        actor_code, role = actor, ""
    else:
        actor_code, role = actor.code, actor.role
    comp_code = compartment if isinstance(compartment, str) else getattr(compartment, "code", "")
    code, checked = Event(event).value, _check_detail(dict(detail or {}))
    # No savepoint: if the event cannot be written, the caller's whole transaction
    # must roll back, so that nothing is ever done without its audit record.
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        entry = AuditEntry(
            index=_claim_index(cur),
            occurred_at=timezone.now(),
            event=code,
            actor=actor_code,
            actor_role=role,
            compartment=comp_code or "",
            object_type=object_type,
            object_code=object_code,
            outcome=outcome,
            detail=checked,
        )
        entry.leaf_hash = merkle.leaf_hash(canonical_leaf(entry))
        _append(cur, entry)
    return entry


# Every audited action appends here, so the append is a few plain statements:
# built through the ORM it took about four times as long (query compilation),
# most of the fixed cost of storing or reading one evidence file. The values
# are still converted by the models' own fields; a test holds the column list
# to the model. Double-quoted names read the same on SQLite and PostgreSQL.
_ENTRY_FIELDS = (
    "index",
    "occurred_at",
    "event",
    "actor",
    "actor_role",
    "compartment",
    "object_type",
    "object_code",
    "outcome",
    "detail",
    "leaf_hash",
)
# Claiming the next index locks the state row until the transaction ends (SQLite
# holds its write lock from BEGIN IMMEDIATE), so appends are numbered one at a time.
_CLAIM = 'UPDATE "audit_ledgerstate" SET "size" = "size" + 1 WHERE "id" = 1 RETURNING "size"'
_ENTRY = (
    'INSERT INTO "audit_auditentry" ("index", "occurred_at", "event", "actor", "actor_role", "compartment",'
    ' "object_type", "object_code", "outcome", "detail", "leaf_hash")'
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_NODE = 'SELECT "hash" FROM "audit_ledgernode" WHERE "level" = %s AND "position" = %s'
_PUT = 'INSERT INTO "audit_ledgernode" ("level", "position", "hash") VALUES (%s, %s, %s)'


def record_viewed(
    actor: Any, record: Any, kind: str, event: Event = Event.RECORD_VIEWED, compartment: Any = None
) -> AuditEntry:
    """A person was shown ``record``: called by the handler that shows it (page, API, command).

    Reads never record views themselves, so a record fetched in order to be
    changed or linked is not logged as seen. Evidence is the exception in
    form only: ``vault.services.item_viewed`` records it in the item's custody.
    """
    where = compartment if compartment is not None else getattr(record, "compartment", None)
    return audit_record(event, actor=actor, compartment=where, object_type=kind, object_code=record.code)


def audit_denied(actor: Any, compartment: Any, object_type: str, object_code: str, action: str) -> AuditEntry:
    """A refused look at a record: answered 404 like an absent one, and recorded."""
    return audit_record(
        Event.AUTHZ_DENIED,
        actor=actor,
        compartment=compartment,
        object_type=object_type,
        object_code=object_code,
        outcome="denied",
        detail={"action": action},
    )


def _claim_index(cur: Any) -> int:
    """The index of the entry being appended; the ledger's size counts it from now on."""
    cur.execute(_CLAIM)
    row = cur.fetchone()
    if row is None:  # the first event ever
        LedgerState.objects.get_or_create(pk=1)
        cur.execute(_CLAIM)
        row = cur.fetchone()
    return int(row[0]) - 1


@functools.cache
def _fields() -> tuple[list[Any], Any]:
    """The entry's fields in statement order, and the node hash field (they convert values per database)."""
    by_name = {f.name: f for f in AuditEntry._meta.concrete_fields}
    return [by_name[name] for name in _ENTRY_FIELDS], LedgerNode._meta.get_field("hash")


def _append(cur: Any, entry: AuditEntry) -> None:
    entry_fields, node_hash = _fields()
    cur.execute(_ENTRY, [f.get_db_prep_save(getattr(entry, f.name), connection) for f in entry_fields])
    entry._state.adding, entry._state.db = False, connection.alias  # saved: append-only from now on

    def sibling(level: int, position: int) -> bytes:
        cur.execute(_NODE, [level, position])
        return bytes(cur.fetchone()[0])

    made = merkle.nodes_completed_by(entry.index, bytes(entry.leaf_hash), sibling)
    cur.executemany(
        _PUT,
        [(level, position, node_hash.get_db_prep_save(value, connection)) for level, position, value in made],
    )


def load_signing_key(path: Path | None = None) -> bytes:
    path = path or settings.SIGNING_KEY_FILE
    try:
        raw = bytes.fromhex(Path(path).read_text().strip())
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"ledger signing key {path} cannot be read: {exc}") from exc
    if len(raw) != 32:
        raise RuntimeError(f"ledger signing key {path} must hold 32 bytes as hex")
    return raw


def write_signing_key(path: Path) -> bytes:
    """Create a new Ed25519 signing key file (mode 0600); returns the public key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sk = SigningKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(bytes(sk).hex() + "\n")
    return bytes(sk.verify_key)


def ledger_sign_head() -> TreeHead:
    """Sign the current root; a head over the same size as the last one is still recorded."""
    key = load_signing_key()
    # No savepoint: if the event cannot be written, the caller's whole transaction
    # must roll back, so that nothing is ever done without its audit record.
    with transaction.atomic(savepoint=False):
        state, _ = LedgerState.objects.select_for_update().get_or_create(pk=1)
        root = merkle.MerkleLog(DbNodeStore(), size=state.size).root()
        signed = heads.sign(heads.TreeHead(state.size, root, int(time.time() * 1000)), key)
        row = TreeHead(
            size=signed.size,
            root=signed.root,
            timestamp_ms=signed.timestamp_ms,
            signature=signed.signature,
            key_id=signed.key_id,
        )
        row.save()
        audit_record(Event.HEAD_SIGNED, actor="system", object_type="tree_head", detail={"size": signed.size})
    return row


def as_head(row: TreeHead) -> heads.TreeHead:
    return heads.TreeHead(row.size, bytes(row.root), row.timestamp_ms, bytes(row.signature), row.key_id)
