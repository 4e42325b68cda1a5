"""Changing the registry: every write, from the UI, the API or an import, goes here.

Each function checks the user may write in the compartment, cleans its input
through ``validation`` (so every path refuses the same things with the same
messages), runs in one transaction, keeps a version of the record and
appends an audit entry holding codes only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access, approvals
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import Compartment, PendingAction, User
from longreach.accounts.roles import allowed
from longreach.accounts.services import pending_request, pending_spend
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.codes import new_ref
from longreach.registry import serialise, tabular, validation
from longreach.registry.models import (
    Act,
    ActPerpetrator,
    Case,
    Citation,
    Consent,
    Incident,
    Organisation,
    Person,
    Referral,
    Relative,
    Reveal,
    Source,
    Task,
    Version,
    Versioned,
)
from longreach.registry.validation import FieldError, PartyRef, RecordInvalid
from longreach.vocab.models import Term

T = TypeVar("T")


class StaleEdit(ServiceError):
    """Someone saved the record after this edit began; nothing was written."""


# Case workflow (docs/codebook.md §8): where each state may go next.
TRANSITIONS: dict[str, frozenset[str]] = {
    "NEW": frozenset({"VETTING", "TRIAGED", "CLOSED"}),
    "VETTING": frozenset({"TRIAGED", "CLOSED"}),
    "TRIAGED": frozenset({"ASSESSMENT", "CLOSED"}),
    "ASSESSMENT": frozenset({"SAFETY_PLAN", "REFERRALS_ACTIVE", "CLOSED"}),
    "SAFETY_PLAN": frozenset({"REFERRALS_ACTIVE", "FOLLOW_UP", "CLOSED"}),
    "REFERRALS_ACTIVE": frozenset({"FOLLOW_UP", "MONITORING", "CLOSED"}),
    "FOLLOW_UP": frozenset({"REFERRALS_ACTIVE", "MONITORING", "CLOSED"}),
    "MONITORING": frozenset({"FOLLOW_UP", "CLOSED"}),
    "CLOSED": frozenset({"REOPENED"}),
    "REOPENED": frozenset({"ASSESSMENT", "SAFETY_PLAN", "REFERRALS_ACTIVE", "FOLLOW_UP", "CLOSED"}),
}


def _audit(
    event: Event, user: User | None, compartment: Compartment, kind: str, code: str, **detail: Any
) -> None:
    audit_record(
        event,
        actor=user or "system",
        compartment=compartment,
        object_type=kind,
        object_code=code,
        detail=detail,
    )


def _flatten_codes(snapshot: Any) -> set[str]:
    """Every string in a snapshot; a record may keep terms retired since it was written."""
    if isinstance(snapshot, dict):
        return set().union(*(_flatten_codes(v) for v in snapshot.values())) if snapshot else set()
    if isinstance(snapshot, list):
        return set().union(*(_flatten_codes(v) for v in snapshot)) if snapshot else set()
    return {snapshot} if isinstance(snapshot, str) and snapshot.isupper() else set()


def _check_version(record: Versioned, expected: int | None) -> None:
    if expected is not None and expected != record.version:
        raise StaleEdit(
            _("%(code)s was changed by someone else (now version %(now)d, you edited %(then)d); reload it")
            % {"code": record.code, "now": record.version, "then": expected}
        )


def _keep_code(record: Versioned, wanted: str) -> None:
    """Use the code a file gave the record if it is free here; ``save`` draws one otherwise."""
    if wanted and not type(record)._default_manager.filter(code=wanted).exists():
        record.code = wanted


def _version(record: Versioned, kind: str, before: dict[str, Any] | None, user: User | None) -> bool:
    """Keep the record's state as a sealed version; False if nothing changed."""
    after = serialise.SNAPSHOTS[kind](record)
    fields = serialise.changed_fields(before, after)
    if before is not None and not fields:
        return False
    if before is not None:
        record.version += 1
        type(record)._default_manager.filter(pk=record.pk).update(version=record.version)
    _version_row(record, kind, after, before, user).save()
    return True


def _version_row(
    record: Versioned, kind: str, after: dict[str, Any], before: dict[str, Any] | None, user: User | None
) -> Version:
    v = Version(
        id=uuid.uuid4(),
        compartment_id=record.compartment_id,
        object_type=kind,
        object_id=record.pk,
        number=record.version,
        changed_by=user,
        fields=serialise.changed_fields(before, after),
    )
    v.snapshot = after
    return v


class _Terms:
    """Terms by (vocabulary, code), read once per write."""

    def __init__(self) -> None:
        self._terms: dict[tuple[str, str], Term] = {}
        self._loaded: set[str] = set()

    def get(self, vocabulary: str, codes: Iterable[str]) -> list[Term]:
        if vocabulary not in self._loaded:
            for term in Term.objects.filter(vocabulary__code=vocabulary):
                self._terms[(vocabulary, term.code)] = term
            self._loaded.add(vocabulary)
        return [self._terms[(vocabulary, c)] for c in codes]

    def ids(self, vocabulary: str, codes: Iterable[str]) -> list[int]:
        return [t.pk for t in self.get(vocabulary, codes)]


