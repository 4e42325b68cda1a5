"""Legal matters over the API: list, read (with deadlines), create under a case, update; proceedings and
their events. Scoped like the rest: a matter of another compartment is a 404.

Request bodies are the one schema of each entity (``validation``); answers are explicit allow-lists.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from longreach.accounts.models import User
from longreach.audit.services import record_viewed
from longreach.legal import selectors, services
from longreach.legal.models import LegalMatter, Proceeding
from longreach.legal.validation import EventInput, MatterInput, ProceedingInput
from longreach.registry.api import ErrorOut, InvalidOut
from longreach.registry.selectors import case_for_user

router = Router(tags=["legal"])


class MatterIn(MatterInput):
    incidents: list[str] = Field(
        default_factory=list, max_length=200, description="codes of the case's incidents"
    )
    evidence: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="codes of evidence items of the compartment the matter rests on (its exhibits)",
    )


class DeadlineOut(Schema):
    due: str
    state: str = Field(description="met, overdue, soon (within 14 days) or later")
    proceeding: str
    rule: str = Field(description="the rule's name, empty for a deadline typed in by a user")
    title: str = ""
    runs_from: str = ""
    source: str = Field(description="the rule's legal source; empty when typed in")
    typed: bool
    met_on: str = ""


class ProceedingOut(Schema):
    code: str
    kind: str
    forum: str
    rules: list[str]
    interim_measures: bool
    events: list[dict[str, str]]


class MatterOut(Schema):
    code: str
    case: str
    kind: str
    requesting_state: str
    host_country: str
    charges: str
    charge_category: str
    penalty: str
    issued_on: str
    learned_on: str
    arrested_on: str
    interpol_ref: str
    status: str
    notes: str
    incidents: list[str]
    evidence: list[str]
    proceedings: list[ProceedingOut]
    deadlines: list[DeadlineOut]


class MatterSummaryOut(Schema):
    code: str
    case: str
    kind: str
    requesting_state: str
    host_country: str
    status: str


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def _matter_out(matter: LegalMatter) -> dict[str, Any]:
    view = selectors.matter_view(matter=matter)
    proceedings: list[Proceeding] = view["proceedings"]
    return {
        "code": matter.code,
        "case": matter.case.code,
        "kind": matter.kind,
        "requesting_state": matter.requesting_state,
        "host_country": matter.host_country,
        "charges": matter.charges,
        "charge_category": matter.charge_category,
        "penalty": matter.penalty,
        "issued_on": _day(matter.issued_on),
        "learned_on": _day(matter.learned_on),
        "arrested_on": _day(matter.arrested_on),
        "interpol_ref": matter.interpol_ref,
        "status": matter.status,
        "notes": matter.notes,
        "incidents": sorted(matter.incidents.values_list("code", flat=True)),
        "evidence": sorted(matter.evidence.values_list("code", flat=True)),
        "proceedings": [
            {
                "code": p.code,
                "kind": p.kind,
                "forum": p.forum,
                "rules": p.rule_list,
                "interim_measures": p.interim_measures,
                "events": [{"what": e.what, "on": e.on.isoformat(), "note": e.note} for e in p.events.all()],
            }
            for p in proceedings
        ],
        "deadlines": [
            {
                "due": d.due.due.isoformat(),
                "state": d.state,
                "proceeding": d.proceeding.code,
                "rule": d.due.rule.kind if d.due.rule else "",
                "title": d.due.rule.title if d.due.rule else d.due.title,
                "runs_from": _day(d.due.start),
                "source": d.due.rule.source if d.due.rule else "",
                "typed": d.due.typed,
                "met_on": _day(d.due.met_on),
            }
            for d in view["deadlines"]
        ],
    }


@router.get("/legal-matters", response={200: list[MatterSummaryOut], 401: ErrorOut})
def matter_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": m.code,
            "case": m.case.code,
            "kind": m.kind,
            "requesting_state": m.requesting_state,
            "host_country": m.host_country,
            "status": m.status,
        }
        for m in selectors.matters_for_user(_user(request)).order_by("-created_at")[:1000]
    ]


@router.get("/legal-matters/{code}", response={200: MatterOut, 401: ErrorOut, 404: ErrorOut})
def matter_read(request: HttpRequest, code: str) -> dict[str, Any]:
    user = _user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    record_viewed(user, matter, "legal-matter")
    return _matter_out(matter)


@router.post(
    "/cases/{code}/legal-matters",
    response={201: MatterOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def matter_create(request: HttpRequest, code: str, payload: MatterIn) -> Any:
    user = _user(request)
    case = case_for_user(user=user, code=code)
    data = payload.model_dump(exclude={"incidents", "evidence"})
    matter = services.matter_create(
        user=user, case=case, data=data, incidents=payload.incidents, evidence=payload.evidence
    )
    return Status(201, _matter_out(matter))


@router.put(
    "/legal-matters/{code}",
    response={200: MatterOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def matter_update(request: HttpRequest, code: str, payload: MatterIn) -> dict[str, Any]:
    user = _user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    data = payload.model_dump(exclude={"incidents", "evidence"})
    services.matter_update(
        user=user, matter=matter, data=data, incidents=payload.incidents, evidence=payload.evidence
    )
    return _matter_out(matter)


@router.post(
    "/legal-matters/{code}/proceedings",
    response={201: MatterOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def proceeding_create(request: HttpRequest, code: str, payload: ProceedingInput) -> Any:
    user = _user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    services.proceeding_add(user=user, matter=matter, data=payload.model_dump())
    return Status(201, _matter_out(matter))


@router.post(
    "/legal-proceedings/{code}/events",
    response={201: MatterOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def event_create(request: HttpRequest, code: str, payload: EventInput) -> Any:
    user = _user(request)
    proceeding = selectors.proceeding_for_user(user=user, code=code)
    services.event_add(user=user, proceeding=proceeding, data=payload.model_dump())
    return Status(201, _matter_out(proceeding.matter))


@router.get(
    "/legal-matters/{code}/{document}.pdf",
    response={200: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidOut},
    summary="A document drafted from the matter, as PDF: memo, ccf-request or summary",
)
def document_pdf(
    request: HttpRequest, code: str, document: str, language: str = "", reason: str = ""
) -> HttpResponse:
    """``memo.pdf``, ``ccf-request.pdf`` (``language`` en or fr) or ``summary.pdf``. Given a ``reason``,
    the client is named (an identity reveal, audited with it); otherwise the case's code stands in."""
    user = _user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    drafted = services.document_draft(
        user=user,
        matter=matter,
        kind=document,
        language=language,
        as_pdf=True,
        name_client=bool(reason),
        reason=reason,
    )
    assert drafted.pdf is not None
    response = HttpResponse(drafted.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{drafted.filename}"'
    return response
