"""Triage pages for staff: the queue, one report decrypted, decisions, replies, files."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from longreach.accounts import access
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import ServiceError
from longreach.audit.services import record_viewed
from longreach.core.downloads import attachment
from longreach.crypto import CryptoError
from longreach.geo import countries
from longreach.intake import questions, selectors, services, urgency, where
from longreach.intake.models import Triage
from longreach.registry.fields import RecordInvalid

PER_LIST = 500


def language_name(code: str) -> str:
    """A reporter's language in the reader's language, with its own name beside it."""
    if code not in dict(settings.LANGUAGES):
        return ""
    info = get_language_info(code)
    return (
        f"{info['name_translated']} ({info['name_local']})"
        if code != get_language()
        else str(info["name_translated"])
    )


@staff_view("triage.view")
@require_GET
def triage_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    queue = request.GET.get("queue", "open")
    if queue not in selectors.QUEUES:
        queue = "open"
    reports = list(selectors.triage_queue(user, queue)[:PER_LIST])
    glances = services.report_glances(user=user, reports=reports)
    return render(
        request,
        "intake/triage_list.html",
        {
            "rows": [(r, glances[r.id]) for r in reports],
            "queue": queue,
            "names": countries.names(get_language() or "en"),
            "languages": {code: language_name(code) for code, _name in settings.LANGUAGES},
        },
    )


@staff_view("triage.view")
@require_GET
def triage_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    report = selectors.report_for_user(user=user, code=code)
    opened = services.report_read(user=user, report=report)
    record_viewed(user, report, "report")
    answers = opened.answers
    return render(
        request,
        "intake/triage_detail.html",
        {
            "opened": opened,
            "report": report,
            "described": questions.describe(answers),
            "reasons": [questions.REASONS[r] for r in opened.suggestion.reasons],
            "raised_by": [questions.REASONS[r] for r in opened.suggestion.raised_by],
            "levels": urgency.LEVELS,
            "modifiers": [(m, questions.REASONS[m]) for m in sorted(urgency.MODIFIERS)],
            "vetting_choices": [c for c in Triage.Vetting.choices if c[0] != Triage.Vetting.PENDING],
            "lines": where.for_country(answers.get("host_country", "")),
            "language": language_name(answers.get("language", "")),
            "case_readable": access.may(user, "case.read", report.compartment),
            "unmoved": report.case_id is not None and any(not f.evidence for f in opened.files),
            "can_open": opened.triage is not None
            and opened.triage.vetting == Triage.Vetting.GENUINE
            and bool(opened.triage.urgency)
            and report.case_id is None,
        },
    )


@staff_view("triage.decide")
@require_POST
def triage_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    user = staff_user(request)
    report = selectors.report_for_user(user=user, code=code)
    try:
        if action == "urgency":
            services.triage_confirm(
                user=user,
                report=report,
                level=request.POST.get("level", ""),
                modifiers=request.POST.getlist("modifiers")[:10],
            )
            messages.success(request, _("Urgency confirmed."))
        elif action == "vet":
            services.triage_vet(
                user=user,
                report=report,
                outcome=request.POST.get("outcome", ""),
                notes=request.POST.get("notes", ""),
            )
            messages.success(request, _("Vetting recorded."))
        elif action == "reply":
            services.reply_send(user=user, report=report, text=request.POST.get("text", ""))
            messages.success(request, _("Reply sent. The reporter reads it with their receipt."))
        elif action == "open-case":
            opened = services.case_open(user=user, report=report)
            if access.may(user, "case.read", report.compartment):
                messages.success(
                    request, _("Case %(code)s opened from this report.") % {"code": opened.case.code}
                )
                return redirect("case_detail", code=opened.case.code)
            messages.success(
                request,
                _("Case %(code)s opened and given to %(who)s, who will work it from here.")
                % {
                    "code": opened.case.code,
                    "who": ", ".join(u.username for u in opened.case.assigned.all()) or "-",
                },
            )
            return redirect("triage_detail", code=report.code)
        elif action == "to-vault" and report.case is not None:
            moved = services.files_to_vault(user=user, report=report, target=report.case)
            messages.success(
                request, _("Moved into the evidence vault: %(codes)s.") % {"codes": ", ".join(moved)}
            )
        else:
            raise Http404("not found")
    except RecordInvalid as exc:
        messages.error(request, "; ".join(f"{e.path}: {e.message}" for e in exc.errors))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("triage_detail", code=report.code)


@staff_view("triage.view")
@require_GET
def triage_file(request: HttpRequest, code: str) -> HttpResponseBase:
    user = staff_user(request)
    row = selectors.report_file_for_user(user=user, code=code)
    try:
        download = services.file_read(user=user, row=row)
    except (CryptoError, ServiceError) as exc:
        messages.error(request, str(exc))
        return redirect("triage_detail", code=row.report.code)
    return attachment(download.chunks, download.name, download.size)