@dataclass
class _Writer:
    """Builds records for one compartment; shared by single saves and imports.

    Codes in the input refer to records already in the compartment, or to
    records created earlier in the same write (an import file's own codes).
    """

    user: User | None
    compartment: Compartment
    terms: _Terms = field(default_factory=_Terms)
    people: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    acts: dict[str, Act] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)

    def person(self, code: str, path: str) -> Person | None:
        if code not in self.people:
            found = Person.objects.filter(compartment=self.compartment, code=code).first()
            if found is None:
                self.errors.append(
                    FieldError(path, _("no person %(code)s in this compartment") % {"code": code})
                )
                return None
            self.people[code] = found
        return self.people[code]

    def organisation(self, code: str, path: str) -> Organisation | None:
        if code not in self.organisations:
            found = Organisation.objects.filter(compartment=self.compartment, code=code).first()
            if found is None:
                self.errors.append(
                    FieldError(path, _("no organisation %(code)s in this compartment") % {"code": code})
                )
                return None
            self.organisations[code] = found
        return self.organisations[code]

    def new_person(self, data: validation.PersonData) -> Person:
        p = Person(id=uuid.uuid4(), compartment=self.compartment, created_by=self.user)
        _fill_person(p, data)
        _keep_code(p, data.code)
        p.save()
        p.profiles.set(self.terms.ids("profile", data.profiles))
        _version(p, "person", None, self.user)
        self.people[data.code or p.code] = p
        return p

    def new_organisation(self, data: validation.OrganisationData) -> Organisation:
        o = Organisation(id=uuid.uuid4(), compartment=self.compartment, created_by=self.user)
        _fill_organisation(o, data)
        _keep_code(o, data.code)
        o.save()
        _version(o, "organisation", None, self.user)
        self.organisations[data.code or o.code] = o
        return o

    def party_person(self, party: PartyRef, path: str) -> Person | None:
        if party.new_person is not None:
            return self.new_person(party.new_person)
        return self.person(party.code, path) if party.code else None

    def case(self, code: str, path: str) -> Case | None:
        if not code:
            return None
        if code not in self.cases:
            found = Case.objects.filter(compartment=self.compartment, code=code).first()
            if found is None:
                self.errors.append(
                    FieldError(path, _("no case %(code)s in this compartment") % {"code": code})
                )
                return None
            self.cases[code] = found
        return self.cases[code]

    def raise_errors(self) -> None:
        if self.errors:
            raise RecordInvalid(self.errors)

    def preload(self, cleaned: Iterable[validation.IncidentData]) -> None:
        """Fetch every person, organisation and case the incidents name, in three queries."""
        people: set[str] = set()
        orgs: set[str] = set()
        cases: set[str] = set()
        for incident in cleaned:
            if incident.case:
                cases.add(incident.case)
            for act in incident.acts:
                people.update(t.code for t in act.targets if t.code)
                people.update(p.party.code for p in act.perpetrators if p.party.code)
                orgs.update(p.party.organisation for p in act.perpetrators if p.party.organisation)
                people.update(r.party.code for r in act.relatives if r.party.code)
                people.update(r.relative_of for r in act.relatives if r.relative_of)
        caches: list[tuple[type[Versioned], set[str], dict[str, Any]]] = [
            (Person, people, self.people),
            (Organisation, orgs, self.organisations),
            (Case, cases, self.cases),
        ]
        for model, codes, cache in caches:
            missing = [c for c in codes if c not in cache]
            for i in range(0, len(missing), 500):
                chunk = missing[i : i + 500]
                for found in model._default_manager.filter(compartment=self.compartment, code__in=chunk):
                    cache[found.code] = found

    def build_act(self, act: Act, data: validation.ActData, path: str, links: _Links) -> None:
        """Set an act's fields and queue its links (terms, targets, perpetrators, relatives)."""
        for name in (
            "origin_state", "origin_confidence", "host_country", "host_confidence", "harm_country",
            "harm_confidence", "executing_state", "executing_confidence", "description", "outcome",
        ):  # fmt: skip
            setattr(act, name, getattr(data, name))
        act.date = data.date
        if data.code:
            self.acts[data.code] = act
        # What was linked is also kept in the act's prefetch cache, so the first
        # version is serialised from memory by the same code as every later one.
        cache: dict[str, list[Any]] = {"perpetrators": [], "relatives": [], "targets": []}
        for vocabulary, codes, name in (
            ("tactic", data.tactics, "tactics"),
            ("demand", data.demands, "demands"),
            ("channel", data.channels, "channels"),
        ):
            through = getattr(Act, name).through
            cache[name] = self.terms.get(vocabulary, codes)
            links.rows.extend(through(act_id=act.pk, term_id=t.pk) for t in cache[name])
        for i, t in enumerate(data.targets):
            person = self.party_person(t, f"{path}.targets[{i}].person")
            if person is not None and person not in cache["targets"]:
                cache["targets"].append(person)
                links.rows.append(Act.targets.through(act_id=act.pk, person_id=person.pk))
        for i, p in enumerate(data.perpetrators):
            ppath = f"{path}.perpetrators[{i}]"
            person = self.party_person(p.party, f"{ppath}.person")
            org = (
                self.new_organisation(p.party.new_organisation)
                if p.party.new_organisation is not None
                else self.organisation(p.party.organisation, f"{ppath}.organisation")
                if p.party.organisation
                else None
            )
            row = ActPerpetrator(
                id=uuid.uuid4(),
                compartment=self.compartment,
                act=act,
                person=person,
                organisation=org,
                perpetrator_type=p.perpetrator_type,
                confidence=p.confidence,
                position=i,
            )
            row.basis = p.basis
            links.perpetrators.append(row)
            cache["perpetrators"].append(row)
        for i, r in enumerate(data.relatives):
            rpath = f"{path}.relatives[{i}]"
            person = self.party_person(r.party, f"{rpath}.person")
            of = self.person(r.relative_of, f"{rpath}.relative_of") if r.relative_of else None
            if person is None:
                continue
            rel = Relative(
                id=uuid.uuid4(),
                compartment=self.compartment,
                act=act,
                person=person,
                relative_of=of,
                relationship=r.relationship,
                is_minor=r.is_minor,
                position=i,
            )
            outcomes = self.terms.get("relative_outcome", r.outcomes)
            rel._prefetched_objects_cache = {"outcomes": _cached(Term, outcomes)}  # type: ignore[attr-defined]
            links.relatives.append(rel)
            cache["relatives"].append(rel)
            links.rows.extend(Relative.outcomes.through(relative_id=rel.pk, term_id=t.pk) for t in outcomes)
        act._prefetched_objects_cache = {  # type: ignore[attr-defined]
            "tactics": _cached(Term, cache["tactics"]),
            "demands": _cached(Term, cache["demands"]),
            "channels": _cached(Term, cache["channels"]),
            "targets": _cached(Person, cache["targets"]),
            "perpetrators": _cached(ActPerpetrator, cache["perpetrators"]),
            "relatives": _cached(Relative, cache["relatives"]),
        }

    def write_acts(self, incident: Incident, acts: list[validation.ActData]) -> None:
        """Replace an existing incident's acts, keeping the rows (and codes) of acts that stay."""
        existing = {a.code: a for a in incident.acts.all()}
        links = _Links()
        kept: list[Act] = []
        for position, data in enumerate(acts):
            act = existing.get(data.code) or Act(
                id=uuid.uuid4(), code=new_ref("A"), compartment=self.compartment, incident=incident
            )
            act.position = position
            self.build_act(act, data, f"acts[{position}]", links)
            act.save()
            kept.append(act)
        for code, act in existing.items():
            if code not in {a.code for a in kept}:
                act.delete()
        ids = [a.pk for a in kept]
        for through in (Act.tactics.through, Act.demands.through, Act.channels.through, Act.targets.through):
            through.objects.filter(act_id__in=ids).delete()
        ActPerpetrator.objects.filter(act_id__in=ids).delete()
        Relative.objects.filter(act_id__in=ids).delete()
        links.save()

    def create_incidents(
        self, batch: list[validation.IncidentData]
    ) -> tuple[list[Incident], dict[int, list[FieldError]]]:
        """Write new incidents with their acts in bulk; problems by position in ``batch``.

        One path for a single incident from a form and for 10,000 from a file:
        references are fetched together, rows go in with ``bulk_create``, and
        each incident's first version is taken from what was written.
        """
        self.preload(batch)
        taken_incidents = set(
            Incident.objects.filter(code__in=[d.code for d in batch if d.code]).values_list("code", flat=True)
        )
        act_codes = [a.code for d in batch for a in d.acts if a.code]
        taken_acts = (
            set(Act.objects.filter(code__in=act_codes).values_list("code", flat=True)) if act_codes else set()
        )
        problems: dict[int, list[FieldError]] = {}
        incidents: list[Incident] = []
        acts: list[Act] = []
        links = _Links()
        for n, data in enumerate(batch):
            self.errors = []
            incident = Incident(id=uuid.uuid4(), compartment=self.compartment, created_by=self.user)
            _fill_incident(incident, data, self.case(data.case, "case"))
            incident.code = data.code if data.code and data.code not in taken_incidents else new_ref("I")
            own: list[Act] = []
            for position, act_data in enumerate(data.acts):
                act = Act(id=uuid.uuid4(), compartment=self.compartment, incident=incident, position=position)
                act.code = (
                    act_data.code if act_data.code and act_data.code not in taken_acts else new_ref("A")
                )
                self.build_act(act, act_data, f"acts[{position}]", links)
                own.append(act)
            incident._prefetched_objects_cache = {"acts": _cached(Act, own)}  # type: ignore[attr-defined]
            acts.extend(own)
            if self.errors:
                problems[n] = self.errors
                continue
            incidents.append(incident)
            self.incidents[data.code or incident.code] = incident
        self.errors = []
        if problems:
            return incidents, problems
        Incident.objects.bulk_create(incidents, batch_size=500)
        Act.objects.bulk_create(acts, batch_size=500)
        links.save()
        versions = [
            _version_row(i, "incident", serialise.incident_dict(i), None, self.user) for i in incidents
        ]
        Version.objects.bulk_create(versions, batch_size=500)
        return incidents, problems


