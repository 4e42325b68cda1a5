"""The machinery every registry write shares: versions, audit entries, and the writer.

``_Writer`` is the one path that creates incidents (with their acts, parties
and citations), for a form and for an import alike; the ``_fill_*`` functions
copy cleaned input onto a record."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment, User
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.codes import new_ref
from longreach.registry import name_tokens, serialise
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.models import (
    Act,
    ActPerpetrator,
    Case,
    Citation,
    Incident,
    Organisation,
    Person,
    Relative,
    Source,
    Version,
    Versioned,
)
from longreach.registry.validation import (
    ActInput,
    CaseInput,
    CitationInput,
    IncidentInput,
    OrganisationInput,
    PartyInput,
    PersonInput,
    SourceInput,
)
from longreach.vocab.models import Term

T = TypeVar("T")


class StaleEdit(ServiceError):
    """Someone saved the record after this edit began; nothing was written."""


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

    def new_person(self, data: PersonInput) -> Person:
        p = Person(id=uuid.uuid4(), compartment=self.compartment, created_by=self.user)
        _fill_person(p, data)
        _keep_code(p, data.code)
        p.save()
        p.profiles.set(self.terms.ids("profile", data.profiles))
        name_tokens.index(p)
        _version(p, "person", None, self.user)
        self.people[data.code or p.code] = p
        return p

    def new_organisation(self, data: OrganisationInput) -> Organisation:
        o = Organisation(id=uuid.uuid4(), compartment=self.compartment, created_by=self.user)
        _fill_organisation(o, data)
        _keep_code(o, data.code)
        o.save()
        name_tokens.index(o)
        _version(o, "organisation", None, self.user)
        self.organisations[data.code or o.code] = o
        return o

    def party_person(self, party: PartyInput, path: str) -> Person | None:
        if party.new_person is not None:
            return self.new_person(party.new_person)
        return self.person(party.person, path) if party.person else None

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

    def preload(self, cleaned: Iterable[IncidentInput]) -> None:
        """Fetch every person, organisation and case the incidents name, in three queries."""
        people: set[str] = set()
        orgs: set[str] = set()
        cases: set[str] = set()
        for incident in cleaned:
            if incident.case:
                cases.add(incident.case)
            for act in incident.acts:
                people.update(t.person for t in act.targets if t.person)
                people.update(p.person for p in act.perpetrators if p.person)
                orgs.update(p.organisation for p in act.perpetrators if p.organisation)
                people.update(r.person for r in act.relatives if r.person)
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

    def build_act(self, act: Act, data: ActInput, path: str, links: _Links) -> None:
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
            person = self.party_person(p, f"{ppath}.person")
            org = (
                self.new_organisation(p.new_organisation)
                if p.new_organisation is not None
                else self.organisation(p.organisation, f"{ppath}.organisation")
                if p.organisation
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
            person = self.party_person(r, f"{rpath}.person")
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

    def write_acts(self, incident: Incident, acts: list[ActInput]) -> None:
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
        self, batch: list[IncidentInput]
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


def _fill_person(p: Person, data: PersonInput) -> None:
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


def _fill_organisation(o: Organisation, data: OrganisationInput) -> None:
    for name in ("name", "perpetrator_type", "country", "notes"):
        setattr(o, name, getattr(data, name))


def _fill_incident(i: Incident, data: IncidentInput, case: Case | None) -> None:
    i.case = case
    i.title, i.narrative = data.title, data.narrative
    i.origin_state, i.host_country = data.origin_state, data.host_country
    i.date, i.until = data.date, data.until
    i.date_last = max(data.date.end, data.until.end) if data.until else data.date.end


def _write_incident(writer: _Writer, cleaned: IncidentInput) -> Incident:
    written, problems = writer.create_incidents([cleaned])
    if problems:
        raise RecordInvalid(problems[0])
    return written[0]


def _write_citations(source: Source, citations: list[CitationInput], writer: _Writer) -> None:
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


def _fill_source(s: Source, data: SourceInput) -> None:
    for name in ("source_type", "reliability", "title", "reference", "notes"):
        setattr(s, name, getattr(data, name))
    s.date = data.date


def _write_source(writer: _Writer, cleaned: SourceInput) -> Source:
    source = Source(id=uuid.uuid4(), compartment=writer.compartment, created_by=writer.user)
    _fill_source(source, cleaned)
    _keep_code(source, cleaned.code)
    source.save()
    _write_citations(source, cleaned.citations, writer)
    _version(source, "source", None, writer.user)
    return source


def _fill_case(c: Case, data: CaseInput, client: Person | None) -> None:
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


def _write_case(writer: _Writer, cleaned: CaseInput) -> Case:
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
