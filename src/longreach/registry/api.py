"""Registry routes of the HTTP API: the same services, selectors and checks as the UI.

Request bodies are the input models of ``validation``, the same ones a form,
an import and the command line are checked with, so the API refuses exactly
what they refuse, with the same field paths and messages, and its OpenAPI
document describes the same fields. People come out as pseudonymous codes; identity fields are shown only
through the audited reveal route.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from longreach.accounts import access
from longreach.accounts.models import User
from longreach.audit.services import record_viewed
from longreach.registry import fields, filters, selectors, serialise, services, validation
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.models import Case, Incident, Person, Source

router = Router(tags=["registry"])
# Dates travel as YYYY-MM-DD text: pydantic's date type would also take "0" (a Unix time).
ISO_DAY = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class InvalidOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


# Input -------------------------------------------------------------------------------


class TextIn(Schema):
    """Input whose every string field is text."""

    @field_validator("*", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return fields.text_only(value)


class IncidentUpdateIn(validation.IncidentInput):
    version: int = Field(description="the version you edited; a newer one on the server answers 409")


class CaseUpdateIn(validation.CaseInput):
    version: int = Field(description="the version you edited; a newer one on the server answers 409")


class PersonUpdateIn(validation.PersonInput):
    version: int = Field(description="the version you edited; a newer one on the server answers 409")


class SourceUpdateIn(validation.SourceInput):
    version: int = Field(description="the version you edited; a newer one on the server answers 409")


class RevealIn(TextIn):
    field: str
    reason: str


# Output ------------------------------------------------------------------------------


class TargetOut(Schema):
    person: str


class PerpetratorOut(Schema):
    person: str | None = None
    organisation: str | None = None
    perpetrator_type: str
    confidence: str
    basis: str


class RelativeOut(Schema):
    person: str
    relative_of: str
    relationship: str
    outcomes: list[str]
    is_minor: bool


class ActOut(Schema):
    code: str
    tactics: list[str]
    demands: list[str]
    channels: list[str]
    origin_state: str
    origin_confidence: str
    host_country: str
    host_confidence: str
    harm_country: str
    harm_confidence: str
    executing_state: str
    executing_confidence: str
    date: str
    description: str
    outcome: str
    targets: list[TargetOut]
    perpetrators: list[PerpetratorOut]
    relatives: list[RelativeOut]


class IncidentOut(Schema):
    code: str
    compartment: str
    version: int
    physical: bool
    case: str
    title: str
    narrative: str
    origin_state: str
    host_country: str
    date: str
    until: str
    acts: list[ActOut]


class IncidentSummaryOut(Schema):
    code: str
    compartment: str
    case: str
    date: str
    origin_state: str
    host_country: str
    physical: bool
    tactics: list[str]


class IncidentPageOut(Schema):
    count: int
    page: int
    per_page: int
    results: list[IncidentSummaryOut]


class CaseOut(Schema):
    code: str
    compartment: str
    version: int
    client: str
    state: str
    urgency: str
    closure: str
    origin_state: str
    host_country: str
    community: str
    summary: str
    opened_on: str
    closed_on: str


class PersonOut(Schema):
    """A person as a pseudonym: coded fields, and which identity fields are on file."""

    code: str
    compartment: str
    version: int
    residence_country: str
    community: str
    immigration_status: str
    profiles: list[str]
    is_minor: bool
    identity_fields: list[str]


class CitationOut(Schema):
    incident: str
    act: str
    credibility: str
    statement: str
    locator: str


class SourceOut(Schema):
    code: str
    compartment: str
    version: int
    source_type: str
    reliability: str
    title: str
    reference: str
    notes: str
    date: str
    citations: list[CitationOut]


class RevealOut(Schema):
    field: str
    value: Any


class LookupOut(Schema):
    people: list[str]
    incidents: list[str]


# Helpers -----------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _incident_out(incident: Incident) -> dict[str, Any]:
    fresh = selectors.incident_full(incident)
    return {
        **serialise.incident_dict(fresh),
        "compartment": fresh.compartment.code,
        "version": fresh.version,
        "physical": getattr(fresh, "physical"),  # noqa: B009 (annotated by the selector)
    }


def _case_out(case: Case) -> dict[str, Any]:
    return {
        **serialise.case_dict(case),
        "compartment": case.compartment.code,
        "version": case.version,
        "closed_on": case.closed_on.isoformat() if case.closed_on else "",
    }


def _person_out(person: Person) -> dict[str, Any]:
    data = serialise.person_dict(person)
    return {
        "code": person.code,
        "compartment": person.compartment.code,
        "version": person.version,
        "residence_country": person.residence_country,
        "community": person.community,
        "immigration_status": person.immigration_status,
        "profiles": data["profiles"],
        "is_minor": person.is_minor,
        "identity_fields": [f for f in services.REVEALABLE["person"] if data.get(f)],
    }


def _source_out(source: Source) -> dict[str, Any]:
    return {
        **serialise.source_dict(source),
        "compartment": source.compartment.code,
        "version": source.version,
    }


def _known_params(request: HttpRequest, schema: type[Schema]) -> None:
    """Refuse filters we do not have: a misspelt filter would otherwise widen the answer silently."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        raise RecordInvalid(
            [FieldError(name[:40] or "(empty)", "is not a filter of this list") for name in unknown]
        )


