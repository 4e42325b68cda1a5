"""The audit trail on the ledger: append, verify, tamper detection, append-only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from longreach.audit import services as audit_services
from longreach.audit.models import AuditEntry, Event, LedgerNode, TreeHead
from longreach.audit.services import AuditDetailRejected, audit_record, canonical_leaf, ledger_sign_head
from longreach.audit.verify import verify_ledger
from longreach.keys.models import OrgKeys
from longreach.ledger import merkle


def public(cast: Any) -> bytes:
    return bytes(OrgKeys.get().signing_public_key)


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_the_cast_setup_is_a_valid_ledger(cast: Any) -> None:
    ledger_sign_head()
    report = verify_ledger(public(cast))
    assert report.ok, report.problems
    assert report.entries == AuditEntry.objects.count() > 10
    assert report.heads == 1


def test_entries_are_numbered_and_hashed_into_the_tree(cast: Any) -> None:
    entries = list(AuditEntry.objects.order_by("index"))
    assert [e.index for e in entries] == list(range(len(entries)))
    log = merkle.MerkleLog()
    for e in entries:
        log.append_leaf_hash(bytes(e.leaf_hash))
    head = ledger_sign_head()
    assert bytes(head.root) == log.root(head.size)


def test_an_appended_entry_reads_back_as_written(cast: Any) -> None:
    """The append is plain SQL: every field must round-trip through the model exactly."""
    written = audit_record(
        Event.CUSTODY_VIEWED,
        actor="system",
        compartment="C-TEST",
        object_type="evidence",
        object_code="E-0001",
        detail={"prev": 7, "how": "upload", "ok": True},
    )
    read = AuditEntry.objects.get(index=written.index)
    assert {
        f.name: getattr(read, f.name) for f in AuditEntry._meta.concrete_fields if f.name != "leaf_hash"
    } == {f.name: getattr(written, f.name) for f in AuditEntry._meta.concrete_fields if f.name != "leaf_hash"}
    assert bytes(read.leaf_hash) == merkle.leaf_hash(canonical_leaf(read)) == written.leaf_hash
    with pytest.raises(PermissionError):
        written.save()  # the returned entry counts as stored
    assert verify_ledger(public(cast)).ok


def test_the_append_writes_every_column_of_the_model() -> None:
    assert set(audit_services._ENTRY_FIELDS) == {f.name for f in AuditEntry._meta.concrete_fields}


def test_an_append_that_fails_undoes_the_whole_action(cast: Any) -> None:
    """No savepoint: an action whose audit record cannot be written is not kept either."""
    before = (AuditEntry.objects.count(), LedgerNode.objects.count())
    taken = LedgerNode.objects.order_by("-position").filter(level=0).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        audit_record(Event.LOGIN_FAILURE)
        # The next leaf's slot is taken, as a concurrent writer without the lock would do.
        raw(
            'INSERT INTO "audit_ledgernode" ("level", "position", "hash") VALUES (0, %s, %s)',
            [taken.position + 2, b"x" * 32],
        )
        audit_record(Event.LOGIN_FAILURE)
    assert (AuditEntry.objects.count(), LedgerNode.objects.count()) == before


def test_models_refuse_update_and_delete(cast: Any) -> None:
    entry = AuditEntry.objects.first()
    entry.outcome = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET outcome = 'x'",
        "DELETE FROM audit_auditentry",
        "UPDATE audit_treehead SET size = 0",
        "DELETE FROM audit_ledgernode",
    ],
)
def test_postgresql_refuses_update_and_delete_at_the_database(cast: Any, sql: str) -> None:
    ledger_sign_head()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql, [])


def _bypass_trigger() -> None:
    if connection.vendor == "postgresql":
        raw("SET session_replication_role = replica", [])  # what a superuser attacker could do


def test_an_edited_entry_is_named(cast: Any) -> None:
    ledger_sign_head()
    _bypass_trigger()
    raw('UPDATE audit_auditentry SET actor = %s WHERE "index" = 3', ["someone-else"])
    report = verify_ledger(public(cast))
    assert report.problems == [
        f"entry 3 ({AuditEntry.objects.get(index=3).event}) was altered: "
        "its content no longer matches its hash"
    ]


def test_a_removed_entry_is_named(cast: Any) -> None:
    _bypass_trigger()
    raw('DELETE FROM audit_auditentry WHERE "index" = 5', [])
    assert verify_ledger(public(cast)).problems[0].startswith("entry 5 is missing")


def test_a_rewritten_history_is_caught_by_the_signed_head(cast: Any) -> None:
    head = ledger_sign_head()
    _bypass_trigger()
    # Rewrite entry 2 consistently (new hash, new nodes): only the signature can tell.
    e = AuditEntry.objects.get(index=2)
    from longreach.audit.services import canonical_leaf

    e.actor = "forged"
    new_leaf = merkle.leaf_hash(canonical_leaf(e))
    raw("UPDATE audit_auditentry SET actor = 'forged', leaf_hash = %s WHERE \"index\" = 2", [new_leaf])
    raw("DELETE FROM audit_ledgernode", [])
    log = merkle.MerkleLog()
    for entry in AuditEntry.objects.order_by("index"):
        log.append_leaf_hash(bytes(entry.leaf_hash))
    for level, row in enumerate(log.store.levels):  # type: ignore[attr-defined]
        for pos, h in enumerate(row):
            raw("INSERT INTO audit_ledgernode (level, position, hash) VALUES (%s, %s, %s)", [level, pos, h])
    problems = verify_ledger(public(cast)).problems
    assert problems and f"tree head at size {head.size}" in problems[0] and "rewritten" in problems[0]


def test_exported_heads_catch_a_rewrite_even_after_stored_heads_are_removed(
    cast: Any, tmp_path: Path
) -> None:
    ledger_sign_head()
    out = tmp_path / "heads.json"
    call_command("ledger", "export-heads", str(out))
    _bypass_trigger()
    raw("DELETE FROM audit_treehead", [])
    raw('DELETE FROM audit_auditentry WHERE "index" >= 4', [])
    raw("DELETE FROM audit_ledgernode", [])
    raw("UPDATE audit_ledgerstate SET size = 4", [])
    from longreach.ledger import heads

    exported = [heads.TreeHead.from_json(h) for h in json.loads(out.read_text())["heads"]]
    problems = verify_ledger(public(cast), exported).problems
    assert problems and "exported tree head" in problems[0] and "entries were removed" in problems[0]


def test_a_forged_head_is_refused(cast: Any) -> None:
    head = ledger_sign_head()
    _bypass_trigger()
    raw("UPDATE audit_treehead SET size = %s WHERE id = %s", [head.size - 1, head.pk])
    problems = verify_ledger(public(cast)).problems
    assert problems and "signature is not valid" in problems[0]


def test_a_tampered_node_is_named(cast: Any) -> None:
    _bypass_trigger()
    raw("UPDATE audit_ledgernode SET hash = %s WHERE level = 1 AND position = 0", [b"\x00" * 32])
    assert verify_ledger(public(cast)).problems == ["stored node (1, 0) does not match the entries"]


def test_the_verify_command_exits_non_zero_naming_the_entry(cast: Any) -> None:
    call_command("ledger", "verify")
    _bypass_trigger()
    raw("UPDATE audit_auditentry SET outcome = 'x' WHERE \"index\" = 1", [])
    with pytest.raises(CommandError, match="entry 1"):
        call_command("ledger", "verify")


@pytest.mark.parametrize(
    "content",
    ["", "not json", "[]", json.dumps({"heads": [{"size": "x"}], "public_key": "00"}), json.dumps({"x": 1})],
)
def test_the_verify_command_reports_bad_heads_files(cast: Any, tmp_path: Path, content: str) -> None:
    f = tmp_path / "h.json"
    f.write_text(content)
    with pytest.raises(CommandError, match=str(f)):
        call_command("ledger", "verify", "--heads", str(f))


@pytest.mark.parametrize(
    "detail", [{"note": "Mihrigul lives at 5 Fatih St"}, {"x": 1.5}, {"bad key!": "x"}, {"n": None}]
)
def test_free_text_cannot_enter_the_audit_trail(cast: Any, detail: dict[str, Any]) -> None:
    with pytest.raises(AuditDetailRejected):
        audit_record(Event.LOGIN_FAILURE, detail=detail)


def test_the_audit_page_lists_and_filters(cast: Any, client_for: Any) -> None:
    c = client_for("auditor")
    r = c.get("/audit/?event=login.success")
    assert r.status_code == 200 and b"Logged in" in r.content
    bad = c.get("/audit/?event=<script>&page=-1")
    assert bad.status_code == 400 and b"is not an event of the audit trail" in bad.content
    assert b"<script>" not in bad.content
    assert TreeHead.objects.count() == 0
    assert AuditEntry.objects.filter(event="audit.viewed").count() == 2
    assert LedgerNode.objects.filter(level=0).count() == AuditEntry.objects.count()


def test_the_audit_trail_filters_by_actor_object_compartment_and_date(cast: Any, client_for: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    demo_a = cast.compartments["demo-a"]
    audit_record(
        Event.RECORD_CREATED,
        actor=cast.users["analyst"],
        compartment=demo_a.code,
        object_type="case",
        object_code="C-AAAA1111",
    )
    audit_record(Event.RECORD_CREATED, actor=cast.users["lead"], object_type="case", object_code="C-BBBB2222")
    admin, auditor = client_for("admin"), client_for("auditor")
    analyst_code = cast.users["analyst"].code
    page = admin.get(f"/audit/?actor={analyst_code}&object=C-AAAA1111").content.decode()
    assert "C-AAAA1111" in page and "C-BBBB2222" not in page
    assert "<td>analyst <span" in page  # the actor by name
    assert "C-BBBB2222" in admin.get("/audit/?object=case").content.decode()
    by_compartment = admin.get(f"/audit/?compartment={demo_a.code}").content.decode()
    assert "C-AAAA1111" in by_compartment and "C-BBBB2222" not in by_compartment
    # Compartments by name for those who may list them (the administrator), codes for the auditor.
    assert f"<td>{demo_a.name}</td>" in by_compartment
    theirs = auditor.get(f"/audit/?compartment={demo_a.code}").content.decode()
    assert f"<td>{demo_a.code}</td>" in theirs and f"<td>{demo_a.name}</td>" not in theirs
    today = timezone.localdate()
    assert "C-AAAA1111" in admin.get(f"/audit/?date_from={today}&date_to={today}").content.decode()
    later = (today + dt.timedelta(days=1)).isoformat()
    assert "C-AAAA1111" not in admin.get(f"/audit/?date_from={later}").content.decode()
    for query, field in (
        ("date_from=garbage", "date_from"),
        ("actor=%00", "actor"),
        ("object=" + "x" * 41, "object"),
    ):
        r = admin.get(f"/audit/?{query}")
        assert r.status_code == 400 and f"<strong>{field}</strong>".encode() in r.content, query
