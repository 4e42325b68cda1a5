"""Reading the audit trail (auditors and administrators only)."""

from __future__ import annotations

from django.db.models import QuerySet

from longreach.audit.models import AuditEntry, TreeHead


def audit_entries(*, event: str = "") -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    return qs.filter(event=event) if event else qs


def latest_head() -> TreeHead | None:
    return TreeHead.objects.order_by("-size", "-timestamp_ms").first()
