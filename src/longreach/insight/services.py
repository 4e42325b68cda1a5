"""Watching for surges, and the researcher's saved queries.

Watching for surges: weekly counts of incidents per origin state × host country × tactic family
(and all families together) over the whole organisation, each judged by ``surges.detect``; a new
alarm is stored once and told to the leads of the compartments whose incidents made it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts.errors import NotAllowed
from longreach.accounts.models import Compartment, User
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.insight import queries, surges
from longreach.insight.models import SavedQuery, SurgeAlert
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.filters import incident_filters
from longreach.registry.models import Act, Incident

Dyad = tuple[str, str, str]  # origin, host, tactic family ("" for every family)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Watched:
    series: int  # dyads watched
    weeks: int
    alarms: int  # in the weeks looked at
    new: list[SurgeAlert]


def weekly_counts(
    since: dt.date, until: dt.date
) -> tuple[dict[Dyad, dict[dt.date, int]], dict[tuple[Dyad, dt.date], set[uuid.UUID]]]:
    """Incidents dated to the day (a month or a year cannot be placed in a week) per dyad and week, and
    the compartments each count came from."""
    counts: dict[Dyad, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    where: dict[tuple[Dyad, dt.date], set[uuid.UUID]] = defaultdict(set)
    incidents = Incident.objects.filter(date_precision="day", date_start__gte=since, date_start__lte=until)
    families: dict[object, set[str]] = defaultdict(set)
    for incident_id, family in Act.objects.filter(
        incident__in=incidents.values("pk"), tactics__vocabulary__code="tactic"
    ).values_list("incident_id", "tactics__family"):
        families[incident_id].add(family)
    for pk, origin, host, day, compartment in incidents.values_list(
        "pk", "origin_state", "host_country", "date_start", "compartment_id"
    ):
        week = monday(day)
        for family in {"", *families[pk]}:
            dyad = (origin, host, family)
            counts[dyad][week] += 1
            where[(dyad, week)].add(compartment)
    return counts, where


@transaction.atomic
def watch(*, weeks: int = 156, today: dt.date | None = None, recent: int = 4) -> Watched:
    """Judge every dyad's last ``weeks`` weeks; store the alarms of the last ``recent`` weeks that are
    not stored yet (older ones are history, not news)."""
    today = today or timezone.localdate()
    last = monday(today)
    first = last - dt.timedelta(weeks=weeks - 1)
    counts, where = weekly_counts(first, last + dt.timedelta(days=6))
    calendar = [first + dt.timedelta(weeks=k) for k in range(weeks)]
    new: list[SurgeAlert] = []
    alarms = 0
    for dyad, by_week in counts.items():
        series = [by_week.get(week, 0) for week in calendar]
        for alarm in surges.detect(series):
            alarms += 1
            week = calendar[alarm.week]
            if week < last - dt.timedelta(weeks=recent - 1):
                continue
            alert, created = SurgeAlert.objects.get_or_create(
                origin_state=dyad[0],
                host_country=dyad[1],
                tactic_family=dyad[2],
                week=week,
                defaults={
                    "observed": alarm.observed,
                    "expected": alarm.expected,
                    "chance": alarm.chance,
                    "created_at": timezone.now(),
                },
            )
            if created:
                alert.compartments.set(Compartment.objects.filter(pk__in=where[(dyad, week)]))
                new.append(alert)
                audit_record(
                    Event.SURGE_DETECTED,
                    actor="system",
                    object_type="surge",
                    object_code=alert.code,
                    detail={"observed": alarm.observed, "compartments": len(where[(dyad, week)])},
                )
    return Watched(len(counts), weeks, alarms, new)


MAX_SAVED = 100  # queries per user


def check_query(*, page: str, query: str) -> str:
    """The query string normalised for ``page``; RecordInvalid names what is wrong in it."""
    if len(query) > queries.MAX_QUERY:
        raise RecordInvalid([FieldError("query", _("is too long"))])
    try:
        pairs = parse_qsl(query, keep_blank_values=False, strict_parsing=bool(query), max_num_fields=40)
    except ValueError as exc:
        raise RecordInvalid([FieldError("query", _("is not a query string"))]) from exc
    params = queries.Plain(pairs)
    if page == SavedQuery.Page.DATASET:
        return queries.dataset_query(params).query_string()
    if page == SavedQuery.Page.STATISTICS:
        return queries.statistics_query(params, floor=int(settings.STATISTICS_MIN_CELL)).query_string()
    if page == SavedQuery.Page.DASHBOARD:
        incident_filters(dict(pairs), strict=True)
        return urlencode(pairs)
    raise RecordInvalid([FieldError("page", _("is not a page of the workspace"))])


@transaction.atomic
def query_save(*, user: User, page: str, name: str, query: str) -> SavedQuery:
    """Keep a view under a name (the same name on the same page is replaced)."""
    if not allowed(user, "stats.view"):
        raise NotAllowed(_("your role cannot see statistics"))
    name = " ".join(name.split())
    errors = []
    if not name:
        errors.append(FieldError("name", _("give the query a name")))
    elif len(name) > 80 or not name.isprintable():
        errors.append(FieldError("name", _("at most 80 printable characters")))
    if errors:
        raise RecordInvalid(errors)
    normalised = check_query(page=page, query=query)
    existing = SavedQuery.objects.filter(user=user, page=page, name=name).first()
    if existing:
        existing.query = normalised
        existing.save(update_fields=["query"])
        return existing
    if SavedQuery.objects.filter(user=user).count() >= MAX_SAVED:
        raise RecordInvalid(
            [
                FieldError(
                    "name",
                    _("you have %(n)d saved queries, the most kept; delete one first") % {"n": MAX_SAVED},
                )
            ]
        )
    try:
        with transaction.atomic():
            return SavedQuery.objects.create(
                user=user, page=page, name=name, query=normalised, created_at=timezone.now()
            )
    except IntegrityError as exc:  # the same name saved at the same moment elsewhere
        raise RecordInvalid([FieldError("name", _("is already saved on this page"))]) from exc


def query_delete(*, user: User, code: str) -> None:
    """Delete one of the user's own saved queries; another's is not found."""
    deleted, _n = SavedQuery.objects.filter(user=user, code=code).delete()
    if not deleted:
        raise SavedQuery.DoesNotExist(code)
