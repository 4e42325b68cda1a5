"""The reporter's pages under /report/: no account, no JavaScript, any of the seven languages.

Views parse, call a service and render. Files are encrypted while they
stream in (``core.uploads.EncryptingUploadHandler``), which must be installed
before Django reads the body; that is why the posting views are
``csrf_exempt`` on the outside and ``csrf_protect`` on the inside. Temp
files of a refused or failed post are removed when the request ends (the
cleanup middleware); files the service made durable are its own to remove.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from longreach.core.uploads import EncryptingUploadHandler, describe
from longreach.intake import filestore, questions, receipts, reporter_session, services, throttle, where
from longreach.intake.models import Report
from longreach.intake.questions import ReportForm


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"intake/{template}", context, status=status)


@require_http_methods(["GET"])
def start(request: HttpRequest) -> HttpResponse:
    return _page(request, "start.html", {"languages": settings.LANGUAGES})


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES):
        reporter_session.set_language(request, code)
    return HttpResponseRedirect(reverse("report_start"))


def _handler(request: HttpRequest) -> EncryptingUploadHandler:
    used = throttle.count(throttle.session_key("bytes", reporter_session.throttle_id(request)), seconds=3600)
    return EncryptingUploadHandler(
        request,
        max_file=settings.INTAKE_MAX_FILE_BYTES,
        max_files=settings.INTAKE_MAX_FILES,
        quota=max(0, settings.INTAKE_SESSION_BYTES - used),
        tmp=filestore.tmp_dir,
        ceiling=settings.INTAKE_TMP_CEILING_BYTES,
    )


def _step_context(form: ReportForm, index: int, **extra: Any) -> dict[str, Any]:
    name, title, names = ReportForm.STEPS[index]
    shown = set(names)
    return {
        "form": form,
        "step": name,
        "step_index": index,
        "step_title": title,
        "steps": [(s, t) for s, t, _n in ReportForm.STEPS],
        "visible": [form[n] for n in names],
        "carried": [form[n] for n in form.fields if n not in shown and n != "website"],
        "relative_slots": [
            [form[f"rel{i}_{part}"] for part in ("relationship", "outcomes", "recent")]
            for i in range(questions.RELATIVE_SLOTS)
        ]
        if name == "family"
        else [],
        "last": index == len(ReportForm.STEPS) - 1,
        "max_file_mb": settings.INTAKE_MAX_FILE_BYTES // 1_000_000,
        "max_files": settings.INTAKE_MAX_FILES,
        **extra,
    }


def _summary(form: ReportForm) -> list[tuple[Any, str]]:
    return questions.describe(questions.answers(form.cleaned_data)) if hasattr(form, "cleaned_data") else []


@csrf_exempt
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # No session yet: a visit that only looks leaves no row behind.
        form = ReportForm(initial={"nonce": secrets.token_hex(16), "reporter": "self"})
        return _page(request, "form.html", _step_context(form, 0))
    handler = _handler(request)
    request.upload_handlers = [handler]
    return _unreadable(request, handler) or _report_post(request, handler)


def _unreadable(request: HttpRequest, handler: EncryptingUploadHandler) -> HttpResponse | None:
    """Read the body now; a body Django cannot parse gets a clear answer and leaves no file."""
    try:
        request.POST  # noqa: B018 (parsing happens on first access)
    except (MultiPartParserError, RequestDataTooBig, UnreadablePostError):
        message = _(
            "The form could not be read: a file name or an answer was too long, or the upload was cut off."
        )
        return _page(request, "problem.html", {"message": message}, 400)
    return None


@csrf_protect
def _report_post(request: HttpRequest, handler: EncryptingUploadHandler) -> HttpResponse:
    form = ReportForm(request.POST)
    uploads = handler.uploads
    current = ReportForm.step_index(request.POST.get("step", ""))
    go = request.POST.get("go", "next")
    if form.data.get("website"):
        # Only robots fill the invisible field; they get a refusal that teaches them nothing.
        return _page(request, "problem.html", {"message": _("The report could not be sent.")}, 400)
    if go == "back":
        form.is_valid()
        return _page(request, "form.html", _step_context(form, max(0, current - 1), hide_errors=True))
    bad = form.step_errors(current)
    if bad is not None:
        return _page(request, "form.html", _step_context(form, bad), 400)
    if ReportForm.STEPS[current][0] == "safety" and form.cleaned_data.get("danger") == questions.YES:
        if not request.POST.get("safe_to_continue"):
            lines = where.for_country(form.cleaned_data.get("host_country", ""))
            return _page(request, "danger.html", {**_step_context(form, current), "lines": lines})
    last = current == len(ReportForm.STEPS) - 1
    if not last:
        nxt = current + 1
        extra = {"summary": _summary(form)} if nxt == len(ReportForm.STEPS) - 1 else {}
        # A step just reached has not been answered yet: no "required" errors on it.
        return _page(request, "form.html", _step_context(form, nxt, hide_errors=True, **extra))
    if handler.problems:
        return _page(
            request,
            "form.html",
            _step_context(form, current, summary=_summary(form), upload_problems=handler.problems),
            400,
        )
    answers = questions.answers(form.cleaned_data)
    answers["language"] = get_language() or ""  # sealed with the rest; the volunteer replies in it
    try:
        submitted = services.report_submit(
            answers=answers,
            nonce=form.cleaned_data["nonce"],
            uploads=uploads,
            session_key=reporter_session.throttle_id(request),
        )
    except services.AlreadyReceived:
        return _page(request, "already.html", {}, 409)
    except (services.Refused, services.IntakeClosed) as exc:
        return _page(
            request,
            "problem.html",
            {"message": str(exc)},
            429 if isinstance(exc, services.Refused) else 503,
        )
    return _page(
        request,
        "receipt.html",
        {
            "receipt_groups": receipts.grouped(submitted.receipt).split(" "),
            "receipt": submitted.receipt,
            "lines": where.for_country(answers.get("host_country", "")),
        },
    )


@require_POST
def receipt_confirm(request: HttpRequest) -> HttpResponse:
    """The "I have written it down" step: the reporter types the last group back."""
    receipt = receipts.normalise(request.POST.get("receipt", "")) or ""
    typed = receipts.normalise(("0" * 16) + request.POST.get("last_group", "")[:40]) or ""
    written = request.POST.get("written") == "on"
    if receipt and written and typed[-4:] == receipt[-4:]:
        return _page(request, "thanks.html", {})
    if not receipt:
        raise Http404("not found")
    return _page(
        request,
        "receipt.html",
        {
            "receipt_groups": receipts.grouped(receipt).split(" "),
            "receipt": receipt,
            "confirm_error": _("Tick the box and type the last four digits of your receipt exactly."),
        },
        400,
    )


def _status_answer(request: HttpRequest, start_at: float, floor: float) -> None:
    # The same time for every answer: wrong, unknown and expired receipts included.
    remaining = floor - (time.monotonic() - start_at)
    if remaining > 0:
        time.sleep(remaining)


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "status_login.html", {})
    start_at = time.monotonic()
    floor = settings.INTAKE_STATUS_FLOOR_MS / 1000
    try:
        found = services.status_check(
            request.POST.get("receipt", ""), session=reporter_session.throttle_id(request)
        )
    except services.StatusBusy as exc:
        return _page(request, "status_login.html", {"error": str(exc)}, 429)
    _status_answer(request, start_at, floor + (services.status_pause() if found is None else 0))
    if found is None:
        return _page(
            request,
            "status_login.html",
            {
                "error": _(
                    "No report matches this receipt, or it has expired. Check the digits and try again."
                )
            },
            400,
        )
    report, private = found
    reporter_session.remember(request, report.id, private)
    return HttpResponseRedirect(reverse("report_status_view"))


def _current(request: HttpRequest) -> tuple[Report, bytes] | None:
    found = reporter_session.recall(request)
    if found is None:
        return None
    report = Report.objects.select_related("compartment").filter(pk=found[0]).first()
    return (report, found[1]) if report is not None else None


@require_http_methods(["GET"])
def status_view(request: HttpRequest) -> HttpResponse:
    current = _current(request)
    if current is None:
        return HttpResponseRedirect(reverse("report_status"))
    page = services.status_page(*current)
    sent = request.session.pop("lr_intake_sent", False)
    return _page(
        request,
        "status.html",
        {
            "page": page,
            "sent": sent,
            "max_file_mb": settings.INTAKE_MAX_FILE_BYTES // 1_000_000,
            "max_files": settings.INTAKE_MAX_FILES,
            "text_limit": settings.INTAKE_TEXT_CHARS,
        },
    )


@csrf_exempt
@require_POST
def status_message(request: HttpRequest) -> HttpResponse:
    handler = _handler(request)
    request.upload_handlers = [handler]
    return _unreadable(request, handler) or _status_message_post(request, handler)


@csrf_protect
def _status_message_post(request: HttpRequest, handler: EncryptingUploadHandler) -> HttpResponse:
    uploads = handler.uploads
    current = _current(request)
    if current is None:
        return HttpResponseRedirect(reverse("report_status"))
    report, private = current
    problem = ""
    if request.POST.get("website"):
        problem = _("The message could not be sent.")
    elif handler.problems:
        problem = describe(handler.problems)
    if not problem:
        try:
            services.reporter_message(
                report=report,
                text=request.POST.get("message", ""),
                uploads=uploads,
                session_key=reporter_session.throttle_id(request),
            )
        except services.Refused as exc:
            problem = str(exc)
    if problem:
        return _page(
            request,
            "status.html",
            {
                "page": services.status_page(report, private),
                "error": problem,
                "message": request.POST.get("message", "")[: settings.INTAKE_TEXT_CHARS],
                "max_file_mb": settings.INTAKE_MAX_FILE_BYTES // 1_000_000,
                "max_files": settings.INTAKE_MAX_FILES,
                "text_limit": settings.INTAKE_TEXT_CHARS,
            },
            400,
        )
    request.session["lr_intake_sent"] = True
    return HttpResponseRedirect(reverse("report_status_view"))


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    reporter_session.forget(request)
    return HttpResponseRedirect(reverse("report_start"))


@require_http_methods(["GET"])
def where_to_report(request: HttpRequest) -> HttpResponse:
    from longreach.geo import countries

    names = countries.names(get_language() or "en")
    rows = sorted(where.table().values(), key=lambda lines: str(names.get(lines.country, lines.country)))
    return _page(request, "where.html", {"rows": [(names.get(r.country, r.country), r) for r in rows]})
