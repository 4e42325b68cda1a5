"""Reading the registry, always inside the compartments the user may read.

Each ``*_for_user`` helper asks ``accounts.access``: the same Http404 for a
record that does not exist and for one in a compartment the user cannot read,
the second case audited. Recording that a person *saw* a record is the
handler's job (``audit.services.record_viewed``), not a read's. Lists are
querysets over coded (plaintext) columns; sealed values are opened only for
the rows a page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from longreach.accounts import access
from longreach.accounts.models import Compartment, User
from longreach.accounts.roles import allowed
from longreach.audit import selectors as audit_selectors
from longreach.keys.fields import BlindIndexField
from longreach.registry import name_tokens
from longreach.registry.filters import CaseFilters, IncidentFilters
from longreach.registry.models import (
    Act,
    Case,
    Comment,
    CompartmentRecord,
    Consent,
    Incident,
    Organisation,
    Person,
    Referral,
    SameJudgement,
    Source,
    Task,
    Version,
)

M = TypeVar("M", bound=CompartmentRecord)
R = TypeVar("R", bound=Model)  # any row with sealed fields

# Text search opens sealed text in the web process; it looks at this many of
# the newest incidents the user can read (docs/user-guide.md says so).
TEXT_SEARCH_WINDOW = 5000


def _scoped(model: type[M], user: User) -> QuerySet[M]:
    return access.scoped(model, user, "case.read")


def _one(model: type[M], user: User, code: str, kind: str) -> M:
    return access.record_for_user(model, user=user, code=code, action="case.read", kind=kind)


def prefetch_incidents(qs: QuerySet[Incident]) -> QuerySet[Incident]:
    return qs.select_related("case", "compartment").prefetch_related(
        "acts__tactics",
        "acts__demands",
        "acts__channels",
        "acts__targets",
        "acts__perpetrators__person",
        "acts__perpetrators__organisation",
        "acts__relatives__person",
        "acts__relatives__relative_of",
        "acts__relatives__outcomes",
    )


def incident_for_user(*, user: User, code: str) -> Incident:
    """The incident with its acts and links, and its ``physical`` flag."""
    return incident_full(_one(Incident, user, code, "incident"))


def incident_full(incident: Incident) -> Incident:
    return (
        prefetch_incidents(Incident.objects.filter(pk=incident.pk)).annotate(physical=physical_flag()).get()
    )


def case_for_user(*, user: User, code: str) -> Case:
    return _one(Case, user, code, "case")


def person_for_user(*, user: User, code: str) -> Person:
    return _one(Person, user, code, "person")


def organisation_for_user(*, user: User, code: str) -> Organisation:
    return _one(Organisation, user, code, "organisation")


def source_for_user(*, user: User, code: str) -> Source:
    return _one(Source, user, code, "source")


def task_for_user(*, user: User, code: str) -> Task:
    return _one(Task, user, code, "task")


def _act_has(**lookup: Any) -> Exists:
    return Exists(Act.objects.filter(incident=OuterRef("pk"), **lookup))


def physical_flag() -> Exists:
    """Freedom House's physical incident: any act with a direct-attack tactic."""
    return _act_has(tactics__vocabulary__code="tactic", tactics__family="DIRECT_ATTACK")


def incidents_for_user(*, user: User, filters: IncidentFilters | None = None) -> QuerySet[Incident]:
    return filter_incidents(_scoped(Incident, user), filters or IncidentFilters())


def incidents_for_statistics(*, user: User, filters: IncidentFilters | None = None) -> QuerySet[Incident]:
    """The incidents a user's statistics count (``stats_compartments``), filtered like the list. For
    counting only: a researcher may not read these rows."""
    scoped = Incident.objects.filter(compartment__in=stats_compartments(user))
    return filter_incidents(scoped, filters or IncidentFilters())


