"""Reading reports, always inside the compartments where the user may triage."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from longreach.accounts.models import Compartment, User
from longreach.accounts.roles import allowed
from longreach.audit.services import audit_denied
from longreach.core.codes import is_code
from longreach.intake.models import Report, ReportFile, ReportMessage


def triage_compartments(user: User) -> QuerySet[Compartment]:
    if not allowed(user, "triage.view"):
        return Compartment.objects.none()
    return Compartment.objects.filter(memberships__user=user)


QUEUES = ("open", "case_opened", "closed", "all")


def triage_queue(user: User, queue: str = "open") -> QuerySet[Report]:
    """Reports for the queue page: most urgent first, then oldest first."""
    qs = Report.objects.filter(compartment__in=triage_compartments(user)).select_related(
        "compartment", "triage", "case"
    )
    if queue == "open":
        qs = qs.filter(status__in=[Report.Status.RECEIVED, Report.Status.IN_REVIEW])
    elif queue == "case_opened":
        qs = qs.filter(status=Report.Status.CASE_OPENED)
    elif queue == "closed":
        qs = qs.filter(status=Report.Status.CLOSED)
    return qs.annotate(
        reporter_messages=Count("messages", filter=Q(messages__author=ReportMessage.Author.REPORTER))
    ).order_by("suggested_urgency", "received_at")


def report_for_user(user: User, code: str) -> Report:
    found = Report.objects.select_related("compartment").filter(code=code).first() if is_code(code) else None
    if found is not None and triage_compartments(user).filter(pk=found.compartment_id).exists():
        return found
    if found is not None:
        audit_denied(user, found.compartment, "report", code, "triage.view")
    raise Http404("not found")


def report_file_for_user(user: User, code: str) -> ReportFile:
    found = (
        ReportFile.objects.select_related("report__compartment").filter(code=code).first()
        if is_code(code)
        else None
    )
    if found is not None and triage_compartments(user).filter(pk=found.report.compartment_id).exists():
        return found
    if found is not None:
        audit_denied(user, found.report.compartment, "report-file", code, "triage.view")
    raise Http404("not found")
