"""The dashboard at /insight/ and each chart's data (CSV) and image (SVG, PNG), under the incident list's
filters (thin: filters in, selectors, charts out)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from longreach.accounts.access import staff_user, staff_view
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.geo import countries
from longreach.insight import charts, selectors
from longreach.registry.fields import RecordInvalid
from longreach.registry.filters import IncidentFilters, incident_filters
from longreach.registry.tabular import neutralise as inert


def _svg(dash: selectors.Dashboard, chart: selectors.Chart, rtl: bool) -> str:
    withheld = _("fewer than %(k)d") % {"k": dash.threshold}
    if chart.stacks:
        return charts.columns(
            chart.periods,
            [charts.Stack(label, tuple(v)) for label, v in chart.stacks],
            title=chart.title,
            rtl=rtl,
        )
    return charts.bars(
        [charts.Bar(r.label, r.value, r.href) for r in chart.top],
        title=chart.title,
        withheld=withheld,
        rtl=rtl,
    )


def _maps(dash: selectors.Dashboard, language: str, rtl: bool) -> dict[str, str]:
    names = countries.names(language)
    return {
        "hosts": charts.world(dash.map_values, title=_("Host countries"), names=names, rtl=rtl),
        "origins": charts.world(dash.map_origins, title=_("Origin states"), names=names, rtl=rtl),
    }


def _read(request: HttpRequest) -> tuple[IncidentFilters, list[str]]:
    try:
        return incident_filters(request.GET, strict=False), []
    except RecordInvalid as exc:
        return IncidentFilters(), [f"{e.path}: {e.message}" for e in exc.errors]


@require_GET
@staff_view("stats.view")
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    filters, errors = _read(request)
    if errors:
        return render(request, "insight/dashboard.html", {"errors": errors}, status=400)
    language, rtl = get_language() or "en", bool(get_language_bidi())
    try:
        dash = selectors.dashboard(user=user, filters=filters, language=language)
    except RecordInvalid as exc:
        errors = [f"{e.path}: {e.message}" for e in exc.errors]
        return render(request, "insight/dashboard.html", {"errors": errors}, status=400)
    drawn = [(chart, _svg(dash, chart, rtl)) for chart in dash.charts.values()]
    query = request.GET.urlencode()
    return render(
        request,
        "insight/dashboard.html",
        {
            "dash": dash,
            "drawn": drawn,
            "maps": _maps(dash, language, rtl),
            "query": query,
            "f": filters,
            "surges": selectors.surge_alerts(user),
            "names": countries.names(language),
            "families": dict(selectors.family_labels(language)),
        },
    )


@require_GET
@staff_view("stats.view")
def chart_file(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One chart's numbers as CSV (every row, withheld cells marked) or its image as SVG; audited for a
    de-identified dashboard, whose downloads leave as published numbers."""
    user = staff_user(request)
    if fmt not in ("csv", "svg", "png") or not name.replace("-", "_").isidentifier():
        raise Http404("not found")
    filters, errors = _read(request)
    if errors:
        return HttpResponse("; ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    language, rtl = get_language() or "en", bool(get_language_bidi())
    try:
        dash = selectors.dashboard(user=user, filters=filters, language=language)
    except RecordInvalid as exc:
        message = "; ".join(f"{e.path}: {e.message}" for e in exc.errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    body: str | bytes
    if name in ("map-hosts", "map-origins") and fmt != "csv":
        body, kind = _maps(dash, language, rtl)[name[4:]], "image/svg+xml"
    elif name in dash.charts:
        chart = dash.charts[name]
        if fmt == "csv":
            body, kind = _csv(chart), "text/csv; charset=utf-8"
        else:
            body, kind = _svg(dash, chart, rtl), "image/svg+xml"
    else:
        raise Http404("not found")
    if fmt == "png":
        body, kind = charts.png(str(body)), "image/png"
    if not dash.identified:
        audit_record(
            Event.STATISTICS_DOWNLOADED,
            actor=user,
            object_type="chart",
            object_code=name,
            detail={"format": fmt, "filters": len(request.GET)},
        )
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="longreach-{name}.{fmt}"'
    return response


def _csv(chart: selectors.Chart) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    if chart.stacks:
        writer.writerow([chart.columns[0], *(inert(label) for label, _v in chart.stacks)])
        for k, period in enumerate(chart.periods):
            writer.writerow([period, *(values[k] for _l, values in chart.stacks)])
    else:
        writer.writerow(["code", chart.columns[0], chart.columns[1], "suppressed"])
        for row in chart.rows:
            writer.writerow(
                [inert(row.key), inert(row.label), "" if row.value is None else row.value, row.value is None]
            )
    return out.getvalue()
