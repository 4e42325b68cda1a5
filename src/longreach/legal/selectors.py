"""Reads of legal matters and their deadlines, scoped through ``accounts.access``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from longreach.accounts import access
from longreach.accounts.models import User
from longreach.legal import deadlines, review
from longreach.legal.models import LegalMatter, Proceeding, ProceedingEvent, ReviewAnswer
from longreach.registry import selectors as registry_selectors
from longreach.registry.models import Case, Incident


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


def proceeding_deadlines(proceedings: list[Proceeding], today: dt.date | None = None) -> list[Dated]:
    """Every deadline of these proceedings: computed from their rules and events, and typed in."""
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
            due = deadlines.Due(typed.what, typed.due, met_on=typed.met_on)
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


def deadlines_for_user(user: User, *, assigned_only: bool = True) -> list[Dated]:
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
    return [d for d in proceeding_deadlines(proceedings) if d.state != "met"]


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
