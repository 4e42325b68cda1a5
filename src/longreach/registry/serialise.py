"""Records as plain dicts: the one shape for versions, JSON export and import.

What ``*_dict`` writes, ``validation.clean`` reads back, so an export
imported into an empty compartment gives the same records. Sealed values are
opened here, so these dicts are only ever built for a user holding the
compartment key and never leave the process unsealed except as a deliberate
export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from longreach.registry.models import Act, Case, Incident, Organisation, Person, Source


def _date(value: Any) -> str:
    return "" if value is None else str(value)


def _codes(manager: Any) -> list[str]:
    # Prefetched relations come back in insertion order; sort for stable output.
    return sorted(t.code for t in manager.all())


def person_dict(p: Person) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name or "",
        "aliases": list(p.aliases or []),
        "phone": p.phone or "",
        "email": p.email or "",
        "handle": p.handle or "",
        "location": p.location or "",
        "notes": p.notes or "",
        "residence_country": p.residence_country,
        "community": p.community,
        "immigration_status": p.immigration_status,
        "profiles": _codes(p.profiles),
        "is_minor": p.is_minor,
    }


def organisation_dict(o: Organisation) -> dict[str, Any]:
    return {
        "code": o.code,
        "name": o.name or "",
        "perpetrator_type": o.perpetrator_type,
        "country": o.country,
        "notes": o.notes or "",
    }


def act_dict(a: Act) -> dict[str, Any]:
    return {
        "code": a.code,
        "tactics": _codes(a.tactics),
        "demands": _codes(a.demands),
        "channels": _codes(a.channels),
        "origin_state": a.origin_state,
        "origin_confidence": a.origin_confidence,
        "host_country": a.host_country,
        "host_confidence": a.host_confidence,
        "harm_country": a.harm_country,
        "harm_confidence": a.harm_confidence,
        "executing_state": a.executing_state,
        "executing_confidence": a.executing_confidence,
        "date": _date(a.date),
        "description": a.description or "",
        "outcome": a.outcome or "",
        "targets": [
            {"person": p.code} for p in sorted(a.targets.all(), key=lambda p: (p.created_at, p.code))
        ],
        "perpetrators": [
            {
                **({"person": x.person.code} if x.person else {}),
                **({"organisation": x.organisation.code} if x.organisation else {}),
                "perpetrator_type": x.perpetrator_type,
                "confidence": x.confidence,
                "basis": x.basis or "",
            }
            for x in a.perpetrators.all()
        ],
        "relatives": [
            {
                "person": r.person.code,
                "relative_of": r.relative_of.code if r.relative_of else "",
                "relationship": r.relationship,
                "outcomes": _codes(r.outcomes),
                "is_minor": r.is_minor,
            }
            for r in a.relatives.all()
        ],
    }


def incident_dict(i: Incident) -> dict[str, Any]:
    return {
        "code": i.code,
        "case": i.case.code if i.case else "",
        "title": i.title or "",
        "narrative": i.narrative or "",
        "origin_state": i.origin_state,
        "host_country": i.host_country,
        "date": _date(i.date),
        "until": _date(i.until),
        "acts": [act_dict(a) for a in i.acts.all()],
    }


def case_dict(c: Case) -> dict[str, Any]:
    return {
        "code": c.code,
        "client": c.client.code if c.client else "",
        "state": c.state,
        "urgency": c.urgency,
        "closure": c.closure,
        "origin_state": c.origin_state,
        "host_country": c.host_country,
        "community": c.community,
        "summary": c.summary or "",
        "opened_on": c.opened_on.isoformat(),
    }


def source_dict(s: Source) -> dict[str, Any]:
    return {
        "code": s.code,
        "source_type": s.source_type,
        "reliability": s.reliability,
        "title": s.title or "",
        "reference": s.reference or "",
        "notes": s.notes or "",
        "date": _date(s.date),
        "citations": [
            {
                "incident": c.incident.code,
                "act": c.act.code if c.act else "",
                "credibility": c.credibility,
                "statement": c.statement or "",
                "locator": c.locator,
            }
            for c in s.citations.all()
        ],
    }


SNAPSHOTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "person": person_dict,
    "organisation": organisation_dict,
    "incident": incident_dict,
    "case": case_dict,
    "source": source_dict,
}


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return sorted(k for k, v in after.items() if v not in ("", [], None, False) and k != "code")
    return sorted(k for k in after if before.get(k) != after[k])