def _cached(model: type[Any], items: list[Any]) -> Any:
    """A queryset that already holds ``items``, as prefetch_related leaves it."""
    qs = model._default_manager.all()
    qs._result_cache = list(items)
    qs._prefetch_done = True
    return qs


@dataclass
class _Links:
    """Rows that hang off acts, saved together after the acts exist."""

    rows: list[Any] = field(default_factory=list)
    perpetrators: list[ActPerpetrator] = field(default_factory=list)
    relatives: list[Relative] = field(default_factory=list)

    def save(self) -> None:
        ActPerpetrator.objects.bulk_create(self.perpetrators, batch_size=500)
        Relative.objects.bulk_create(self.relatives, batch_size=500)
        by_model: dict[type[Any], list[Any]] = {}
        for row in self.rows:
            by_model.setdefault(type(row), []).append(row)
        for model, rows in by_model.items():
            model._default_manager.bulk_create(rows, batch_size=1000)


def _fill_person(p: Person, data: validation.PersonData) -> None:
    for name in (
        "name",
        "phone",
        "email",
        "handle",
        "location",
        "notes",
        "residence_country",
        "community",
        "immigration_status",
        "is_minor",
    ):
        setattr(p, name, getattr(data, name))
    p.aliases = data.aliases


def _fill_organisation(o: Organisation, data: validation.OrganisationData) -> None:
    for name in ("name", "perpetrator_type", "country", "notes"):
        setattr(o, name, getattr(data, name))


