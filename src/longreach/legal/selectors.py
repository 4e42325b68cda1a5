"""Reads of legal matters and their deadlines, scoped through ``accounts.access``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from longreach.accounts import access, approvals
from longreach.accounts import selectors as account_selectors
from longreach.accounts.models import PendingAction, User
from longreach.geo import countries
from longreach.legal import deadlines, documents, review
from longreach.legal.models import LegalMatter, Proceeding, ProceedingEvent, ReviewAnswer
from longreach.registry import selectors as registry_selectors
from longreach.registry.models import Case, Consent, Incident
from longreach.vault import selectors as vault_selectors
from longreach.vault.models import EvidenceItem
from longreach.vocab import selectors as vocab_selectors


def rules() -> dict[str, deadlines.Rule]:
    """The project's deadline rules and the organisation's own (``LONGREACH_LEGAL_RULES``)."""
    return deadlines.load(tuple(settings.LEGAL_RULES))


def matters_for_user(user: User) -> QuerySet[LegalMatter]:
    return LegalMatter.objects.filter(compartment__in=access.compartments(user, "case.read")).select_related(
        "case"
    )


def matter_for_user(*, user: User, code: str) -> LegalMatter:
    return access.record_for_user(
        LegalMatter.objects.select_related("case", "compartment", "created_by"),
        user=user,
        code=code,
        action="case.read",
        kind="legal-matter",
    )


def proceeding_for_user(*, user: User, code: str) -> Proceeding:
    return access.record_for_user(
        Proceeding.objects.select_related("matter__case", "compartment"),
        user=user,
        code=code,
        action="case.read",
        kind="proceeding",
    )


@dataclass(frozen=True)
class Dated:
    """A deadline with where it belongs."""

    due: deadlines.Due
    proceeding: Proceeding
    state: str  # met, overdue, soon, later

    @property
    def matter(self) -> LegalMatter:
        return self.proceeding.matter


def proceeding_deadlines(
    proceedings: list[Proceeding], today: dt.date | None = None, *, titles: bool = True
) -> list[Dated]:
    """Every deadline of these proceedings: computed from their rules and events, and typed in.

    ``titles=False`` leaves the typed-in ones untitled, so no sealed field is opened (the inbox's
    count runs in the background, with nobody's keys)."""
    day = today or timezone.localdate()
    known = rules()
    events: dict[Any, list[tuple[str, dt.date]]] = defaultdict(list)
    for proceeding_id, what, on in ProceedingEvent.objects.filter(proceeding__in=proceedings).values_list(
        "proceeding_id", "what", "on"
    ):
        events[proceeding_id].append((what, on))
    found = []
    for proceeding in proceedings:
        for due in deadlines.schedule(proceeding.rule_list, events[proceeding.pk], known):
            found.append(Dated(due, proceeding, due.state(day)))
        for typed in proceeding.typed_deadlines.all():
            due = deadlines.Due(typed.what if titles else "", typed.due, met_on=typed.met_on)
            found.append(Dated(due, proceeding, due.state(day)))
    return sorted(found, key=lambda d: (d.due.due, d.proceeding.code))


def matter_view(*, matter: LegalMatter) -> dict[str, Any]:
    proceedings = list(matter.proceedings.prefetch_related("events", "typed_deadlines"))
    return {
        "proceedings": proceedings,
        "deadlines": proceeding_deadlines(proceedings),
    }


def case_section(*, user: User, case: Case) -> dict[str, Any]:
    """The case page's legal section: its matters and their open deadlines."""
    matters = list(LegalMatter.objects.filter(case=case))
    proceedings = list(
        Proceeding.objects.filter(matter__in=matters)
        .select_related("matter")
        .prefetch_related("typed_deadlines")
    )
    open_ = [d for d in proceeding_deadlines(proceedings) if d.state != "met"]
    return {
        "matters": matters,
        "deadlines": open_,
        "writable": access.may(user, "case.write", case.compartment_id),
    }


def deadlines_for_user(user: User, *, assigned_only: bool = True, titles: bool = True) -> list[Dated]:
    """Open deadlines (overdue first) of the cases the user works: those assigned to them, or all they
    may read."""
    cases = Case.objects.filter(compartment__in=access.compartments(user, "case.read"))
    if assigned_only:
        cases = cases.filter(assigned=user)
    proceedings = list(
        Proceeding.objects.filter(matter__case__in=cases)
        .select_related("matter__case")
        .prefetch_related("typed_deadlines")
    )
    return [d for d in proceeding_deadlines(proceedings, titles=titles) if d.state != "met"]


@dataclass(frozen=True)
class ReviewView:
    findings: list[review.Finding]
    answers: dict[str, ReviewAnswer]  # latest per question
    history: dict[str, list[ReviewAnswer]]
    relatives_incidents: int  # incidents of the case in which relatives were used as leverage
    same_state_matters: int  # other matters from the same requesting state the user may read
    possibly_same_people: int  # records that may be the case's client under another record (readable)


def review_view(*, user: User, matter: LegalMatter) -> ReviewView:
    """The review of a matter: each ground met or not by the latest answers, and what the records say
    beside them (patterns a reviewer weighs)."""
    history: dict[str, list[ReviewAnswer]] = defaultdict(list)
    for answer in ReviewAnswer.objects.filter(matter=matter).select_related("by").order_by("at"):
        history[answer.question].append(answer)
    latest = {q: items[-1] for q, items in history.items()}
    findings = review.evaluate(matter.kind, {q: a.answer for q, a in latest.items()})
    relatives = Incident.objects.filter(case=matter.case, acts__relatives__isnull=False).distinct().count()
    same_state = (
        matters_for_user(user).filter(requesting_state=matter.requesting_state).exclude(pk=matter.pk).count()
    )
    client = matter.case.client
    possibly_same = 0
    if client is not None:
        likely = registry_selectors.likely_same_people(user=user, person=client)
        possibly_same = len(likely.readable) + likely.elsewhere
    return ReviewView(findings, latest, dict(history), relatives, same_state, possibly_same)


STAT_KINDS = [k.value for k in LegalMatter.Kind]
STAT_OUTCOMES = [s.value for s in LegalMatter.Status]


def matter_counts(user: User) -> dict[tuple[str, str], dict[str, int]]:
    """Legal matters per requesting state and host country: all of them, by kind and by status, over the
    compartments whose statistics the user may see."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    matters = LegalMatter.objects.filter(compartment__in=registry_selectors.stats_compartments(user))
    for state, host, kind, status in matters.values_list(
        "requesting_state", "host_country", "kind", "status"
    ):
        cell = counts.setdefault(
            (state, host or "--"), dict.fromkeys(["matters", *STAT_KINDS, *STAT_OUTCOMES], 0)
        )
        cell["matters"] += 1
        cell[kind] += 1
        cell[status] += 1
    return counts


def _facts(matter: LegalMatter, language: str) -> list[documents.Fact]:
    incidents = matter.incidents.prefetch_related("acts__tactics").order_by("date_start", "code")
    facts = []
    for incident in incidents:
        tactics = sorted(
            {t.display(language) for act in incident.acts.all() for t in act.tactics.all()}, key=str.casefold
        )
        facts.append(
            documents.Fact(
                incident.code, str(incident.date), incident.title, incident.narrative, tuple(tactics)
            )
        )
    return facts


def _exhibits(user: User, matter: LegalMatter) -> tuple[list[documents.Exhibit], int]:
    items = list(
        vault_selectors.items_for_user(user)
        .filter(pk__in=matter.evidence.values("pk"), status=EvidenceItem.Status.ACTIVE)
        .order_by("acquired_at", "code")
    )
    left_out = max(0, len(items) - documents.MAX_EXHIBITS)
    items = items[: documents.MAX_EXHIBITS]
    custody = vault_selectors.custody_of_items(items)
    targets = vault_selectors.link_targets(items)
    names = account_selectors.user_names()
    exhibits = []
    for number, item in enumerate(items, start=1):
        steps = tuple(
            documents.CustodyStep(
                e.occurred_at, e.event, str(e.event_label), names.get(e.actor, e.actor), e.index
            )
            for e in custody[item.code]
        )
        exhibits.append(
            documents.Exhibit(
                number,
                item.code,
                item.sha256,
                item.size,
                item.sniffed_type,
                item.acquired_at,
                str(item.get_how_display()),
                steps,
                tuple(targets[item.code]),
            )
        )
    return exhibits, left_out


def _grounds(view: ReviewView) -> list[documents.GroundLine]:
    lines = []
    for finding in view.findings:
        supporting = tuple(
            documents.Supported(q, view.answers[q.id].evidence if q.id in view.answers else "")
            for q in finding.supporting
        )
        lines.append(documents.GroundLine(finding.ground, finding.met, supporting, len(finding.open)))
    return lines


def dossier(*, user: User, matter: LegalMatter, language: str, client_name: str = "") -> documents.Dossier:
    """What a document is drafted from, within what ``user`` may read. ``client_name`` is the client's
    name when the user chose (and was allowed) to name them; the case's pseudonym stands in otherwise."""
    case = matter.case
    place = countries.names(language)
    view = review_view(user=user, matter=matter)
    proceedings = list(matter.proceedings.prefetch_related("events", "typed_deadlines"))
    exhibits, left_out = _exhibits(user, matter)
    french = language == "fr"
    with translation.override(language):
        found = documents.Dossier(
            matter_code=matter.code,
            case_code=case.code,
            kind=matter.kind,
            kind_label=documents.FRENCH_KINDS[matter.kind] if french else str(matter.get_kind_display()),
            requesting_state=place.get(matter.requesting_state, matter.requesting_state),
            host_country=place.get(matter.host_country, "") if matter.host_country else "",
            charges=matter.charges,
            charge_category=matter.charge_category,
            charge_label=documents.FRENCH_CHARGES[matter.charge_category]
            if french
            else str(matter.get_charge_category_display()),
            penalty=matter.penalty,
            issued_on=matter.issued_on,
            learned_on=matter.learned_on,
            arrested_on=matter.arrested_on,
            interpol_ref=matter.interpol_ref,
            status_label=str(matter.get_status_display()),
            notes=matter.notes,
            client=client_name or case.code,
            client_named=bool(client_name),
            made_on=timezone.localdate(),
            made_by=user.username,
            facts=_facts(matter, language),
            exhibits=exhibits,
            exhibits_left_out=left_out,
            grounds=_grounds(view),
            proceedings=[
                documents.ProceedingLine(
                    p.code,
                    str(p.get_kind_display()),
                    p.forum,
                    p.interim_measures,
                    tuple((e.on, str(e.get_what_display()), e.note) for e in p.events.all()),
                )
                for p in proceedings
            ],
            deadlines=[
                documents.DeadlineLine(
                    d.due.due,
                    d.state,
                    d.due.title
                    if d.due.typed or d.due.rule is None
                    else f"{d.due.rule.title} ({d.due.rule.period})",
                    str(_("typed in by a user; no sourced rule"))
                    if d.due.typed or d.due.rule is None
                    else d.due.rule.source,
                    d.proceeding.code,
                )
                for d in proceeding_deadlines(proceedings)
            ],
            patterns={
                "relatives_incidents": view.relatives_incidents,
                "same_state_matters": view.same_state_matters,
                "possibly_same_people": view.possibly_same_people,
            },
            case={
                "state": _term(language, "case_state", case.state),
                "urgency": _term(language, "urgency", case.urgency),
                "opened_on": case.opened_on,
                "closed_on": case.closed_on,
                "summary": case.summary,
                "origin_state": place.get(case.origin_state, case.origin_state) if case.origin_state else "",
                "host_country": place.get(case.host_country, case.host_country) if case.host_country else "",
            },
            other_matters=[
                {
                    "code": m.code,
                    "kind": str(m.get_kind_display()),
                    "state": place.get(m.requesting_state, m.requesting_state),
                    "status": str(m.get_status_display()),
                }
                for m in LegalMatter.objects.filter(case=case).exclude(pk=matter.pk).order_by("created_at")
            ],
        )
    return found


def _term(language: str, vocabulary: str, code: str) -> str:
    if not code:
        return ""
    try:
        return vocab_selectors.term(vocabulary=vocabulary, code=code).display(language)
    except Http404:
        return code


def referral_consents(matter: LegalMatter) -> QuerySet[Consent]:
    """The case's consents a referral can rest on, in force or not (the form says which)."""
    return Consent.objects.filter(
        case=matter.case, purpose__in=["REFERRAL", "SHARE_WITH_HOST_AUTHORITIES"]
    ).order_by("-given_on")


def referral_approvals(*, user: User, matter: LegalMatter) -> list[PendingAction]:
    """This user's requests to release a packet of this matter that names the client, newest first."""
    return [
        a
        for a in PendingAction.objects.filter(
            kind=approvals.LEGAL_REFERRAL, requested_by=user, compartment_id=matter.compartment_id
        ).order_by("-requested_at")[:20]
        if a.params.get("matter") == matter.code
    ]


def matters_by_dyad(user: User, *, before: dt.date) -> dict[tuple[str, str], int]:
    """Legal matters per requesting state and host country known before ``before`` (dated by when the
    measure was issued, else when it was learned of), over the compartments whose statistics the user
    may see: counts only, for the dyad watch."""
    counts: dict[tuple[str, str], int] = {}
    matters = LegalMatter.objects.filter(compartment__in=registry_selectors.stats_compartments(user))
    for state, host, issued, learned in matters.exclude(host_country="").values_list(
        "requesting_state", "host_country", "issued_on", "learned_on"
    ):
        day = issued or learned
        if day is not None and day < before:
            counts[(state, host)] = counts.get((state, host), 0) + 1
    return counts
