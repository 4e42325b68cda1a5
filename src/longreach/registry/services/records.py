"""People, organisations, incidents and sources; revealing a sealed identity."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import Compartment, User
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.names import score as scoring
from longreach.registry import name_tokens, serialise, validation
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.models import (
    Incident,
    Organisation,
    Person,
    Reveal,
    SameJudgement,
    Source,
)
from longreach.registry.services.writing import (
    _audit,
    _check_version,
    _fill_incident,
    _fill_person,
    _fill_source,
    _flatten_codes,
    _Terms,
    _version,
    _write_citations,
    _write_incident,
    _write_source,
    _Writer,
)

# People and organisations ------------------------------------------------------------


@transaction.atomic
def person_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Person:
    access.require(user, "case.write", compartment)
    cleaned = validation.clean(validation.PersonInput, data)
    person = _Writer(user, compartment).new_person(cleaned)
    _audit(Event.RECORD_CREATED, user, compartment, "person", person.code)
    return person


@transaction.atomic
def person_update(
    *, user: User, person: Person, data: Mapping[str, Any], expected_version: int | None = None
) -> Person:
    access.require(user, "case.write", person.compartment)
    _check_version(person, expected_version)
    before = serialise.person_dict(person)
    cleaned = validation.clean(validation.PersonInput, data, keep=_flatten_codes(before))
    _fill_person(person, cleaned)
    person.save()
    name_tokens.index(person)
    person.profiles.set(_Terms().ids("profile", cleaned.profiles))
    if _version(person, "person", before, user):
        _audit(Event.RECORD_UPDATED, user, person.compartment, "person", person.code)
    return person


@transaction.atomic
def name_tokens_rebuild(*, user: User, compartment: Compartment) -> int:
    """Remake the comparison tokens of every person and organisation of a compartment (after the
    linkage key was rotated, or for records saved before tokens existed); the number of records."""
    access.require(user, "case.write", compartment)
    done = 0
    for person in Person.objects.filter(compartment=compartment):
        name_tokens.index(person)
        done += 1
    for organisation in Organisation.objects.filter(compartment=compartment):
        name_tokens.index(organisation)
        done += 1
    _audit(Event.RECORD_UPDATED, user, compartment, "name_tokens", compartment.slug)
    return done


def perpetrators_screen(
    *, user: User, names: list[tuple[str, str]], threshold: float | None = None
) -> list[tuple[str, str, name_tokens.RegistryScreen]]:
    """Screen ``(id, name)`` pairs against the people and organisations coded as perpetrators; the
    screening is audited (how many names, how many hits), never the names."""
    if not access.compartments(user, "case.read").exists():
        raise NotAllowed(_("your role cannot read cases"))
    cut = scoring.THRESHOLD if threshold is None else threshold
    found = [
        (ref, name, name_tokens.screen_perpetrators(user=user, name=name, threshold=cut))
        for ref, name in names
    ]
    audit_record(
        Event.RECORD_VIEWED,
        actor=user,
        object_type="screening",
        detail={"names": len(names), "with_hits": sum(1 for *_x, r in found if r.hits or r.elsewhere)},
    )
    return found


@transaction.atomic
def organisation_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Organisation:
    access.require(user, "case.write", compartment)
    org = _Writer(user, compartment).new_organisation(validation.clean(validation.OrganisationInput, data))
    _audit(Event.RECORD_CREATED, user, compartment, "organisation", org.code)
    return org


# Incidents ---------------------------------------------------------------------------


@transaction.atomic
def incident_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Incident:
    access.require(user, "case.write", compartment)
    cleaned = validation.clean(validation.IncidentInput, data)
    writer = _Writer(user, compartment)
    incident = _write_incident(writer, cleaned)
    _audit(Event.RECORD_CREATED, user, compartment, "incident", incident.code, acts=len(cleaned.acts))
    return incident


@transaction.atomic
def incident_update(
    *, user: User, incident: Incident, data: Mapping[str, Any], expected_version: int | None = None
) -> Incident:
    access.require(user, "case.write", incident.compartment)
    _check_version(incident, expected_version)
    before = serialise.incident_dict(incident)
    cleaned = validation.clean(validation.IncidentInput, data, keep=_flatten_codes(before))
    writer = _Writer(user, incident.compartment)
    _fill_incident(incident, cleaned, writer.case(cleaned.case, "case"))
    incident.save()
    writer.write_acts(incident, cleaned.acts)
    writer.raise_errors()
    incident = Incident.objects.get(pk=incident.pk)
    if _version(incident, "incident", before, user):
        _audit(Event.RECORD_UPDATED, user, incident.compartment, "incident", incident.code)
    return incident


# Sources -----------------------------------------------------------------------------


@transaction.atomic
def source_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Source:
    access.require(user, "case.write", compartment)
    source = _write_source(_Writer(user, compartment), validation.clean(validation.SourceInput, data))
    _audit(Event.RECORD_CREATED, user, compartment, "source", source.code)
    return source


@transaction.atomic
def source_update(
    *, user: User, source: Source, data: Mapping[str, Any], expected_version: int | None = None
) -> Source:
    access.require(user, "case.write", source.compartment)
    _check_version(source, expected_version)
    before = serialise.source_dict(source)
    cleaned = validation.clean(validation.SourceInput, data, keep=_flatten_codes(before))
    _fill_source(source, cleaned)
    source.save()
    _write_citations(source, cleaned.citations, _Writer(user, source.compartment))
    if _version(source, "source", before, user):
        _audit(Event.RECORD_UPDATED, user, source.compartment, "source", source.code)
    return source


# Reveal ------------------------------------------------------------------------------

REVEALABLE = {
    "person": ("name", "aliases", "phone", "email", "handle", "location"),
    "organisation": ("name",),
}


@transaction.atomic
def identity_reveal(*, user: User, record: Person | Organisation, field_name: str, reason: str) -> Any:
    """Show one sealed identity field, with a stated reason, in the audit trail."""
    kind = "person" if isinstance(record, Person) else "organisation"
    access.require(user, "identity.reveal", record.compartment_id)
    if field_name not in REVEALABLE[kind]:
        raise ServiceError(_("%(field)s is not an identity field") % {"field": field_name})
    reason = (reason or "").strip()
    if len(reason) < 5 or len(reason) > 500:
        raise RecordInvalid([FieldError("reason", _("say why you need to see this (5 to 500 characters)"))])
    log = Reveal(
        id=uuid.uuid4(),
        compartment_id=record.compartment_id,
        user=user,
        object_type=kind,
        object_code=record.code,
        field_name=field_name,
    )
    log.reason = reason
    log.save()
    # The reason is free text, so the ledger keeps the sealed row's place, not the words.
    audit_record(
        Event.IDENTITY_REVEALED,
        actor=user,
        compartment=Compartment.objects.get(pk=record.compartment_id),
        object_type=kind,
        object_code=record.code,
        detail={"field": field_name},
    )
    return getattr(record, field_name)


MAX_JUDGEMENT_REASON = 2_000


@transaction.atomic
def same_judge(
    *, user: User, person: Person, other: Person, decision: str, reason: str = ""
) -> SameJudgement:
    """Say whether two person records describe one person. Nothing is merged or changed in either
    record; the word is kept beside the earlier ones on the pair (the latest counts) and audited."""
    if person.pk == other.pk:
        raise ServiceError(_("a record is always the same person as itself"))
    access.require(user, "case.write", person.compartment_id)
    access.require(user, "case.write", other.compartment_id)
    if decision not in SameJudgement.Decision.values:
        raise ServiceError(_("decision: the same person, not the same, or unsure"))
    reason = (reason or "").strip()
    if len(reason) > MAX_JUDGEMENT_REASON:
        raise ServiceError(_("reason: at most %(n)d characters") % {"n": MAX_JUDGEMENT_REASON})
    first, second = sorted((person, other), key=lambda p: str(p.pk))
    judgement = SameJudgement(
        compartment_id=first.compartment_id,
        first=first,
        second=second,
        decision=decision,
        reason=reason,
        by=user,
        at=timezone.now(),
    )
    judgement.save()
    for record, counterpart in ((person, other), (other, person)):
        audit_record(
            Event.RECORD_UPDATED,
            actor=user,
            compartment=record.compartment,
            object_type="person",
            object_code=record.code,
            detail={"same_as": counterpart.code, "decision": decision},
        )
    return judgement