# People and organisations ------------------------------------------------------------


@transaction.atomic
def person_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Person:
    access.require(user, "case.write", compartment)
    cleaned = validation.clean_person(data)
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
    cleaned = validation.clean_person(data, keep=_flatten_codes(before))
    _fill_person(person, cleaned)
    person.save()
    person.profiles.set(_Terms().ids("profile", cleaned.profiles))
    if _version(person, "person", before, user):
        _audit(Event.RECORD_UPDATED, user, person.compartment, "person", person.code)
    return person


@transaction.atomic
def organisation_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Organisation:
    access.require(user, "case.write", compartment)
    org = _Writer(user, compartment).new_organisation(validation.clean_organisation(data))
    _audit(Event.RECORD_CREATED, user, compartment, "organisation", org.code)
    return org


# Incidents ---------------------------------------------------------------------------


def _fill_incident(i: Incident, data: validation.IncidentData, case: Case | None) -> None:
    i.case = case
    i.title, i.narrative = data.title, data.narrative
    i.origin_state, i.host_country = data.origin_state, data.host_country
    i.date, i.until = data.date, data.until
    i.date_last = max(data.date.end, data.until.end) if data.until else data.date.end


@transaction.atomic
def incident_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Incident:
    access.require(user, "case.write", compartment)
    cleaned = validation.clean_incident(data)
    writer = _Writer(user, compartment)
    incident = _write_incident(writer, cleaned)
    _audit(Event.RECORD_CREATED, user, compartment, "incident", incident.code, acts=len(cleaned.acts))
    return incident


def _write_incident(writer: _Writer, cleaned: validation.IncidentData) -> Incident:
    written, problems = writer.create_incidents([cleaned])
    if problems:
        raise RecordInvalid(problems[0])
    return written[0]


@transaction.atomic
def incident_update(
    *, user: User, incident: Incident, data: Mapping[str, Any], expected_version: int | None = None
) -> Incident:
    access.require(user, "case.write", incident.compartment)
    _check_version(incident, expected_version)
    before = serialise.incident_dict(incident)
    cleaned = validation.clean_incident(data, keep=_flatten_codes(before))
    writer = _Writer(user, incident.compartment)
    _fill_incident(incident, cleaned, writer.case(cleaned.case, "case"))
    incident.save()
    writer.write_acts(incident, cleaned.acts)
    writer.raise_errors()
    incident = Incident.objects.get(pk=incident.pk)
    if _version(incident, "incident", before, user):
        _audit(Event.RECORD_UPDATED, user, incident.compartment, "incident", incident.code)
    return incident


# Cases -------------------------------------------------------------------------------


def _check_transition(before: str, after: str) -> None:
    if before != after and after not in TRANSITIONS.get(before, frozenset()):
        raise RecordInvalid(
            [
                FieldError(
                    "state",
                    _("a case cannot move from %(before)s to %(after)s; next can be %(next)s")
                    % {
                        "before": before,
                        "after": after,
                        "next": ", ".join(sorted(TRANSITIONS.get(before, ()))) or "-",
                    },
                )
            ]
        )


def _fill_case(c: Case, data: validation.CaseData, client: Person | None) -> None:
    c.client = client
    for name in (
        "state",
        "urgency",
        "closure",
        "origin_state",
        "host_country",
        "community",
        "summary",
        "opened_on",
    ):
        setattr(c, name, getattr(data, name))
    if c.state == "CLOSED" and c.closed_on is None:
        c.closed_on = timezone.localdate()
    elif c.state != "CLOSED":
        c.closed_on = None


def _write_case(writer: _Writer, cleaned: validation.CaseData) -> Case:
    client = writer.party_person(cleaned.client, "client.person") if cleaned.client else None
    writer.raise_errors()
    case = Case(id=uuid.uuid4(), compartment=writer.compartment, created_by=writer.user)
    _fill_case(case, cleaned, client)
    _keep_code(case, cleaned.code)
    case.save()
    if writer.user is not None:
        case.assigned.add(writer.user)
    _version(case, "case", None, writer.user)
    writer.cases[cleaned.code or case.code] = case
    return case


@transaction.atomic
def case_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Case:
    access.require(user, "case.write", compartment)
    case = _write_case(_Writer(user, compartment), validation.clean_case(data))
    _audit(Event.RECORD_CREATED, user, compartment, "case", case.code)
    return case