def filter_incidents(qs: QuerySet[Incident], f: IncidentFilters) -> QuerySet[Incident]:
    """The incident list's filters applied to ``qs`` (one definition for the list, the API and the
    dashboards)."""
    if f.compartment:
        qs = qs.filter(compartment__code=f.compartment)
    if f.origin_state:
        qs = qs.filter(origin_state=f.origin_state)
    if f.host_country:
        qs = qs.filter(host_country=f.host_country)
    if f.tactic:
        qs = qs.filter(_act_has(tactics__vocabulary__code="tactic", tactics__code=f.tactic))
    if f.tactic_family:
        qs = qs.filter(_act_has(tactics__vocabulary__code="tactic", tactics__family=f.tactic_family))
    if f.demand:
        qs = qs.filter(_act_has(demands__vocabulary__code="demand", demands__code=f.demand))
    if f.channel:
        qs = qs.filter(_act_has(channels__vocabulary__code="channel", channels__code=f.channel))
    if f.confidence:
        qs = qs.filter(_act_has(origin_confidence=f.confidence))
    if f.community:
        qs = qs.filter(Q(case__community=f.community) | _act_has(targets__community=f.community))
    if f.profile:
        qs = qs.filter(
            _act_has(targets__profiles__vocabulary__code="profile", targets__profiles__code=f.profile)
        )
    if f.status:
        qs = qs.filter(case__state=f.status)
    if f.urgency:
        qs = qs.filter(case__urgency=f.urgency)
    if f.case:
        qs = qs.filter(case__code=f.case)
    if f.date_from:
        qs = qs.filter(date_last__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date_start__lte=f.date_to)
    if f.physical is not None:
        qs = qs.filter(physical_flag() if f.physical else ~physical_flag())
    # The physical flag is annotated on the page's rows only (incident_page): as an
    # annotation here it would be computed for every row the count looks at.
    return qs.order_by("-date_start", "code")


def incident_page(qs: QuerySet[Incident]) -> QuerySet[Incident]:
    """What a list page shows of each incident: the physical flag, tactics, the case code."""
    return (
        Incident.objects.filter(pk__in=[i.pk for i in qs])
        .annotate(physical=physical_flag())
        .select_related("case", "compartment")
        .prefetch_related("acts__tactics")
        .order_by("-date_start", "code")
    )


