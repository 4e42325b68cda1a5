"""Reads of the vault, always scoped to the compartments the user may read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from longreach.accounts import access
from longreach.accounts.models import PendingAction, User
from longreach.accounts.roles import allowed
from longreach.audit.models import AuditEntry, Event, TreeHead
from longreach.audit.services import DbNodeStore, as_head, canonical_leaf
from longreach.core.codes import is_code
from longreach.ledger import merkle
from longreach.registry.models import Act
from longreach.registry.selectors import TEXT_SEARCH_WINDOW, case_for_user, incident_for_user, source_for_user
from longreach.vault.models import EvidenceItem, EvidenceLink, ViewingCopy


def items_for_user(user: User) -> QuerySet[EvidenceItem]:
    return access.scoped(EvidenceItem, user, "evidence.read").select_related("compartment")


def items_by_codes(user: User, codes: set[str] | list[str]) -> QuerySet[EvidenceItem]:
    """The user's items among ``codes``; anything that could not be a code is not looked up at all."""
    return items_for_user(user).filter(code__in=[c for c in codes if is_code(c)])


def item_for_user(*, user: User, code: str) -> EvidenceItem:
    """The item, or 404 for absent and forbidden alike (the refusal is audited)."""
    return access.record_for_user(EvidenceItem, user=user, code=code, action="evidence.read", kind="evidence")


def link_for_user(*, user: User, item: EvidenceItem, link_id: str) -> EvidenceLink:
    link = item.links.filter(pk=link_id).first() if _uuid(link_id) else None
    if link is None:
        raise Http404("not found")
    return link


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def target_for_user(*, user: User, kind: str, code: str) -> Any:
    """A case, incident, act or source the user may read, or 404."""
    if kind == "case":
        return case_for_user(user=user, code=code)
    if kind == "incident":
        return incident_for_user(user=user, code=code)
    if kind == "source":
        return source_for_user(user=user, code=code)
    if kind == "act":
        return access.record_for_user(Act, user=user, code=code, action="case.read", kind="act")
    raise Http404("not found")


def items_linked_to(target: Any) -> QuerySet[EvidenceLink]:
    kind = type(target).__name__.lower()
    return (
        EvidenceLink.objects.filter(**{kind: target})
        .select_related("item", "created_by")
        .order_by("-item__acquired_at")
    )


def evidence_section(user: User, target: Any) -> dict[str, Any]:
    """What a case or incident page shows of its evidence, for this user."""
    from django.conf import settings

    readable = allowed(user, "evidence.read")
    return {
        "readable": readable,
        "writable": allowed(user, "evidence.write"),
        "kind": type(target).__name__.lower(),
        "target": target,
        "links": items_linked_to(target) if readable else [],
        "max_mb": settings.VAULT_MAX_FILE_BYTES // 1_000_000,
        "max_files": settings.VAULT_MAX_FILES,
    }


def custody_entries(item: EvidenceItem) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type="evidence", object_code=item.code, event__startswith="custody."
    ).order_by("index")


def items_of_case(user: User, case: Any) -> QuerySet[EvidenceItem]:
    """The kept items the user may read that are linked to a case or to one of its incidents or acts."""
    return (
        items_for_user(user)
        .filter(status=EvidenceItem.Status.ACTIVE)
        .filter(Q(links__case=case) | Q(links__incident__case=case) | Q(links__act__incident__case=case))
        .distinct()
        .order_by("acquired_at", "code")
    )


def custody_of_items(items: list[EvidenceItem]) -> dict[str, list[AuditEntry]]:
    """Each item's custody events in ledger order, in one query (for documents that list many)."""
    found: dict[str, list[AuditEntry]] = {item.code: [] for item in items}
    for entry in AuditEntry.objects.filter(
        object_type="evidence", object_code__in=list(found), event__startswith="custody."
    ).order_by("index"):
        found[entry.object_code].append(entry)
    return found


def link_targets(items: list[EvidenceItem]) -> dict[str, list[str]]:
    """The codes of the case, incidents, acts and sources each item is linked to."""
    found: dict[str, list[str]] = {item.code: [] for item in items}
    rows = EvidenceLink.objects.filter(item__in=items).values_list(
        "item__code", "case__code", "incident__code", "act__code", "source__code"
    )
    for item_code, *targets in rows.order_by("created_at"):
        found[item_code] += [t for t in targets if t]
    return found


@dataclass(frozen=True)
class ProvenEvent:
    entry: AuditEntry
    leaf: str  # the canonical leaf JSON, as hashed into the ledger
    proof: list[bytes] | None  # None while no signed head covers the event


def custody_with_proofs(
    item: EvidenceItem, head: TreeHead | None, store: DbNodeStore | None = None
) -> list[ProvenEvent]:
    """Each custody event with its inclusion proof against ``head``, checked here before it is shown."""
    store = store or DbNodeStore()
    log = merkle.MerkleLog(store, size=head.size) if head is not None else None
    out = []
    for entry in custody_entries(item):
        leaf = canonical_leaf(entry)
        proof = None
        if head is not None and log is not None and entry.index < head.size:
            proof = log.inclusion_proof(entry.index, head.size)
            merkle.verify_inclusion(merkle.leaf_hash(leaf), entry.index, head.size, proof, as_head(head).root)
        out.append(ProvenEvent(entry, leaf.decode("utf-8"), proof))
    return out


def integrity_failures(item: EvidenceItem) -> list[AuditEntry]:
    """The item's failed integrity checks, newest first, for its page."""
    return list(
        AuditEntry.objects.filter(
            object_type="evidence", object_code=item.code, event=Event.CUSTODY_CHECK_FAILED
        ).order_by("-index")
    )


def exports_for_user(user: User) -> QuerySet[PendingAction]:
    from longreach.accounts import approvals

    return PendingAction.objects.filter(kind=approvals.VAULT_EXPORT, requested_by=user).select_related(
        "compartment", "decided_by"
    )


def export_for_user(*, user: User, code: str) -> PendingAction:
    action = exports_for_user(user).filter(code=code).first() if is_code(code) else None
    if action is None:
        raise Http404("not found")
    return action


def items_text_search(*, user: User, query: str, limit: int = 100) -> list[EvidenceItem]:
    """Evidence whose file name or a link's note ("what it shows") contains ``query``; opens the newest
    ``TEXT_SEARCH_WINDOW`` items the user may read, in this request only."""
    needle = query.casefold().strip()
    if not needle or len(needle) > 200:
        return []
    window = list(items_for_user(user).order_by("-acquired_at")[:TEXT_SEARCH_WINDOW])
    notes: dict[Any, list[str]] = {}
    for link in EvidenceLink.objects.filter(item__in=[i.pk for i in window]):
        notes.setdefault(link.item_id, []).append(link.note or "")
    hits = []
    for item in window:
        texts = [str((item.sealed or {}).get("name", "")), *notes.get(item.pk, [])]
        if any(needle in t.casefold() for t in texts):
            hits.append(item)
            if len(hits) >= limit:
                break
    return hits


def viewing_copy_kinds(items: list[EvidenceItem]) -> dict[Any, set[str]]:
    """The kinds of viewing copy (image, text, waveform) each of these items has, by item id."""
    kinds: dict[Any, set[str]] = {}
    for item_id, kind in ViewingCopy.objects.filter(item__in=items).values_list("item_id", "kind"):
        kinds.setdefault(item_id, set()).add(kind)
    return kinds