@transaction.atomic
def case_update(
    *, user: User, case: Case, data: Mapping[str, Any], expected_version: int | None = None
) -> Case:
    access.require(user, "case.write", case.compartment)
    _check_version(case, expected_version)
    before = serialise.case_dict(case)
    cleaned = validation.clean_case(data, keep=_flatten_codes(before))
    _check_transition(case.state, cleaned.state)
    writer = _Writer(user, case.compartment)
    client = writer.party_person(cleaned.client, "client.person") if cleaned.client else None
    writer.raise_errors()
    _fill_case(case, cleaned, client)
    case.save()
    if _version(case, "case", before, user):
        _audit(Event.RECORD_UPDATED, user, case.compartment, "case", case.code, state=case.state)
    return case


@transaction.atomic
def case_assign(*, user: User, case: Case, assignees: Iterable[User]) -> None:
    access.require(user, "case.write", case.compartment)
    members = [a for a in assignees if access.is_member(a, case.compartment)]
    case.assigned.set(members)
    _audit(Event.RECORD_UPDATED, user, case.compartment, "case", case.code, assigned=len(members))


@dataclass(frozen=True)
class OpenedCase:
    case: Case
    client: Person
    incident: Incident | None


@transaction.atomic
def case_open_from_intake(
    *,
    user: User,
    compartment: Compartment,
    case: Mapping[str, Any],
    client: Mapping[str, Any],
    incident: Mapping[str, Any] | None,
    consents: Iterable[str],
    referrals: Iterable[str],
) -> OpenedCase:
    """Case, client, incident, consents and planned referrals from a vetted report, in one go.

    Intake volunteers may do this (``triage.open_case``) although they cannot
    edit case records afterwards; the data is the reporter's, checked by the
    same validation as every other write.
    """
    access.require(user, "triage.open_case", compartment)
    vocab = validation.Vocabularies()
    writer = _Writer(user, compartment)
    person = writer.new_person(validation.clean_person(client, vocab=vocab))
    new_case = _write_case(writer, validation.clean_case({**case, "client": person.code}, vocab=vocab))
    written = None
    if incident is not None:
        data = dict(incident)
        acts = [
            {
                **act,
                "targets": [{"person": person.code}],
                "relatives": [{**rel, "relative_of": person.code} for rel in act.get("relatives", [])],
            }
            for act in data.pop("acts", [])
        ]
        written = _write_incident(
            writer, validation.clean_incident({**data, "case": new_case.code, "acts": acts}, vocab=vocab)
        )
    purposes, referral_types = _clean(
        {"consents": list(consents), "referrals": list(referrals)},
        lambda c: (c.codes("consents", "consent_purpose"), c.codes("referrals", "referral_type")),
    )
    today = timezone.localdate()
    for purpose in purposes:
        consent = Consent(
            id=uuid.uuid4(),
            compartment=compartment,
            case=new_case,
            purpose=purpose,
            method=Consent.Method.INTAKE,
            given_on=today,
            recorded_by=user,
        )
        consent.recipient = ""
        consent.save()
    for referral_type in referral_types:
        r = Referral(id=uuid.uuid4(), compartment=compartment, case=new_case, referral_type=referral_type)
        r.recipient, r.notes = "", ""
        r.save()
    _audit(
        Event.RECORD_CREATED,
        user,
        compartment,
        "case",
        new_case.code,
        from_intake=True,
        incidents=1 if written else 0,
    )
    return OpenedCase(new_case, person, written)


# Sources -----------------------------------------------------------------------------


def _write_citations(source: Source, citations: list[validation.CitationData], writer: _Writer) -> None:
    """Replace a source's citations; the writer knows the codes of a file being imported."""
    source.citations.all().delete()
    errors: list[FieldError] = []
    for i, c in enumerate(citations):
        incident = (
            writer.incidents.get(c.incident)
            or Incident.objects.filter(compartment=source.compartment, code=c.incident).first()
        )
        act = None
        if incident is None:
            errors.append(
                FieldError(
                    f"citations[{i}].incident",
                    _("no incident %(code)s in this compartment") % {"code": c.incident},
                )
            )
            continue
        if c.act:
            act = writer.acts.get(c.act) or Act.objects.filter(incident=incident, code=c.act).first()
            if act is not None and act.incident_id != incident.pk:
                act = None
            if act is None:
                errors.append(
                    FieldError(
                        f"citations[{i}].act",
                        _("incident %(i)s has no act %(a)s") % {"i": c.incident, "a": c.act},
                    )
                )
                continue
        row = Citation(
            id=uuid.uuid4(),
            compartment=source.compartment,
            source=source,
            incident=incident,
            act=act,
            credibility=c.credibility,
            locator=c.locator,
            position=i,
        )
        row.statement = c.statement
        row.save()
    if errors:
        raise RecordInvalid(errors)


def _fill_source(s: Source, data: validation.SourceData) -> None:
    for name in ("source_type", "reliability", "title", "reference", "notes"):
        setattr(s, name, getattr(data, name))
    s.date = data.date


def _write_source(writer: _Writer, cleaned: validation.SourceData) -> Source:
    source = Source(id=uuid.uuid4(), compartment=writer.compartment, created_by=writer.user)
    _fill_source(source, cleaned)
    _keep_code(source, cleaned.code)
    source.save()
    _write_citations(source, cleaned.citations, writer)
    _version(source, "source", None, writer.user)
    return source


