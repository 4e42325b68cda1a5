"""Legal pages: a matter (new, edit, its page), its proceedings, events and typed deadlines, and each
user's deadlines as a calendar (thin: forms in, services and selectors, pages out)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from longreach.accounts import access
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.audit.services import record_viewed
from longreach.geo import countries
from longreach.legal import calendar, documents, selectors, services
from longreach.legal.models import LegalMatter, Proceeding, ProceedingEvent, ReviewAnswer
from longreach.legal.validation import MatterInput
from longreach.registry.fields import RecordInvalid
from longreach.registry.selectors import case_for_user
from longreach.vault import selectors as vault_selectors

FIELDS = list(MatterInput.model_fields)


def _language() -> str:
    return get_language() or "en"


def _form_context(
    user: Any, case: Any, matter: LegalMatter | None, data: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "case": case,
        "matter": matter,
        "data": data,
        "errors": errors,
        "kinds": LegalMatter.Kind.choices,
        "charges": LegalMatter.Charge.choices,
        "statuses": LegalMatter.Status.choices,
        "countries": countries.choices(_language()),
        "incidents": list(case.incidents.order_by("code")),
        "evidence": list(vault_selectors.items_of_case(user, case)),
    }


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {f: request.POST.get(f, "") for f in FIELDS}


@require_http_methods(["GET", "POST"])
@staff_view("case.write")
def matter_new(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    case = case_for_user(user=user, code=code)
    data: dict[str, Any] = {"host_country": case.host_country, "requesting_state": case.origin_state}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = _posted(request)
        try:
            matter = services.matter_create(
                user=user,
                case=case,
                data=data,
                incidents=request.POST.getlist("incidents"),
                evidence=request.POST.getlist("evidence"),
            )
        except RecordInvalid as exc:
            errors = {e.path: e.message for e in exc.errors}
        except NotAllowed as exc:
            errors = {"": str(exc)}
        else:
            flash.success(request, _("Legal matter %(code)s recorded.") % {"code": matter.code})
            return redirect("legal_matter", code=matter.code)
    return render(
        request,
        "legal/matter_form.html",
        _form_context(user, case, None, data, errors),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_view("case.write")
def matter_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    data: dict[str, Any] = {f: getattr(matter, f) for f in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = _posted(request)
        try:
            services.matter_update(
                user=user,
                matter=matter,
                data=data,
                incidents=request.POST.getlist("incidents"),
                evidence=request.POST.getlist("evidence"),
            )
        except RecordInvalid as exc:
            errors = {e.path: e.message for e in exc.errors}
        except NotAllowed as exc:
            errors = {"": str(exc)}
        else:
            flash.success(request, _("Saved."))
            return redirect("legal_matter", code=matter.code)
    context = _form_context(user, matter.case, matter, data, errors)
    context["linked"] = set(matter.incidents.values_list("code", flat=True))
    context["linked_evidence"] = set(matter.evidence.values_list("code", flat=True))
    return render(request, "legal/matter_form.html", context, status=400 if errors else 200)


@require_GET
@staff_view("case.read")
def matter_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    record_viewed(user, matter, "legal-matter")
    return render(
        request,
        "legal/matter.html",
        {
            "m": matter,
            **selectors.matter_view(matter=matter),
            "names": countries.names(_language()),
            "proceeding_kinds": Proceeding.Kind.choices,
            "event_kinds": ProceedingEvent.What.choices,
            "rules": list(selectors.rules().values()),
            "writable": access.may(user, "case.write", matter.compartment_id),
            "today": timezone.localdate(),
        },
    )


def _errors(exc: RecordInvalid) -> str:
    return "; ".join(f"{e.path}: {e.message}" for e in exc.errors)


@require_POST
@staff_view("case.write")
def proceeding_add(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    try:
        services.proceeding_add(
            user=user,
            matter=matter,
            data={
                "kind": request.POST.get("kind", ""),
                "forum": request.POST.get("forum", ""),
                "rules": ",".join(request.POST.getlist("rules")),
                "interim_measures": request.POST.get("interim_measures", ""),
            },
        )
    except RecordInvalid as exc:
        flash.error(request, _errors(exc))
    except (NotAllowed, ServiceError) as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Proceeding added."))
    return redirect(reverse("legal_matter", args=[matter.code]) + "#proceedings")


@require_POST
@staff_view("case.write")
def event_add(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    proceeding = selectors.proceeding_for_user(user=user, code=code)
    try:
        services.event_add(
            user=user,
            proceeding=proceeding,
            data={f: request.POST.get(f, "") for f in ("what", "on", "note")},
        )
    except RecordInvalid as exc:
        flash.error(request, _errors(exc))
    except (NotAllowed, ServiceError) as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Event recorded; the deadlines follow from it."))
    return redirect(reverse("legal_matter", args=[proceeding.matter.code]) + f"#{proceeding.code}")


@require_POST
@staff_view("case.write")
def typed_deadline_add(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    proceeding = selectors.proceeding_for_user(user=user, code=code)
    try:
        services.typed_deadline_add(
            user=user, proceeding=proceeding, data={f: request.POST.get(f, "") for f in ("due", "what")}
        )
    except RecordInvalid as exc:
        flash.error(request, _errors(exc))
    except (NotAllowed, ServiceError) as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Deadline added, marked as typed in."))
    return redirect(reverse("legal_matter", args=[proceeding.matter.code]) + f"#{proceeding.code}")


@require_http_methods(["GET", "POST"])
@staff_view("case.read")
def matter_review(request: HttpRequest, code: str) -> HttpResponse:
    """The review of a notice or request against INTERPOL's rules: the caseworker answers, the page shows
    which grounds are met and why."""
    user = staff_user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    errors: list[str] = []
    if request.method == "POST":
        answers = {
            key[len("answer:") :]: (
                request.POST.get(key, ""),
                request.POST.get("evidence:" + key[len("answer:") :], ""),
            )
            for key in request.POST
            if key.startswith("answer:")
        }
        try:
            written = services.review_answer(user=user, matter=matter, answers=answers)
        except RecordInvalid as exc:
            errors = [f"{e.path}: {e.message}" for e in exc.errors]
        except NotAllowed as exc:
            errors = [str(exc)]
        else:
            flash.success(request, _("%(n)d answer(s) saved.") % {"n": written})
            return redirect("legal_matter_review", code=matter.code)
    record_viewed(user, matter, "legal-matter")
    return render(
        request,
        "legal/review.html",
        {
            "m": matter,
            "v": selectors.review_view(user=user, matter=matter),
            "answer_choices": ReviewAnswer.Answer.choices,
            "errors": errors,
            "writable": access.may(user, "case.write", matter.compartment_id),
            "names": countries.names(_language()),
        },
        status=400 if errors else 200,
    )


@require_GET
@staff_view("case.read")
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The open deadlines of the user's assigned cases as an .ics file (codes and sources only)."""
    user = staff_user(request)
    entries = []
    for dated in selectors.deadlines_for_user(user):
        rule = dated.due.rule
        which = rule.kind if rule else "typed"
        entries.append(
            calendar.Entry(
                uid=f"{dated.proceeding.code}-{which}-{dated.due.due.isoformat()}@longreach",
                due=dated.due.due,
                summary=f"{dated.matter.case.code} {dated.matter.code}: "
                + (rule.kind if rule else _("deadline typed in")),
                description=rule.source if rule else _("Typed in by a user; no sourced rule."),
            )
        )
    response = HttpResponse(
        calendar.ics(entries, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="longreach-deadlines.ics"'
    return response


# Documents ------------------------------------------------------------------------------------------


def _pdf_response(drafted: services.Drafted) -> HttpResponse:
    assert drafted.pdf is not None
    response = HttpResponse(drafted.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{drafted.filename}"'
    return response


def _documents_context(request: HttpRequest, matter: LegalMatter, **extra: Any) -> dict[str, Any]:
    return {
        "m": matter,
        "languages": settings.LANGUAGES,
        "has_client": matter.case.client_id is not None,
        "may_name": access.may(staff_user(request), "identity.reveal", matter.compartment_id),
        "posted": request.POST,
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_view("case.read")
def documents_page(request: HttpRequest, code: str) -> HttpResponse:
    """Draft a CCF request, a memo or a case summary: shown here for review, or as PDF to file."""
    user = staff_user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    if request.method == "GET":
        return render(request, "legal/documents.html", _documents_context(request, matter))
    try:
        drafted = services.document_draft(
            user=user,
            matter=matter,
            kind=request.POST.get("document", ""),
            language=request.POST.get("language", ""),
            as_pdf=request.POST.get("format") == "pdf",
            name_client=bool(request.POST.get("name_client")),
            reason=request.POST.get("reason", ""),
            requests=request.POST.getlist("requests"),
        )
    except RecordInvalid as exc:
        context = _documents_context(request, matter, errors=[f"{e.path}: {e.message}" for e in exc.errors])
        return render(request, "legal/documents.html", context, status=400)
    except (NotAllowed, ServiceError) as exc:
        return render(
            request,
            "legal/documents.html",
            _documents_context(request, matter, errors=[str(exc)]),
            status=400,
        )
    if drafted.pdf is not None:
        return _pdf_response(drafted)
    return render(
        request,
        "legal/documents.html",
        _documents_context(
            request, matter, drafted=drafted, bidi=drafted.language in settings.LANGUAGES_BIDI
        ),
    )


def _referral_context(request: HttpRequest, matter: LegalMatter, **extra: Any) -> dict[str, Any]:
    user = staff_user(request)
    return {
        "m": matter,
        "consents": list(selectors.referral_consents(matter)),
        "referral_types": services.referral_types(),
        "parts": documents.SHAREABLE,
        "identity_parts": documents.IDENTITY_PARTS,
        "languages": settings.LANGUAGES,
        "approved": selectors.referral_approvals(user=user, matter=matter),
        "posted": request.POST,
        "posted_parts": request.POST.getlist("share"),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_view("case.write")
def referral_page(request: HttpRequest, code: str) -> HttpResponse:
    """A referral packet: the client's consent chosen, the parts they agreed to share; a preview, a
    request for a lead's approval when the packet names them, and the release."""
    user = staff_user(request)
    matter = selectors.matter_for_user(user=user, code=code)
    if request.method == "GET":
        return render(request, "legal/referral.html", _referral_context(request, matter))
    step = request.POST.get("step", "preview")
    try:
        ask = services.referral_check(
            matter=matter,
            consent_code=request.POST.get("consent", ""),
            referral_type=request.POST.get("referral_type", ""),
            parts=request.POST.getlist("share"),
        )
        if step == "request":
            action = services.referral_request(user=user, matter=matter, ask=ask)
            flash.success(
                request,
                _("Request %(code)s is waiting for a lead's approval; release the packet here once approved.")
                % {"code": action.code},
            )
            return redirect("legal_referral", code=matter.code)
        drafted = services.referral_release(
            user=user,
            matter=matter,
            ask=ask,
            language=request.POST.get("language", ""),
            approval=request.POST.get("approval", ""),
            preview=step != "release",
        )
    except RecordInvalid as exc:
        context = _referral_context(request, matter, errors=[f"{e.path}: {e.message}" for e in exc.errors])
        return render(request, "legal/referral.html", context, status=400)
    except (NotAllowed, ServiceError) as exc:
        return render(
            request, "legal/referral.html", _referral_context(request, matter, errors=[str(exc)]), status=400
        )
    if drafted.pdf is not None:
        return _pdf_response(drafted)
    return render(
        request,
        "legal/referral.html",
        _referral_context(
            request, matter, drafted=drafted, ask=ask, bidi=drafted.language in settings.LANGUAGES_BIDI
        ),
    )
