"""Publishing statistics: the leads' page that freezes a table for the public, and the public page
itself (no login, no JavaScript, no cookies: the language comes from the address or the browser)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import NotAllowed
from longreach.geo import countries
from longreach.insight import charts, queries, selectors, services
from longreach.insight.models import Publication
from longreach.registry.fields import RecordInvalid

# Nothing runs on the public page, whatever the rest of the site allows.
PUBLIC_CSP = {
    "script-src": ["'none'"],
    "connect-src": ["'none'"],
    "img-src": ["'self'"],
    "form-action": ["'none'"],
}


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 9 else None


def _float(value: str) -> float | None:
    try:
        return float(value.strip()) if value.strip() else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@staff_view("stats.publish")
def publish_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    errors: list[str] = []
    form = request.POST
    if request.method == "POST":
        raw_threshold = form.get("threshold", "")
        data = services.PublicationInput(
            title=form.get("title", "")[:1000],
            note=form.get("note", "")[:10000],
            group_by=tuple(form.getlist("group_by"))[:8],
            method=form.get("method", ""),
            # Left empty: the organisation's smallest count; not a number: refused by the service.
            threshold=(_int(raw_threshold) or 0)
            if raw_threshold.strip()
            else int(settings.STATISTICS_MIN_CELL),
            epsilon=_float(form.get("epsilon", "")),
            year_from=_int(form.get("year_from", "")),
            year_to=_int(form.get("year_to", "")),
        )
        try:
            made = services.publication_create(user=user, data=data)
        except RecordInvalid as exc:
            errors = [f"{e.path}: {e.message}" for e in exc.errors]
        except NotAllowed as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("Published: %(title)s") % {"title": made.title})
            return redirect("insight_publish")
    spent = selectors.epsilon_spent()
    return render(
        request,
        "insight/publish.html",
        {
            "enabled": settings.PUBLIC_STATISTICS,
            "publications": selectors.publications(public=False),
            "groups": list(queries.group_labels().items()),
            "labels": queries.group_labels(),
            "floor": settings.STATISTICS_MIN_CELL,
            "budget": settings.PUBLIC_EPSILON_BUDGET,
            "spent": spent,
            "left": max(settings.PUBLIC_EPSILON_BUDGET - spent, 0),
            "errors": errors,
            "form": form,
            "chosen": form.getlist("group_by"),
        },
        status=400 if errors else 200,
    )


@require_POST
@staff_view("stats.publish")
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    try:
        gone = services.publication_withdraw(user=staff_user(request), code=code)
    except Publication.DoesNotExist as exc:
        raise Http404("not found") from exc
    messages.success(request, _("Withdrawn from the public page: %(title)s") % {"title": gone.title})
    return redirect("insight_publish")


@require_GET
def public_statistics(request: HttpRequest) -> HttpResponse:
    if not settings.PUBLIC_STATISTICS:
        raise Http404("not found")
    asked = request.GET.get("lang", "")
    known = {code for code, _name in settings.LANGUAGES}
    if asked in known:
        translation.activate(asked)
        request.LANGUAGE_CODE = asked
    language, rtl = get_language() or "en", bool(get_language_bidi())
    names = countries.names(language)
    families = selectors.family_labels(language)

    def label(group: str, value: object) -> str:
        if group in ("origin_state", "host_country"):
            return names.get(str(value), str(value))
        if group == "tactic_family":
            return families.get(str(value), str(value))
        return str(value)

    tables = []
    for pub in selectors.publications(public=True):
        rows = [([label(g, row[g]) for g in pub.group_by], row["count"]) for row in pub.rows]
        chart = ""
        if len(pub.group_by) == 1 and rows:
            chart = charts.bars(
                [charts.Bar(cells[0], value, "") for cells, value in rows[: selectors.TOP]],
                title=pub.title,
                withheld=_("fewer than %(k)d") % {"k": pub.threshold},
                rtl=rtl,
            )
        tables.append((pub, rows, chart))
    response = render(
        request,
        "public/statistics.html",
        {
            "tables": tables,
            "labels": queries.group_labels(),
            "languages": settings.LANGUAGES,
            "budget": settings.PUBLIC_EPSILON_BUDGET,
            "spent": selectors.epsilon_spent(),
            "method": queries.method(),
        },
    )
    response._csp_replace = PUBLIC_CSP  # type: ignore[attr-defined]
    response["Cache-Control"] = "no-store"
    return response