@transaction.atomic
def source_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Source:
    access.require(user, "case.write", compartment)
    source = _write_source(_Writer(user, compartment), validation.clean_source(data))
    _audit(Event.RECORD_CREATED, user, compartment, "source", source.code)
    return source


@transaction.atomic
def source_update(
    *, user: User, source: Source, data: Mapping[str, Any], expected_version: int | None = None
) -> Source:
    access.require(user, "case.write", source.compartment)
    _check_version(source, expected_version)
    before = serialise.source_dict(source)
    cleaned = validation.clean_source(data, keep=_flatten_codes(before))
    _fill_source(source, cleaned)
    source.save()
    _write_citations(source, cleaned.citations, _Writer(user, source.compartment))
    if _version(source, "source", before, user):
        _audit(Event.RECORD_UPDATED, user, source.compartment, "source", source.code)
    return source


# Consent, referrals and tasks --------------------------------------------------------


def _clean(data: Mapping[str, Any], reader: Callable[[validation.Checker], T]) -> T:
    c = validation.Checker(data, "", validation.Vocabularies())
    value = reader(c)
    c.finish()
    if c.errors:
        raise RecordInvalid(c.errors)
    return value


@transaction.atomic
def consent_record(*, user: User, case: Case, data: Mapping[str, Any]) -> Consent:
    access.require(user, "case.write", case.compartment)

    def read(c: validation.Checker) -> Consent:
        consent = Consent(
            id=uuid.uuid4(),
            compartment=case.compartment,
            case=case,
            purpose=c.code("purpose", "consent_purpose", required=True),
            method=c.choice("method", [m.value.upper() for m in Consent.Method], "ORAL").lower(),
            given_on=c.date("given_on") or timezone.localdate(),
            expires_on=c.date("expires_on"),
            recorded_by=user,
        )
        consent.recipient = c.text("recipient")
        if consent.purpose == "REFERRAL" and not consent.recipient:
            c.fail("recipient", _("consent to a referral names the organisation it is for"))
        if consent.expires_on and consent.expires_on < consent.given_on:
            c.fail("expires_on", _("is before the day consent was given"))
        return consent

    consent = _clean(data, read)
    consent.save()
    _audit(Event.RECORD_CREATED, user, case.compartment, "consent", consent.code, purpose=consent.purpose)
    return consent


@transaction.atomic
def consent_withdraw(*, user: User, consent: Consent, on: dt.date | None = None) -> Consent:
    access.require(user, "case.write", consent.compartment)
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    _audit(Event.RECORD_UPDATED, user, consent.compartment, "consent", consent.code, withdrawn=True)
    return consent


@transaction.atomic
def referral_save(
    *, user: User, case: Case, data: Mapping[str, Any], referral: Referral | None = None
) -> Referral:
    access.require(user, "case.write", case.compartment)
    statuses = [s.value.upper() for s in Referral.Status]

    def read(c: validation.Checker) -> Referral:
        r = referral or Referral(id=uuid.uuid4(), compartment=case.compartment, case=case)
        r.referral_type = c.code("referral_type", "referral_type", required=True, default=r.referral_type)
        r.status = c.choice("status", statuses, r.status.upper()).lower()
        r.made_on = c.date("made_on") or r.made_on
        r.recipient = c.text("recipient")
        r.notes = c.text("notes", "long")
        if r.status != "planned" and r.made_on is None:
            r.made_on = timezone.localdate()
        return r

    saved = _clean(data, read)
    saved.save()
    event = Event.RECORD_UPDATED if referral else Event.RECORD_CREATED
    _audit(event, user, case.compartment, "referral", saved.code, status=saved.status)
    return saved


@transaction.atomic
def task_add(*, user: User, case: Case, data: Mapping[str, Any]) -> Task:
    access.require(user, "case.write", case.compartment)

    def read(c: validation.Checker) -> Task:
        t = Task(
            id=uuid.uuid4(),
            compartment=case.compartment,
            case=case,
            task_type=c.code("task_type", "task_type", default="FOLLOW_UP"),
            due_on=c.date("due_on", required=True) or timezone.localdate(),
        )
        t.title = c.text("title", required=True)
        t.risk_note = c.text("risk_note", "long")
        consent_code = c.ref("consent")
        if consent_code:
            t.consent = Consent.objects.filter(case=case, code=consent_code).first()
            if t.consent is None:
                c.fail("consent", _("no consent %(code)s on this case") % {"code": consent_code})
        assignee = c.ref("assigned_to")
        if assignee:
            t.assigned_to = User.objects.filter(
                code=assignee, memberships__compartment=case.compartment
            ).first()
            if t.assigned_to is None:
                c.fail("assigned_to", _("is not a member of this compartment"))
        return t

    task = _clean(data, read)
    task.save()
    _audit(Event.RECORD_CREATED, user, case.compartment, "task", task.code, type=task.task_type)
    return task