def _writable(request: HttpRequest, code: str) -> Any:
    return access.compartment_for_user(user=_user(request), code=code, action="case.write")


# Incidents ---------------------------------------------------------------------------


# Filters are read by registry/filters.py, as the pages read them: a value that is not a code,
# a country or a day is a 422 naming the field, never a query. The schema documents them.
@router.get("/incidents", response={200: IncidentPageOut, 401: ErrorOut, 422: InvalidOut})
def incident_list(request: HttpRequest, q: Query[filters.IncidentQuery]) -> dict[str, Any]:  # type: ignore[valid-type]
    page, per_page = cast(filters.Paging, q).page, cast(filters.Paging, q).per_page
    qs = selectors.incidents_for_user(user=_user(request), filters=filters.incident_filters(request.GET))
    count = qs.count()
    rows = selectors.incident_page(qs[(page - 1) * per_page : page * per_page])
    return {
        "count": count,
        "page": page,
        "per_page": per_page,
        "results": [
            {
                "code": i.code,
                "compartment": i.compartment.code,
                "case": i.case.code if i.case else "",
                "date": str(i.date),
                "origin_state": i.origin_state,
                "host_country": i.host_country,
                "physical": getattr(i, "physical"),  # noqa: B009 (annotated by the selector)
                "tactics": sorted({t.code for a in i.acts.all() for t in a.tactics.all()}),
            }
            for i in rows
        ],
    }


