"""Reading the audit trail (auditors and administrators only)."""

from __future__ import annotations

from django.db.models import QuerySet

from longreach.audit.models import AuditEntry, TreeHead


def audit_entries(*, event: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if event:
        qs = qs.filter(event=event)
    if actor:
        qs = qs.filter(actor=actor)
    return qs


def latest_head() -> TreeHead | None:
    return TreeHead.objects.order_by("-size", "-timestamp_ms").first()
