"""Reading the audit trail (auditors and administrators only)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from longreach.audit.models import AuditEntry, Event, TreeHead

FILTERS = ("actor", "event", "object", "compartment", "date_from", "date_to")
SHORT = re.compile(r"[A-Za-z0-9_.:\-]{1,40}")


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # a user's code or a label such as "system", "cli", "public"
    event: str = ""
    object: str = ""  # an object's code, or an object type such as "case"
    compartment: str = ""  # a compartment's code
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def query_string(self) -> str:
        pairs = {k: getattr(self, k) for k in FILTERS if getattr(self, k)}
        return urlencode({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in pairs.items()})


def audit_filters(params: Mapping[str, str]) -> tuple[AuditFilters, dict[str, str]]:
    """The filters from query parameters, and a message per bad one (the field it names)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FILTERS:
        raw = str(params.get(name, "")).strip()
        if not raw:
            continue
        if name.startswith("date_"):
            try:
                values[name] = dt.date.fromisoformat(raw) if len(raw) == 10 else None
            except ValueError:
                values[name] = None
            if values[name] is None:
                errors[name] = str(_("is not a real date (YYYY-MM-DD)"))
        elif name == "event" and raw not in Event.values:
            errors[name] = str(_("is not an event of the audit trail"))
        elif not SHORT.fullmatch(raw):
            errors[name] = str(_("is not a code (letters, digits, '_', '.', ':' and '-', at most 40)"))
        else:
            values[name] = raw
    return AuditFilters(**{k: v for k, v in values.items() if v is not None}), errors


def audit_entries(filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    f = filters or AuditFilters()
    qs = AuditEntry.objects.all()
    if f.actor:
        qs = qs.filter(actor=f.actor)
    if f.event:
        qs = qs.filter(event=f.event)
    if f.object:
        qs = qs.filter(Q(object_code=f.object) | Q(object_type=f.object))
    if f.compartment:
        qs = qs.filter(compartment=f.compartment)
    if f.date_from:
        qs = qs.filter(occurred_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(occurred_at__date__lte=f.date_to)
    return qs


def latest_head() -> TreeHead | None:
    return TreeHead.objects.order_by("-size", "-timestamp_ms").first()


# What happened to records, as an activity feed shows it: changes, never reads.
ACTIVITY_EVENTS = (
    "record.created",
    "record.updated",
    "intake.case_opened",
    "custody.acquired",
    "custody.linked",
    "custody.exported",
)


def activity_about(codes: list[str], limit: int = 50) -> QuerySet[AuditEntry]:
    """The latest changes to the records with these codes, newest first."""
    return AuditEntry.objects.filter(object_code__in=codes, event__in=ACTIVITY_EVENTS).order_by("-index")[
        :limit
    ]
