"""Screening pages: the screenings and lists, a new screening, its results and reviews, list imports,
questions to other compartments' leads (thin: forms in, services and selectors, pages out).

Files (a batch, a list) arrive through the encrypting upload handler: what
reaches the temp folder is ciphertext, and the plaintext is held in memory
only while it is read.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from longreach.accounts import access
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import ServiceError
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import record_viewed
from longreach.core.uploads import EncryptedUpload, EncryptingUploadHandler, describe
from longreach.names import score as scoring
from longreach.names.lists import ListError, kind_of, read_csv
from longreach.screening import selectors, services
from longreach.screening.models import Decision, LeadQuestion, Watchlist
from longreach.vault import storage


def _compartments(user: Any, action: str) -> list[Any]:
    return list(access.compartments(user, action).order_by("slug"))


@require_GET
@staff_view("screening.run")
def screening_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "screening/list.html",
        {
            "screenings": selectors.screenings_for_user(user)[:100],
            "watchlists": selectors.watchlists_for_user(user),
            "compartments": _compartments(user, "screening.run"),
            "may_manage": allowed(user, "watchlist.manage"),
            "questions": selectors.questions_for_lead(user)[:100]
            if allowed(user, "screening.answer")
            else [],
            "threshold": scoring.THRESHOLD,
            "max_batch": settings.SCREENING_MAX_WEB_NAMES,
        },
    )


def _handler(request: HttpRequest, limit: int) -> EncryptingUploadHandler:
    handler = EncryptingUploadHandler(
        request, max_file=limit, max_files=1, quota=limit, tmp=storage.tmp_dir, keep_plain=limit
    )
    request.upload_handlers = [handler]
    return handler


def _uploaded(request: HttpRequest, handler: EncryptingUploadHandler) -> tuple[EncryptedUpload | None, str]:
    """The one file of the form and its plaintext, or None and why not."""
    try:
        request.POST  # noqa: B018 (parsing happens on first access)
    except MultiPartParserError:
        return None, _("The upload could not be read: it was cut off or malformed. Nothing was kept.")
    if handler.problems:
        return None, describe(handler.problems)
    if not handler.uploads:
        return None, ""
    upload = handler.uploads[0]
    if upload.body is None:
        return None, _("%(name)s could not be read.") % {"name": upload.name}
    return upload, ""


def _compartment(user: Any, slug: str, action: str) -> Any:
    for compartment in _compartments(user, action):
        if compartment.slug == slug:
            return compartment
    return None


@csrf_exempt
@staff_view("screening.run")
@require_POST
def screening_new(request: HttpRequest) -> HttpResponse:
    handler = _handler(request, settings.SCREENING_MAX_BATCH_BYTES)
    return _screening_new(request, handler)


@csrf_protect
def _screening_new(request: HttpRequest, handler: EncryptingUploadHandler) -> HttpResponse:
    user = staff_user(request)
    upload, problem = _uploaded(request, handler)
    back = redirect(reverse("screenings") + "#new")
    if problem:
        flash.error(request, problem)
        return back
    compartment = _compartment(user, request.POST.get("compartment", ""), "screening.run")
    if compartment is None:
        flash.error(request, _("Choose a compartment you may screen in."))
        return back
    try:
        if upload is not None:
            try:
                batch = services.batch_from(
                    read_csv(io.BytesIO(upload.body or b""), upload.name or "batch.csv")
                )
            except ListError as exc:
                raise services.ScreeningError(str(exc)) from exc
        else:
            batch = services.batch_from_lines(request.POST.get("names", ""))
        codes = request.POST.getlist("watchlist")
        lists = list(selectors.watchlists_for_user(user, current=True).filter(code__in=codes))
        if len(lists) != len(set(codes)):
            raise services.ScreeningError(_("A chosen list is not available; reload the page."))
        threshold = _threshold(request.POST.get("threshold", ""))
        screening = services.screening_run(
            user=user,
            compartment=compartment,
            batch=batch,
            watchlists=lists,
            registry=request.POST.get("registry") == "on",
            threshold=threshold,
            title=request.POST.get("title", ""),
            max_names=settings.SCREENING_MAX_WEB_NAMES,
        )
    except ServiceError as exc:
        flash.error(request, str(exc))
        return back
    flash.success(
        request,
        _("%(names)s names screened; %(hits)s with a hit.")
        % {"names": f"{screening.names:,}", "hits": f"{screening.with_hits:,}"},
    )
    return redirect("screening_detail", code=screening.code)


def _threshold(raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError:
        raise services.ScreeningError(_("threshold: a number between 0.5 and 1")) from None


@require_GET
@staff_view("screening.run")
def screening_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    screening = selectors.screening_for_user(user=user, code=code)
    record_viewed(user, screening, "screening")
    only_hits = request.GET.get("all") != "1"
    return render(
        request,
        "screening/detail.html",
        {
            "s": screening,
            "rows": selectors.screening_rows(user=user, screening=screening, only_hits=only_hits),
            "only_hits": only_hits,
            "counts": selectors.review_counts(screening),
            "decisions": Decision.choices,
            "answers": dict(LeadQuestion.Answer.choices),
        },
    )


@require_POST
@staff_view("screening.run")
def screening_review(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    screening = selectors.screening_for_user(user=user, code=code)
    row = _row(request)
    try:
        services.review_add(
            user=user,
            screening=screening,
            row=row,
            key=request.POST.get("hit", ""),
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Review saved for row %(row)d.") % {"row": row})
    return redirect(reverse("screening_detail", args=[screening.code]) + f"#row-{row}")


def _row(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("row", ""))
    except ValueError:
        return 0


@require_POST
@staff_view("screening.run")
def screening_ask(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    screening = selectors.screening_for_user(user=user, code=code)
    row = _row(request)
    try:
        asked = services.ask_leads(user=user, screening=screening, row=row)
    except ServiceError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(
            request,
            _(
                "The leads of the other compartments were asked (%(n)d question(s)); "
                "their answers appear here."
            )
            % {"n": asked},
        )
    return redirect(reverse("screening_detail", args=[screening.code]) + f"#row-{row}")


@require_GET
@staff_view("screening.run")
def screening_export(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    screening = selectors.screening_for_user(user=user, code=code)
    body = selectors.export_csv(user=user, screening=screening).encode("utf-8-sig")
    record_viewed(user, screening, "screening", event=Event.RECORDS_EXPORTED)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screening-{screening.code}.csv"'
    return response


@require_POST
@staff_view("screening.answer")
def question_answer(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    question = selectors.question_for_lead(user=user, code=code)
    try:
        services.question_answer(user=user, question=question, answer=request.POST.get("answer", ""))
    except ServiceError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Answer sent."))
    return redirect(reverse("screenings") + "#questions")


# ----------------------------------------------------------------------------------------- watchlists


@require_GET
@staff_view("watchlist.manage")
def watchlist_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "screening/watchlist_new.html",
        {"compartments": _compartments(user, "watchlist.manage"), "kinds": Watchlist.Kind.choices},
    )


def _date(raw: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise services.ScreeningError(_("date of the list: YYYY-MM-DD")) from None


def _kind(raw: str, upload: EncryptedUpload) -> str:
    return raw if raw in Watchlist.Kind.values else kind_of(upload.name or "", upload.head)


@csrf_exempt
@staff_view("watchlist.manage")
@require_POST
def watchlist_import(request: HttpRequest) -> HttpResponse:
    handler = _handler(request, settings.SCREENING_MAX_LIST_BYTES)
    return _watchlist_import(request, handler)


@csrf_protect
def _watchlist_import(request: HttpRequest, handler: EncryptingUploadHandler) -> HttpResponse:
    user = staff_user(request)
    upload, problem = _uploaded(request, handler)
    back = redirect("watchlist_new")
    if upload is None:
        flash.error(request, problem or _("Choose the list's file."))
        return back
    compartment = _compartment(user, request.POST.get("compartment", ""), "watchlist.manage")
    if compartment is None:
        flash.error(request, _("Choose a compartment you may keep lists in."))
        return back
    dry_run = request.POST.get("dry_run") == "on"
    try:
        outcome = services.watchlist_import(
            user=user,
            compartment=compartment,
            fh=io.BytesIO(upload.body or b""),
            filename=upload.name or "list",
            kind=_kind(request.POST.get("kind", ""), upload),
            title=request.POST.get("title", ""),
            source=request.POST.get("source", ""),
            listed_on=_date(request.POST.get("listed_on", "")),
            dry_run=dry_run,
        )
    except ServiceError as exc:
        flash.error(request, str(exc))
        return back
    counts = {
        "names": f"{outcome.names:,}",
        "people": f"{outcome.people:,}",
        "skipped": f"{outcome.skipped:,}",
    }
    if outcome.watchlist is None:
        flash.info(
            request,
            _(
                "Dry run: %(names)s names of %(people)s people read, "
                "%(skipped)s records skipped (not people). Nothing was saved."
            )
            % counts,
        )
        return back
    flash.success(
        request,
        _("Imported: %(names)s names of %(people)s people; %(skipped)s records skipped (not people).")
        % counts,
    )
    return redirect("watchlist_detail", code=outcome.watchlist.code)


@require_GET
@staff_view("screening.run")
def watchlist_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    watchlist = selectors.watchlist_for_user(user=user, code=code)
    record_viewed(user, watchlist, "watchlist")
    return render(
        request,
        "screening/watchlist.html",
        {
            "w": watchlist,
            "may_manage": access.may(user, "watchlist.manage", watchlist.compartment_id),
            "sample": watchlist.entries[:50],
        },
    )


@csrf_exempt
@staff_view("watchlist.manage")
@require_POST
def watchlist_refresh(request: HttpRequest, code: str) -> HttpResponse:
    handler = _handler(request, settings.SCREENING_MAX_LIST_BYTES)
    return _watchlist_refresh(request, handler, code)


@csrf_protect
def _watchlist_refresh(request: HttpRequest, handler: EncryptingUploadHandler, code: str) -> HttpResponse:
    user = staff_user(request)
    upload, problem = _uploaded(request, handler)
    watchlist = selectors.watchlist_for_user(user=user, code=code)
    back = redirect("watchlist_detail", code=watchlist.code)
    if upload is None:
        flash.error(request, problem or _("Choose the list's newer file."))
        return back
    try:
        outcome = services.watchlist_refresh(
            user=user,
            watchlist=watchlist,
            fh=io.BytesIO(upload.body or b""),
            filename=upload.name or "list",
            listed_on=_date(request.POST.get("listed_on", "")),
            dry_run=request.POST.get("dry_run") == "on",
        )
    except ServiceError as exc:
        flash.error(request, str(exc))
        return back
    counts = {
        "names": f"{outcome.names:,}",
        "people": f"{outcome.people:,}",
        "added": f"{outcome.added:,}",
        "removed": f"{outcome.removed:,}",
    }
    if outcome.watchlist is None:
        flash.info(
            request,
            _(
                "Dry run: %(names)s names of %(people)s people; %(added)s added, %(removed)s removed. "
                "Nothing was saved."
            )
            % counts,
        )
    else:
        flash.success(
            request,
            _("Refreshed: %(names)s names of %(people)s people; %(added)s added, %(removed)s removed.")
            % counts,
        )
    return back


@require_POST
@staff_view("watchlist.manage")
def watchlist_retire(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    watchlist = selectors.watchlist_for_user(user=user, code=code)
    try:
        services.watchlist_retire(user=user, watchlist=watchlist)
    except ServiceError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("The list is retired: it is no longer offered for screening."))
    return redirect("watchlist_detail", code=watchlist.code)