@transaction.atomic
def task_mark_sent(*, user: User, task: Task) -> Task:
    """Record that an enquiry went out; an origin-state enquiry needs consent and a risk review."""
    access.require(user, "case.write", task.compartment)
    if task.task_type == "ORIGIN_STATE_ENQUIRY":
        errors = []
        today = timezone.localdate()
        if task.consent is None or not task.consent.active_on(today):
            errors.append(
                FieldError(
                    "consent",
                    _("an enquiry to the origin state needs the client's recorded, current consent"),
                )
            )
        if not (task.risk_note or "").strip():
            errors.append(FieldError("risk_note", _("write the risk review before the enquiry is sent")))
        if errors:
            raise RecordInvalid(errors)
    task.sent_at = timezone.now()
    task.save(update_fields=["sent_at"])
    _audit(Event.RECORD_UPDATED, user, task.compartment, "task", task.code, sent=True)
    return task


@transaction.atomic
def task_done(*, user: User, task: Task) -> Task:
    access.require(user, "case.write", task.compartment)
    if task.task_type == "ORIGIN_STATE_ENQUIRY" and task.sent_at is None:
        raise RecordInvalid([FieldError("sent_at", _("mark the enquiry as sent before closing it"))])
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    _audit(Event.RECORD_UPDATED, user, task.compartment, "task", task.code, done=True)
    return task


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


# Imports -----------------------------------------------------------------------------

KINDS = ("people", "organisations", "cases", "incidents", "sources")


@dataclass
class ImportRecord:
    """One record of an import file and how to name where it came from."""

    kind: str
    data: Mapping[str, Any]
    locate: Callable[[str], str]


@dataclass
class ImportReport:
    counts: dict[str, int]
    renamed: int
    dry_run: bool