@router.post(
    "/compartments/{code}/incidents",
    response={400: ErrorOut, 401: ErrorOut, 201: IncidentOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def incident_create(request: HttpRequest, code: str, payload: validation.IncidentInput) -> Any:
    incident = services.incident_create(
        user=_user(request), compartment=_writable(request, code), data=validation.dumped(payload)
    )
    return Status(201, _incident_out(incident))


@router.get("/incidents/{code}", response={401: ErrorOut, 200: IncidentOut, 404: ErrorOut})
def incident_read(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    record = selectors.incident_for_user(user=user, code=code)
    record_viewed(user, record, "incident")
    return _incident_out(record)


@router.put(
    "/incidents/{code}",
    response={
        400: ErrorOut,
        401: ErrorOut,
        200: IncidentOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
    },
)
def incident_update(request: HttpRequest, code: str, payload: IncidentUpdateIn) -> Any:
    incident = selectors.incident_for_user(user=_user(request), code=code)
    data = validation.dumped(payload)
    version = data.pop("version")
    updated = services.incident_update(
        user=_user(request), incident=incident, data=data, expected_version=version
    )
    return _incident_out(updated)


# Cases -------------------------------------------------------------------------------


class CasePageOut(Schema):
    count: int
    page: int
    per_page: int
    results: list[CaseOut]


@router.get("/cases", response={200: CasePageOut, 401: ErrorOut, 422: InvalidOut})
def case_list(request: HttpRequest, q: Query[filters.CaseQuery]) -> dict[str, Any]:  # type: ignore[valid-type]
    page, per_page = cast(filters.Paging, q).page, cast(filters.Paging, q).per_page
    qs = selectors.cases_for_user(user=_user(request), filters=filters.case_filters(request.GET))
    return {
        "count": qs.count(),
        "page": page,
        "per_page": per_page,
        "results": [_case_out(c) for c in qs[(page - 1) * per_page : page * per_page]],
    }


@router.post(
    "/compartments/{code}/cases",
    response={400: ErrorOut, 401: ErrorOut, 201: CaseOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def case_create(request: HttpRequest, code: str, payload: validation.CaseInput) -> Any:
    case = services.case_create(
        user=_user(request), compartment=_writable(request, code), data=validation.dumped(payload)
    )
    return Status(201, _case_out(case))


@router.get("/cases/{code}", response={401: ErrorOut, 200: CaseOut, 404: ErrorOut})
def case_read(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    record = selectors.case_for_user(user=user, code=code)
    record_viewed(user, record, "case")
    return _case_out(record)


@router.put(
    "/cases/{code}",
    response={
        400: ErrorOut,
        401: ErrorOut,
        200: CaseOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
    },
)
def case_update(request: HttpRequest, code: str, payload: CaseUpdateIn) -> Any:
    case = selectors.case_for_user(user=_user(request), code=code)
    data = validation.dumped(payload)
    version = data.pop("version")
    return _case_out(
        services.case_update(user=_user(request), case=case, data=data, expected_version=version)
    )


# People ------------------------------------------------------------------------------


@router.post(
    "/compartments/{code}/people",
    response={400: ErrorOut, 401: ErrorOut, 201: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def person_create(request: HttpRequest, code: str, payload: validation.PersonInput) -> Any:
    person = services.person_create(
        user=_user(request), compartment=_writable(request, code), data=validation.dumped(payload)
    )
    return Status(201, _person_out(person))


@router.get("/people/{code}", response={401: ErrorOut, 200: PersonOut, 404: ErrorOut})
def person_read(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    record = selectors.person_for_user(user=user, code=code)
    record_viewed(user, record, "person")
    return _person_out(record)


@router.put(
    "/people/{code}",
    response={
        400: ErrorOut,
        401: ErrorOut,
        200: PersonOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
    },
)
def person_update(request: HttpRequest, code: str, payload: PersonUpdateIn) -> Any:
    person = selectors.person_for_user(user=_user(request), code=code)
    data = validation.dumped(payload)
    version = data.pop("version")
    updated = services.person_update(user=_user(request), person=person, data=data, expected_version=version)
    return _person_out(updated)


@router.post(
    "/people/{code}/reveal",
    response={401: ErrorOut, 200: RevealOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def person_reveal(request: HttpRequest, code: str, payload: RevealIn) -> Any:
    person = selectors.person_for_user(user=_user(request), code=code)
    value = services.identity_reveal(
        user=_user(request), record=person, field_name=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}


class LookupQuery(TextIn):
    kind: Literal["phone", "email", "handle", "name"]
    value: str = Field(min_length=1, max_length=300)


@router.get("/lookup", response={200: LookupOut, 401: ErrorOut, 422: InvalidOut})
def lookup(request: HttpRequest, q: Query[LookupQuery]) -> dict[str, Any]:
    """Exact lookup of a phone number, e-mail, handle or name through the blind indexes."""
    _known_params(request, LookupQuery)
    people = selectors.people_by_identifier(user=_user(request), kind=q.kind, value=q.value)
    incidents = selectors.incidents_involving(user=_user(request), people=people)[:200]
    return {"people": [p.code for p in people], "incidents": [i.code for i in incidents]}


# Sources -----------------------------------------------------------------------------


@router.post(
    "/compartments/{code}/sources",
    response={400: ErrorOut, 401: ErrorOut, 201: SourceOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def source_create(request: HttpRequest, code: str, payload: validation.SourceInput) -> Any:
    source = services.source_create(
        user=_user(request), compartment=_writable(request, code), data=validation.dumped(payload)
    )
    return Status(201, _source_out(source))


@router.get("/sources/{code}", response={401: ErrorOut, 200: SourceOut, 404: ErrorOut})
def source_read(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    record = selectors.source_for_user(user=user, code=code)
    record_viewed(user, record, "source")
    return _source_out(record)


@router.put(
    "/sources/{code}",
    response={
        400: ErrorOut,
        401: ErrorOut,
        200: SourceOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
    },
)
def source_update(request: HttpRequest, code: str, payload: SourceUpdateIn) -> Any:
    source = selectors.source_for_user(user=_user(request), code=code)
    data = validation.dumped(payload)
    version = data.pop("version")
    return _source_out(
        services.source_update(user=_user(request), source=source, data=data, expected_version=version)
    )


# Organisations ---------------------------------------------------------------------------


class OrganisationOut(Schema):
    code: str
    compartment: str
    version: int
    name: str
    perpetrator_type: str
    country: str
    notes: str


def _organisation_out(org: Any) -> dict[str, Any]:
    return {**serialise.organisation_dict(org), "compartment": org.compartment.code, "version": org.version}


@router.post(
    "/compartments/{code}/organisations",
    response={
        400: ErrorOut,
        401: ErrorOut,
        201: OrganisationOut,
        403: ErrorOut,
        404: ErrorOut,
        422: InvalidOut,
    },
)
def organisation_create(request: HttpRequest, code: str, payload: validation.OrganisationInput) -> Any:
    org = services.organisation_create(
        user=_user(request), compartment=_writable(request, code), data=validation.dumped(payload)
    )
    return Status(201, _organisation_out(org))


@router.get("/organisations/{code}", response={401: ErrorOut, 200: OrganisationOut, 404: ErrorOut})
def organisation_read(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    record = selectors.organisation_for_user(user=user, code=code)
    record_viewed(user, record, "organisation")
    return _organisation_out(record)
