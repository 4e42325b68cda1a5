"""Watching for surges, and the researcher's saved queries.

Watching for surges: weekly counts over the whole organisation (``weekly_counts``: incidents by
origin × host × tactic family, new reports by compartment and urgency, each campaign's messages), each
judged by ``surges.detect``; a new alarm is stored once and told to the leads of the compartments whose
records made it (counts only: a lead learns nothing of the other compartments' records)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
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
from longreach.core.seen import mark_seen
from longreach.insight import queries, selectors, surges
from longreach.insight.models import Publication, SavedQuery, SurgeAlert
from longreach.insight.publication import PublicationError
from longreach.intake import selectors as intake_selectors
from longreach.messages import selectors as message_selectors
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.filters import incident_filters
from longreach.registry.models import Act, Incident


@dataclass(frozen=True)
class Series:
    """What one weekly count is of: the fields of ``SurgeAlert`` that name it."""

    stream: str
    origin_state: str = ""
    host_country: str = ""
    tactic_family: str = ""  # incidents: "" for every family together
    urgency: str = ""  # reports: "" for every urgency together
    campaign_code: str = ""
    compartment: uuid.UUID | None = None  # reports: the compartment whose line they reached


Counts = dict[Series, dict[dt.date, int]]
Sources = dict[tuple[Series, dt.date], set[uuid.UUID]]  # the compartments each count came from


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Watched:
    series: int  # watched
    weeks: int
    alarms: int  # in the weeks looked at
    new: list[SurgeAlert]


def _count(counts: Counts, where: Sources, series: Series, day: dt.date, compartment: uuid.UUID) -> None:
    week = monday(day)
    counts[series][week] += 1
    where[(series, week)].add(compartment)


def weekly_counts(since: dt.date, until: dt.date) -> tuple[Counts, Sources]:
    """Every watched series' count per week from ``since`` to ``until`` (inclusive):

    - incidents dated to the day (a month or a year cannot be placed in a week) per origin state ×
      host country × tactic family, and per origin × host for every family together;
    - new reports per compartment they were routed to, all together and per suggested urgency (the
      rest of a report is sealed, so it cannot be counted by more);
    - each campaign's messages by the day they were sent (a new script sent to many people at once).
    """
    counts: Counts = defaultdict(lambda: defaultdict(int))
    where: Sources = defaultdict(set)
    incidents = Incident.objects.filter(date_precision="day", date_start__gte=since, date_start__lte=until)
    families: dict[object, set[str]] = defaultdict(set)
    for incident_id, family in Act.objects.filter(
        incident__in=incidents.values("pk"), tactics__vocabulary__code="tactic"
    ).values_list("incident_id", "tactics__family"):
        families[incident_id].add(family)
    for pk, origin, host, day, compartment in incidents.values_list(
        "pk", "origin_state", "host_country", "date_start", "compartment_id"
    ):
        for family in {"", *families[pk]}:
            _count(counts, where, Series(SurgeAlert.Stream.INCIDENTS, origin, host, family), day, compartment)
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    for compartment, urgency, received in intake_selectors.arrivals(start, end):
        day = received.astimezone(dt.UTC).date()
        for level in {"", urgency}:
            series = Series(SurgeAlert.Stream.REPORTS, urgency=level, compartment=compartment)
            _count(counts, where, series, day, compartment)
    for campaign, compartment, sent in message_selectors.campaign_arrivals(start, end):
        day = sent.astimezone(dt.UTC).date()
        _count(counts, where, Series(SurgeAlert.Stream.CAMPAIGN, campaign_code=campaign), day, compartment)
    return counts, where


@transaction.atomic
def watch(*, weeks: int = 156, today: dt.date | None = None, recent: int = 4) -> Watched:
    """Judge every series' last ``weeks`` weeks; store the alarms of the last ``recent`` weeks that are
    not stored yet (older ones are history, not news)."""
    today = today or timezone.localdate()
    last = monday(today)
    first = last - dt.timedelta(weeks=weeks - 1)
    counts, where = weekly_counts(first, last + dt.timedelta(days=6))
    calendar = [first + dt.timedelta(weeks=k) for k in range(weeks)]
    new: list[SurgeAlert] = []
    alarms = 0
    for series, by_week in counts.items():
        for alarm in surges.detect([by_week.get(week, 0) for week in calendar]):
            alarms += 1
            week = calendar[alarm.week]
            if week < last - dt.timedelta(weeks=recent - 1):
                continue
            named: dict[str, Any] = {
                "stream": series.stream,
                "origin_state": series.origin_state,
                "host_country": series.host_country,
                "tactic_family": series.tactic_family,
                "urgency": series.urgency,
                "campaign_code": series.campaign_code,
                "compartment_id": series.compartment,
            }
            alert, created = SurgeAlert.objects.get_or_create(
                **named,
                week=week,
                defaults={
                    "observed": alarm.observed,
                    "expected": alarm.expected,
                    "chance": alarm.chance,
                    "created_at": timezone.now(),
                },
            )
            if created:
                sources = where[(series, week)]
                alert.compartments.set(Compartment.objects.filter(pk__in=sources))
                new.append(alert)
                audit_record(
                    Event.SURGE_DETECTED,
                    actor="system",
                    object_type="surge",
                    object_code=alert.code,
                    detail={
                        "stream": series.stream,
                        "observed": alarm.observed,
                        "compartments": len(sources),
                    },
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


# Publications -------------------------------------------------------------------------------


def dataset_given(*, user: User, fmt: str, rows: int, k: int, filters: int) -> None:
    """Audit the de-identified dataset leaving as a file: format, rows, threshold, filters used."""
    audit_record(
        Event.STATISTICS_DOWNLOADED,
        actor=user,
        object_type="dataset",
        object_code=fmt,
        detail={"format": fmt, "rows": rows, "k": k, "filters": filters},
    )


def statistics_given(*, user: User, asked: queries.StatisticsQuery, rows: int, fmt: str) -> None:
    """Audit a statistics table leaving, by the API or as a file: grouping, threshold, rows."""
    audit_record(
        Event.STATISTICS_DOWNLOADED,
        actor=user,
        object_type="statistics",
        object_code=":".join(asked.group_by),
        detail={"format": fmt, "k": asked.threshold, "rows": rows},
    )


@dataclass(frozen=True)
class PublicationInput:
    title: str
    note: str
    group_by: tuple[str, ...]
    method: str
    threshold: int
    epsilon: float | None = None
    year_from: int | None = None
    year_to: int | None = None


def _checked(data: PublicationInput) -> list[FieldError]:
    errors = []
    if not data.title.strip() or len(data.title) > 200:
        errors.append(FieldError("title", _("give the table a title of at most 200 characters")))
    if not data.note.strip() or len(data.note) > 4000:
        errors.append(
            FieldError(
                "note", _("say how the numbers were gathered and what they cover (at most 4,000 characters)")
            )
        )
    if (
        not data.group_by
        or any(g not in queries.GROUPS for g in data.group_by)
        or len(set(data.group_by)) != len(data.group_by)
    ):
        errors.append(FieldError("group_by", _("choose what to count by")))
    if data.method not in Publication.Method.values:
        errors.append(FieldError("method", _("choose suppression or differential privacy")))
    if data.threshold < int(settings.STATISTICS_MIN_CELL) or data.threshold > 1_000_000:
        errors.append(
            FieldError(
                "threshold",
                _("at least %(k)d, the organisation's smallest published count")
                % {"k": settings.STATISTICS_MIN_CELL},
            )
        )
    if data.method == Publication.Method.DIFFERENTIAL_PRIVACY:
        left = settings.PUBLIC_EPSILON_BUDGET - selectors.epsilon_spent()
        if data.epsilon is None or not 0 < data.epsilon <= 10:
            errors.append(FieldError("epsilon", _("a number above 0 and at most 10")))
        elif data.epsilon > left + 1e-9:
            errors.append(
                FieldError(
                    "epsilon", _("only %(left).2f of the privacy budget is left") % {"left": max(left, 0)}
                )
            )
        if "year" in data.group_by and (
            data.year_from is None or data.year_to is None or not 0 <= data.year_to - data.year_from <= 50
        ):
            errors.append(FieldError("year_from", _("give the span of years to count (at most 50)")))
    return errors


@transaction.atomic
def publication_create(*, user: User, data: PublicationInput) -> Publication:
    """Freeze a table for the public page: suppressed as the statistics are, or with OpenDP's noise
    over a fixed domain (spending ``epsilon`` of the organisation's budget). Counts what the publisher's
    statistics count."""
    if not allowed(user, "stats.publish"):
        raise NotAllowed(_("only a lead or an administrator publishes statistics"))
    if not settings.PUBLIC_STATISTICS:
        raise NotAllowed(_("the public statistics page is turned off (LONGREACH_PUBLIC_STATISTICS)"))
    # One publication at a time: two at once could both fit a budget only one of them fits.
    list(Publication.objects.select_for_update().values_list("pk", flat=True))
    errors = _checked(data)
    if errors:
        raise RecordInvalid(errors)
    extra: dict[str, object] = {}
    if data.method == Publication.Method.SUPPRESSION:
        rows = selectors.statistics(user=user, group_by=data.group_by, threshold=data.threshold).rows
    else:
        try:
            table = selectors.noisy_statistics(
                user=user,
                group_by=data.group_by,
                epsilon=float(data.epsilon or 0),
                shown_from=data.threshold,
                years=(data.year_from, data.year_to) if "year" in data.group_by else None,
            )
        except PublicationError as exc:
            raise RecordInvalid([FieldError("group_by", str(exc))]) from exc
        rows = [
            {**dict(zip(data.group_by, cell, strict=True)), "count": value, "suppressed": False}
            for cell, value in table.rows
        ]
        extra = {"epsilon": data.epsilon, "scale": table.scale}
        if "year" in data.group_by:
            extra["years"] = [data.year_from, data.year_to]
    publication = Publication.objects.create(
        title=data.title.strip(),
        note=data.note.strip(),
        group_by=list(data.group_by),
        method=data.method,
        threshold=data.threshold,
        rows=rows,
        published_by=user,
        published_at=timezone.now(),
        **extra,
    )
    audit_record(
        Event.STATISTICS_PUBLISHED,
        actor=user,
        object_type="publication",
        object_code=publication.code,
        detail={
            "method": data.method,
            "group_by": ":".join(data.group_by),
            "epsilon_thousandths": round((data.epsilon or 0) * 1000),  # the audit holds whole numbers
            "rows": len(rows),
        },
    )
    return publication


@transaction.atomic
def publication_withdraw(*, user: User, code: str) -> Publication:
    if not allowed(user, "stats.publish"):
        raise NotAllowed(_("only a lead or an administrator publishes statistics"))
    publication = Publication.objects.select_for_update().get(code=code, withdrawn_at=None)
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])
    audit_record(
        Event.STATISTICS_WITHDRAWN, actor=user, object_type="publication", object_code=publication.code
    )
    return publication


def surges_seen(*, user: User, codes: list[str]) -> int:
    """Mark the surges among ``codes`` that the user is shown (and has not yet seen) as seen."""
    return mark_seen(list(selectors.surge_alerts_unseen(user).filter(code__in=codes)), user)