class ImportFailed(ServiceError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")


_CLEANERS: dict[str, Callable[..., Any]] = {
    "people": validation.clean_person,
    "organisations": validation.clean_organisation,
    "cases": validation.clean_case,
    "incidents": validation.clean_incident,
    "sources": validation.clean_source,
}


def records_import(
    *,
    user: User,
    compartment: Compartment,
    records: list[ImportRecord],
    dry_run: bool = False,
    max_problems: int = 50,
) -> ImportReport:
    """All or nothing: every record is checked first, then written in one transaction.

    Codes in the file link its records; a code already taken in this
    database is replaced by a new one (counted in ``renamed``). A dry run
    writes inside the transaction, so references are checked too, then
    rolls it back.
    """
    access.require(user, "case.write", compartment)
    problems: list[str] = []
    cleaned: list[tuple[ImportRecord, Any]] = []
    vocab = validation.Vocabularies()
    for record in records:
        try:
            cleaned.append((record, _CLEANERS[record.kind](record.data, vocab=vocab)))
        except RecordInvalid as exc:
            problems.extend(record.locate(e.path) + ": " + e.message for e in exc.errors)
        if len(problems) >= max_problems:
            break
    if problems:
        raise ImportFailed(problems[:max_problems])
    order = {k: i for i, k in enumerate(KINDS)}
    cleaned.sort(key=lambda rc: order[rc[0].kind])
    counts = dict.fromkeys(KINDS, 0)
    renamed = 0
    with transaction.atomic():
        writer = _Writer(user, compartment)
        pending: list[tuple[ImportRecord, Any]] = []

        def flush_incidents() -> int:
            written, failed = writer.create_incidents([d for _, d in pending])
            for n, errors in failed.items():
                problems.extend(pending[n][0].locate(e.path) + ": " + e.message for e in errors)
            moved = sum(
                int(bool(d.code) and i.code != d.code) for (_, d), i in zip(pending, written, strict=False)
            )
            counts["incidents"] += len(pending) - len(failed)
            pending.clear()
            return moved

        for record, data in cleaned:
            if len(problems) >= max_problems:
                break
            if record.kind == "incidents":
                pending.append((record, data))
                if len(pending) >= 500:
                    renamed += flush_incidents()
                continue
            if pending:
                renamed += flush_incidents()
            writer.errors = []
            try:
                written: Any
                if record.kind == "people":
                    written = writer.new_person(data)
                elif record.kind == "organisations":
                    written = writer.new_organisation(data)
                elif record.kind == "cases":
                    written = _write_case(writer, data)
                else:
                    written = _write_source(writer, data)
            except RecordInvalid as exc:
                problems.extend(record.locate(e.path) + ": " + e.message for e in exc.errors)
                continue
            counts[record.kind] += 1
            renamed += bool(data.code) and written.code != data.code
        if pending and len(problems) < max_problems:
            renamed += flush_incidents()
        if problems:
            transaction.set_rollback(True)
            raise ImportFailed(problems[:max_problems])
        audit_record(
            Event.RECORDS_IMPORTED,
            actor=user,
            compartment=compartment,
            object_type="import",
            detail={**{k: v for k, v in counts.items()}, "dry_run": dry_run},
        )
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(counts=counts, renamed=renamed, dry_run=dry_run)


# Bulk export under the two-person rule ------------------------------------------------------

BULK_EXPORT_VALID_FOR = dt.timedelta(hours=24)


def bulk_export_request(*, user: User, compartment: Compartment, fmt: str, kind: str) -> PendingAction:
    """Ask for a whole-compartment export; a lead of it or an administrator must approve."""

    if not access.may(user, "case.read", compartment):
        raise NotAllowed(_("you cannot read this compartment"))
    return pending_request(
        kind=approvals.BULK_EXPORT,
        compartment=compartment,
        params={"format": fmt, "kind": kind},
        requested_by=user,
        event=Event.EXPORT_REQUESTED,
        detail={"format": fmt, "kind": kind},
    )


def bulk_export_use(*, user: User, compartment: Compartment, code: str, fmt: str, kind: str) -> PendingAction:
    """Spend an approved request on this export, once; raise NotAllowed saying why not."""
    return pending_spend(
        kind=approvals.BULK_EXPORT,
        code=code,
        user=user,
        compartment=compartment,
        valid_for=BULK_EXPORT_VALID_FOR,
        matches=lambda params: (params.get("format"), params.get("kind")) == (fmt, kind),
        mismatch=_("request %(code)s was approved for another format") % {"code": code},
    )


approvals.register(
    approvals.BULK_EXPORT,
    can_approve=lambda action, user: access.may(user, "export.approve", action.compartment),
    execute=lambda action, user: None,  # approval itself is the whole effect; the export spends it
    approved_event=Event.EXPORT_APPROVED,
    rejected_event=Event.EXPORT_REJECTED,
)


def records_export(
    *, user: User, compartment: Compartment, fmt: str, kind: str, out: Any, exported_at: str
) -> int:
    """Write one compartment's records to ``out``; audited with the count, never the content."""
    import json

    # exchange builds on this module's import records, so it is imported here.
    from longreach.registry import exchange, selectors
    from longreach.vocab.selectors import terms

    if not access.may(user, "case.read", compartment):
        raise NotAllowed(_("you cannot read this compartment"))
    # Creation order, so that an export imported elsewhere exports again in the same order.
    people = (
        selectors.people_for_user(user=user, compartment=compartment)
        .prefetch_related("profiles")
        .order_by("created_at", "code")
    )
    incidents = selectors.prefetch_incidents(
        selectors.incidents_for_user(
            user=user, filters=selectors.IncidentFilters(compartment=compartment.code)
        )
    ).order_by("date_start", "created_at", "code")
    sources = selectors.sources_for_user(user=user, compartment=compartment).order_by("created_at", "code")
    organisations = selectors.organisations_for_user(user=user, compartment=compartment).order_by(
        "created_at", "code"
    )
    cases = selectors.cases_for_user(
        user=user, filters=selectors.CaseFilters(compartment=compartment.code)
    ).order_by("created_at", "code")
    if fmt == "json":
        data = exchange.bundle(
            people=people,
            organisations=organisations,
            cases=cases,
            incidents=incidents,
            sources=sources,
            exported_at=exported_at,
        )
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")
        count = sum(len(data[k]) for k in KINDS)
    elif fmt == "flat":
        families = dict(terms(vocabulary="tactic", include_retired=True).values_list("code", "family"))
        count = tabular.write(exchange.flat_rows(incidents, families), exchange.FLAT_COLUMNS, out)
    else:
        rows = {
            "people": lambda: exchange.plain_rows(people, serialise.person_dict),
            "organisations": lambda: exchange.plain_rows(organisations, serialise.organisation_dict),
            "cases": lambda: exchange.plain_rows(cases, serialise.case_dict),
            "incidents": lambda: exchange.incident_rows(incidents),
            "sources": lambda: exchange.plain_rows(sources, serialise.source_dict),
        }[kind]()
        count = exchange.write_csv(kind, rows, out)
    audit_record(
        Event.RECORDS_EXPORTED,
        actor=user,
        compartment=compartment,
        object_type="export",
        detail={"format": fmt, "kind": kind if fmt == "csv" else fmt, "rows": count},
    )
    return count


def incidents_export_csv(*, user: User, incidents: Iterable[Incident], out: Any) -> int:
    """The incident CSV (one row per act) of incidents the caller already scoped to ``user``."""
    from longreach.registry import exchange

    count = exchange.write_csv("incidents", exchange.incident_rows(incidents), out)
    audit_record(
        Event.RECORDS_EXPORTED,
        actor=user,
        object_type="export",
        detail={"format": "csv", "kind": "incidents", "rows": count},
    )
    return count


def deidentified_export(*, user: User, out: Any, threshold: int, year: int | None = None) -> int:
    """Published counts: incidents per origin and host, by tactic family, small cells suppressed.

    Totals are part of the table, so a hidden cell cannot be recovered from them.
    """
    from longreach.registry import disclosure, selectors

    if not allowed(user, "stats.view"):
        raise NotAllowed(_("your role cannot see statistics"))
    counts = selectors.incident_counts(user=user, year=year)
    columns = ["incidents", "physical", *selectors.FAMILIES]
    table: dict[tuple[str, str], dict[str, int]] = {key: dict(value) for key, value in counts.items()}
    total = {c: sum(v[c] for v in counts.values()) for c in columns}
    table[("ALL", "ALL")] = total
    published = disclosure.suppress(table, threshold)
    rows = []
    for key in sorted(published, key=lambda k: (k == ("ALL", "ALL"), k)):
        origin, host = key
        cells = published[key]
        row = {"origin_state": origin, "host_country": host, "year": str(year) if year else "all"}
        row.update({c: "suppressed" if cells[c] is None else str(cells[c]) for c in columns})
        rows.append(row)
    count = tabular.write(rows, ["year", "origin_state", "host_country", *columns], out)
    audit_record(
        Event.RECORDS_EXPORTED,
        actor=user,
        object_type="export",
        detail={"format": "deidentified", "rows": count, "threshold": threshold},
    )
    return count