def cases_for_user(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    f = filters or CaseFilters()
    qs = _scoped(Case, user)
    for name in ("state", "urgency", "origin_state", "host_country", "community"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.compartment:
        qs = qs.filter(compartment__code=f.compartment)
    if f.assigned_to_me:
        qs = qs.filter(assigned=user)
    if f.open_only:
        qs = qs.exclude(state="CLOSED")
    return qs.select_related("compartment", "client").order_by("urgency", "-opened_on", "code")


def people_for_user(*, user: User, compartment: Compartment | None = None) -> QuerySet[Person]:
    qs = _scoped(Person, user)
    return qs.filter(compartment=compartment) if compartment else qs


def organisations_for_user(*, user: User, compartment: Compartment | None = None) -> QuerySet[Organisation]:
    qs = _scoped(Organisation, user)
    return qs.filter(compartment=compartment) if compartment else qs


def sources_for_user(*, user: User, compartment: Compartment | None = None) -> QuerySet[Source]:
    qs = _scoped(Source, user).prefetch_related("citations__incident", "citations__act")
    return qs.filter(compartment=compartment) if compartment else qs


def tasks_overdue(*, user: User, today: dt.date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return (
        _scoped(Task, user)
        .filter(done_at__isnull=True, due_on__lt=today)
        .select_related("case", "assigned_to")
        .order_by("due_on")
    )


def tasks_open(*, user: User) -> QuerySet[Task]:
    return (
        _scoped(Task, user)
        .filter(done_at__isnull=True)
        .select_related("case", "assigned_to")
        .order_by("due_on")
    )


IDENTIFIER_KINDS = {
    "phone": "phone_index",
    "email": "email_index",
    "handle": "handle_index",
    "name": "name_index",
}


def people_by_identifier(*, user: User, kind: str, value: str) -> list[Person]:
    """Exact lookup through the blind indexes of each compartment the user reads.

    The index key differs per compartment, so the value is hashed once per
    compartment; nothing is decrypted to search.
    """
    if kind not in IDENTIFIER_KINDS or not value or len(value) > 300:
        return []
    field = Person._meta.get_field(IDENTIFIER_KINDS[kind])
    assert isinstance(field, BlindIndexField)
    found: list[Person] = []
    for compartment in access.compartments(user, "case.read"):
        try:
            digest = field.index_for(compartment.pk, value)
        except ValueError:
            return []
        found.extend(Person.objects.filter(compartment=compartment, **{field.name: digest}))
    return found


def incidents_involving(*, user: User, people: Iterable[Person]) -> QuerySet[Incident]:
    ids = [p.pk for p in people]
    return (
        _scoped(Incident, user)
        .filter(
            Q(acts__targets__in=ids)
            | Q(acts__perpetrators__person__in=ids)
            | Q(acts__relatives__person__in=ids)
            | Q(case__client__in=ids)
        )
        .distinct()
        .order_by("-date_start", "code")
    )


def sealed_search(qs: QuerySet[R], fields: tuple[str, ...], query: str, limit: int) -> list[R]:
    """Rows of ``qs`` (newest first) whose sealed ``fields`` contain ``query``, case-insensitive.

    Sealed text cannot be searched by the database, so this opens the newest
    ``TEXT_SEARCH_WINDOW`` rows the user may read, in this request, and keeps nothing.
    """
    needle = query.casefold().strip()
    if not needle or len(needle) > 200:
        return []
    hits: list[R] = []
    for row in qs[:TEXT_SEARCH_WINDOW].iterator(chunk_size=500):
        if any(needle in str(getattr(row, f) or "").casefold() for f in fields):
            hits.append(row)
            if len(hits) >= limit:
                break
    return hits


def incidents_text_search(*, user: User, query: str, limit: int = 100) -> list[Incident]:
    """Incidents whose title or narrative contains ``query``."""
    return sealed_search(
        _scoped(Incident, user).order_by("-date_start", "code"), ("title", "narrative"), query, limit
    )


def cases_text_search(*, user: User, query: str, limit: int = 100) -> list[Case]:
    """Cases whose summary contains ``query``."""
    return sealed_search(_scoped(Case, user).order_by("-opened_on", "code"), ("summary",), query, limit)


def sources_text_search(*, user: User, query: str, limit: int = 100) -> list[Source]:
    """Sources whose title, reference or notes contain ``query``."""
    return sealed_search(
        _scoped(Source, user).order_by("-created_at", "code"), ("title", "reference", "notes"), query, limit
    )


@dataclass
class TimelineEntry:
    when: dt.date
    kind: str
    record: Any


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """Incidents, sources, referrals and tasks of a case in date order."""
    entries: list[TimelineEntry] = []
    incidents = prefetch_incidents(case.incidents.all())
    for i in incidents:
        entries.append(TimelineEntry(i.date_start, "incident", i))
    for s in Source.objects.filter(citations__incident__case=case).distinct():
        entries.append(TimelineEntry(s.date_start or s.created_at.date(), "source", s))
    # Consents given on one day, and referrals planned on one day, are one line each: a report that
    # ticked every box would otherwise flood the timeline with one line per box.
    planned: dict[dt.date, list[Referral]] = {}
    for r in case.referrals.all():
        if r.status == Referral.Status.PLANNED:
            planned.setdefault(r.created_at.date(), []).append(r)
        else:
            entries.append(TimelineEntry(r.made_on or r.created_at.date(), "referral", r))
    entries += [TimelineEntry(day, "planned_referrals", group) for day, group in planned.items()]
    for t in case.tasks.select_related("assigned_to"):
        entries.append(TimelineEntry(t.due_on, "task", t))
    given: dict[dt.date, list[Consent]] = {}
    for c in case.consents.all():
        given.setdefault(c.given_on, []).append(c)
    entries += [TimelineEntry(day, "consents", group) for day, group in given.items()]
    return sorted(entries, key=lambda e: (e.when, e.kind))


def versions_for_user(*, user: User, kind: str, record: Any) -> QuerySet[Version]:
    """A record's versions, newest first, for leads of its compartment."""
    if not access.may(user, "history.view", record.compartment_id):
        raise Http404("not found")
    return Version.objects.filter(object_type=kind, object_id=record.pk).select_related("changed_by")


def compare_versions(older: dict[str, Any], newer: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field that differs."""
    return [(k, older.get(k), newer.get(k)) for k in newer if older.get(k) != newer.get(k)]


FAMILIES = ("DIRECT_ATTACK", "CO_OPTING", "MOBILITY", "THREAT_AT_DISTANCE")


def stats_compartments(user: User) -> QuerySet[Compartment]:
    """Whose incidents a user's statistics count: the organisation's for researchers
    and administrators (they publish its numbers), otherwise the user's own compartments."""
    if not allowed(user, "stats.view"):
        return Compartment.objects.none()
    if user.role in ("researcher", "administrator"):
        return Compartment.objects.all()
    return access.compartments(user, "case.read")


def incident_counts(*, user: User, year: int | None = None) -> dict[tuple[str, str], dict[str, int]]:
    """Incidents per (origin state, host country): all, physical, and per tactic family.

    Coded columns only: nothing sealed is read, so no keys are needed.
    """
    qs = Incident.objects.filter(compartment__in=stats_compartments(user))
    if year is not None:
        qs = qs.filter(date_start__year=year)
    qs = qs.annotate(
        physical=physical_flag(),
        **{
            f"f_{family}": _act_has(tactics__vocabulary__code="tactic", tactics__family=family)
            for family in FAMILIES
        },
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    fields = ["origin_state", "host_country", "physical", *(f"f_{f}" for f in FAMILIES)]
    for row in qs.values_list(*fields).iterator(chunk_size=5000):
        cell = counts.setdefault((row[0], row[1]), dict.fromkeys(["incidents", "physical", *FAMILIES], 0))
        cell["incidents"] += 1
        cell["physical"] += int(bool(row[2]))
        for family, flag in zip(FAMILIES, row[3:], strict=True):
            cell[family] += int(bool(flag))
    return counts


def likely_same_people(*, user: User, person: Person) -> name_tokens.LikelySame:
    """Records that may be ``person`` under another name, spelling, script or contact (for a person the
    user may read: ``person_for_user``)."""
    return name_tokens.likely_same_people(user=user, person=person)


def incident_likely_duplicates(
    *, user: User, incident: Incident
) -> list[tuple[Person, name_tokens.LikelySame]]:
    """The people of an incident (targets, relatives, perpetrators) that may already be in the records
    under another record, each with what may be them (for an incident the user may read)."""
    people: dict[Any, Person] = {}
    for act in incident.acts.prefetch_related("targets", "relatives__person", "perpetrators__person"):
        for person in act.targets.all():
            people[person.pk] = person
        for relative in act.relatives.all():
            people[relative.person.pk] = relative.person
        for perpetrator in act.perpetrators.all():
            if perpetrator.person is not None:
                people[perpetrator.person.pk] = perpetrator.person
    found = []
    for person in sorted(people.values(), key=lambda p: p.code):
        likely = name_tokens.likely_same_people(user=user, person=person, limit=5)
        if likely.readable or likely.elsewhere:
            found.append((person, likely))
    return found


@dataclass(frozen=True)
class PairJudged:
    """The latest word on ``person`` and ``other`` being one person, and every word before it."""

    other: Person
    latest: SameJudgement
    history: tuple[SameJudgement, ...]


def same_judgements(*, user: User, person: Person) -> list[PairJudged]:
    """The pairs with ``person`` that someone judged, where the user may read the other record too."""
    readable = set(access.compartments(user, "case.read").values_list("id", flat=True))
    pairs: dict[Any, list[SameJudgement]] = {}
    for judgement in (
        SameJudgement.objects.filter(Q(first=person) | Q(second=person))
        .select_related("first", "second", "by")
        .order_by("at")
    ):
        other = judgement.second if judgement.first_id == person.pk else judgement.first
        if other.compartment_id in readable:
            pairs.setdefault(other.pk, []).append(judgement)
    return [
        PairJudged(
            found[-1].second if found[-1].first_id == person.pk else found[-1].first, found[-1], tuple(found)
        )
        for found in sorted(pairs.values(), key=lambda f: f[-1].at, reverse=True)
    ]


def same_person(*, user: User, person: Person) -> list[Person]:
    """Every record the user may read that is, by the latest judgements, ``person`` (following "the same"
    from record to record: if A is B and B is C, A is C), ``person`` first."""
    readable = set(access.compartments(user, "case.read").values_list("id", flat=True))
    latest: dict[tuple[Any, Any], str] = {}
    seen = {person.pk}
    frontier = [person.pk]
    while frontier:
        judged = SameJudgement.objects.filter(Q(first_id__in=frontier) | Q(second_id__in=frontier)).order_by(
            "at"
        )
        for first_id, second_id, decision in judged.values_list("first_id", "second_id", "decision"):
            latest[(first_id, second_id)] = decision
        frontier = []
        for (first_id, second_id), decision in latest.items():
            if decision != SameJudgement.Decision.SAME:
                continue
            for a, b in ((first_id, second_id), (second_id, first_id)):
                if a in seen and b not in seen:
                    seen.add(b)
                    frontier.append(b)
    others = Person.objects.filter(pk__in=seen - {person.pk}, compartment_id__in=readable).order_by("code")
    return [person, *others]


def latest_judgements(*, codes: set[str]) -> dict[tuple[str, str], str]:
    """The latest judgement of each judged pair among the people with these codes, by sorted codes."""
    latest: dict[tuple[str, str], str] = {}
    for first, second, decision in (
        SameJudgement.objects.filter(first__code__in=codes, second__code__in=codes)
        .order_by("at")
        .values_list("first__code", "second__code", "decision")
    ):
        latest[(min(first, second), max(first, second))] = decision
    return latest


def tasks_overdue_for(*, user: User) -> QuerySet[Task]:
    """Overdue tasks that are the user's: given to them, or unassigned in a case assigned to them."""
    return (
        tasks_overdue(user=user)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True, case__assigned=user))
        .distinct()
    )


def comments_on(target: Case | Incident) -> QuerySet[Comment]:
    """The comments on a case or an incident, oldest first (the caller may read the record)."""
    field = "case" if isinstance(target, Case) else "incident"
    return (
        Comment.objects.filter(**{field: target})
        .select_related("author")
        .prefetch_related("mentions", "seen_by")
    )


def mentions_unseen(*, user: User) -> QuerySet[Comment]:
    """Comments that mention the user, in compartments they may still read, not yet marked seen."""
    return (
        _scoped(Comment, user)
        .filter(mentions=user)
        .exclude(seen_by=user)
        .select_related("author", "case", "incident")
        .order_by("-created_at")
    )


def case_activity(*, case: Case, limit: int = 50) -> list[Any]:
    """What was done on the case lately, newest first: changes to it, its incidents, tasks,
    referrals, consents, evidence and comments, as the audit trail recorded them (codes only)."""
    codes = [case.code]
    codes += list(case.incidents.values_list("code", flat=True))
    codes += list(case.tasks.values_list("code", flat=True))
    codes += list(case.referrals.values_list("code", flat=True))
    codes += list(case.consents.values_list("code", flat=True))
    codes += list(
        Comment.objects.filter(Q(case=case) | Q(incident__case=case)).values_list("code", flat=True)
    )
    return list(audit_selectors.activity_about(codes, limit))
