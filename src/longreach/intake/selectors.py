"""Reading reports, always inside the compartments where the user may triage."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Count, F, Max, Q, QuerySet

from longreach.accounts import access
from longreach.accounts.models import User
from longreach.intake.models import Report, ReportFile, ReportMessage

QUEUES = ("open", "case_opened", "closed", "all")


def triage_queue(user: User, queue: str = "open") -> QuerySet[Report]:
    """Reports for the queue page: most urgent first, then oldest first."""
    qs = access.scoped(Report, user, "triage.view").select_related("compartment", "triage", "case")
    if queue == "open":
        qs = qs.filter(status__in=[Report.Status.RECEIVED, Report.Status.IN_REVIEW])
    elif queue == "case_opened":
        qs = qs.filter(status=Report.Status.CASE_OPENED)
    elif queue == "closed":
        qs = qs.filter(status=Report.Status.CLOSED)
    return qs.annotate(
        reporter_messages=Count("messages", filter=Q(messages__author=ReportMessage.Author.REPORTER))
    ).order_by("suggested_urgency", "received_at")


def report_for_user(*, user: User, code: str) -> Report:
    return access.record_for_user(Report, user=user, code=code, action="triage.view", kind="report")


def report_file_for_user(*, user: User, code: str) -> ReportFile:
    return access.record_for_user(
        ReportFile, user=user, code=code, action="triage.view", kind="report-file", via="report__compartment"
    )


def arrivals(since: dt.datetime, until: dt.datetime) -> list[tuple[uuid.UUID, str, dt.datetime]]:
    """(compartment, suggested urgency, received at) of every report received in the span: what the
    surge watch counts. Everything else about a report is sealed."""
    return list(
        Report.objects.filter(received_at__gte=since, received_at__lt=until).values_list(
            "compartment_id", "suggested_urgency", "received_at"
        )
    )


def reports_unread(user: User) -> QuerySet[Report]:
    """New reports nobody has started reading, in the compartments where the user triages."""
    return (
        access.scoped(Report, user, "triage.view")
        .filter(status=Report.Status.RECEIVED)
        .select_related("compartment")
        .order_by("suggested_urgency", "received_at")
    )


def reports_awaiting_reply(user: User) -> QuerySet[Report]:
    """Reports whose reporter wrote last: a message from them with no staff reply after it."""
    reporter, staff = ReportMessage.Author.REPORTER, ReportMessage.Author.STAFF
    return (
        access.scoped(Report, user, "triage.view")
        .exclude(status=Report.Status.CLOSED)
        .annotate(
            last_reporter=Max("messages__sent_at", filter=Q(messages__author=reporter)),
            last_staff=Max("messages__sent_at", filter=Q(messages__author=staff)),
        )
        .filter(last_reporter__isnull=False)
        .filter(Q(last_staff__isnull=True) | Q(last_reporter__gt=F("last_staff")))
        .select_related("compartment")
        .order_by("last_reporter")
    )
