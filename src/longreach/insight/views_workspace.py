"""The researcher's workspace beside the dashboard: the de-identified dataset, the statistics table,
the codebook and saved queries (thin: queries in, selectors and services, pages and files out).
Every download is audited; looking is not."""

from __future__ import annotations

import datetime as dt
import math
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import NotAllowed
from longreach.geo import countries
from longreach.insight import dataset as dataset_rows
from longreach.insight import dyads, queries, selectors, services
from longreach.insight.models import SavedQuery
from longreach.registry.fields import RecordInvalid

PAGE = 100  # rows of the dataset on one page


def _errors(exc: RecordInvalid) -> list[str]:
    return [f"{e.path}: {e.message}" for e in exc.errors]


def _context(request: HttpRequest, page: str) -> dict[str, object]:
    language = get_language() or "en"
    return {
        "names": countries.names(language),
        "families": selectors.family_labels(language),
        "saved": selectors.saved_queries(staff_user(request), page),
        "page_name": page,
        "query": request.GET.urlencode(),
    }


@require_GET
@staff_view("stats.view")
def dataset_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    context = _context(request, SavedQuery.Page.DATASET)
    try:
        asked = queries.dataset_query(request.GET)
        number = queries.page_number(request.GET)
    except RecordInvalid as exc:
        context["errors"] = _errors(exc)
        return render(request, "insight/dataset.html", context, status=400)
    release = selectors.dataset(user=user, threshold=int(settings.STATISTICS_MIN_CELL))
    rows = dataset_rows.select(release.rows, **asked.as_filters())
    pages = max(1, math.ceil(len(rows) / PAGE))
    number = min(number, pages)
    context.update(
        {
            "asked": asked,
            "release": release,
            "matching": len(rows),
            "rows": rows[(number - 1) * PAGE : number * PAGE],
            "columns": dataset_rows.COLUMNS,
            "lists": dataset_rows.LISTS,
            "number": number,
            "pages": pages,
            "filters_query": asked.query_string(),
        }
    )
    return render(request, "insight/dataset.html", context)


@require_GET
@staff_view("stats.view")
def dataset_download(request: HttpRequest, fmt: str) -> HttpResponse:
    user = staff_user(request)
    if fmt not in ("csv", "parquet"):
        raise Http404("not found")
    try:
        asked = queries.dataset_query(request.GET)
    except RecordInvalid as exc:
        return HttpResponse("; ".join(_errors(exc)), status=400, content_type="text/plain; charset=utf-8")
    release = selectors.dataset(user=user, threshold=int(settings.STATISTICS_MIN_CELL))
    rows = dataset_rows.select(release.rows, **asked.as_filters())
    made = timezone.now().isoformat(timespec="seconds")
    if fmt == "csv":
        body: bytes = dataset_rows.to_csv(rows).encode()
        kind = "text/csv; charset=utf-8"
    else:
        body = dataset_rows.to_parquet(
            rows,
            metadata={
                "longreach.k": str(release.k),
                "longreach.made": made,
                "longreach.filters": asked.query_string(),
                "longreach.withheld_rows": str(release.withheld),
            },
        )
        kind = "application/vnd.apache.parquet"
    services.dataset_given(user=user, fmt=fmt, rows=len(rows), k=release.k, filters=len(asked.as_filters()))
    response = HttpResponse(body, content_type=kind)
    day = dt.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="longreach-dataset-{day}.{fmt}"'
    return response


@require_GET
@staff_view("stats.view")
def statistics_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    context = _context(request, SavedQuery.Page.STATISTICS)
    floor = int(settings.STATISTICS_MIN_CELL)
    labels = queries.group_labels()
    context.update(
        {
            "groups": [(g, labels[g]) for g in queries.GROUPS],
            "labels": labels,
            "floor": floor,
            "method": queries.method(),
        }
    )
    if not request.GET:
        return render(request, "insight/statistics.html", context)
    try:
        asked = queries.statistics_query(request.GET, floor=floor)
    except RecordInvalid as exc:
        context["errors"] = _errors(exc)
        return render(request, "insight/statistics.html", context, status=400)
    found = selectors.statistics(
        user=user, group_by=asked.group_by, threshold=asked.threshold, where=asked.where
    )
    context.update({"asked": asked, "found": found, "filters_query": asked.query_string()})
    return render(request, "insight/statistics.html", context)


@require_GET
@staff_view("stats.view")
def statistics_download(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    try:
        asked = queries.statistics_query(request.GET, floor=int(settings.STATISTICS_MIN_CELL))
    except RecordInvalid as exc:
        return HttpResponse("; ".join(_errors(exc)), status=400, content_type="text/plain; charset=utf-8")
    found = selectors.statistics(
        user=user, group_by=asked.group_by, threshold=asked.threshold, where=asked.where
    )
    services.statistics_given(user=user, asked=asked, rows=len(found.rows), fmt="csv")
    response = HttpResponse(selectors.statistics_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="longreach-statistics.csv"'
    return response


@require_GET
@staff_view("stats.view")
def codebook_page(request: HttpRequest) -> HttpResponse:
    language = get_language() or "en"
    return render(
        request,
        "insight/codebook.html",
        {
            "columns": selectors.dataset_columns(),
            "vocabularies": selectors.codebook(language),
            "k": int(settings.STATISTICS_MIN_CELL),
        },
    )


_PAGES: dict[str, str] = {
    SavedQuery.Page.DASHBOARD: "insight",
    SavedQuery.Page.DATASET: "insight_dataset",
    SavedQuery.Page.STATISTICS: "insight_statistics",
}


@require_POST
@staff_view("stats.view")
def query_save(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    if page not in _PAGES:
        messages.error(request, _("The query was not saved: it names no page of the workspace."))
        return redirect("insight_dataset")
    query = request.POST.get("query", "")
    try:
        saved = services.query_save(
            user=staff_user(request), page=page, name=request.POST.get("name", ""), query=query
        )
    except (RecordInvalid, NotAllowed) as exc:
        text = "; ".join(_errors(exc)) if isinstance(exc, RecordInvalid) else str(exc)
        messages.error(request, _("The query was not saved: %(why)s") % {"why": text})
        return redirect(_url(page, query))
    messages.success(request, _("Saved as “%(name)s”.") % {"name": saved.name})
    return redirect(_url(page, saved.query))


@require_POST
@staff_view("stats.view")
def query_delete(request: HttpRequest, code: str) -> HttpResponse:
    page = request.POST.get("page", "")
    try:
        services.query_delete(user=staff_user(request), code=code)
    except SavedQuery.DoesNotExist as exc:
        raise Http404("not found") from exc
    messages.success(request, _("The saved query was deleted."))
    return redirect(_url(page if page in _PAGES else SavedQuery.Page.DATASET, ""))


def _url(page: str, query: str) -> str:
    # Re-encoded: a query typed into a form must not reach the Location header as it came.
    try:
        safe = urlencode(parse_qsl(query[: queries.MAX_QUERY], max_num_fields=40))
    except ValueError:
        safe = ""
    return reverse(_PAGES[page]) + (f"?{safe}" if safe else "")


@require_GET
@staff_view("stats.view")
def dyads_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    ranked = selectors.dyad_watch(user=user)
    return render(
        request,
        "insight/dyads.html",
        {
            "ranked": ranked[:100],
            "total": len(ranked),
            "predictors": dyads.load(),
            "names": countries.names(get_language() or "en"),
            "k": int(settings.STATISTICS_MIN_CELL),
            "identified": not selectors.deidentified(user),
            "rated": selectors.freedom_editions(),
            "labels": selectors.predictor_labels(),
        },
    )
