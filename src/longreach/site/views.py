"""Pages over the lower floors: home (compartments, waiting approvals) and the audit trail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from longreach.accounts import selectors as account_selectors
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.roles import allowed
from longreach.audit import selectors as audit_selectors
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.geo import countries
from longreach.insight import selectors as insight_selectors
from longreach.legal import selectors as legal_selectors
from longreach.registry import selectors as registry_selectors
from longreach.site import search


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    language = get_language() or "en"
    surges = insight_selectors.surge_alerts(user, limit=10, days=28)
    return render(
        request,
        "site/home.html",
        {
            "compartments": account_selectors.compartments_for_user(user=user),
            "pending": account_selectors.pending_for_user(user=user)[:10],
            "deadlines": legal_selectors.deadlines_for_user(user)[:20] if allowed(user, "case.read") else [],
            "surges": surges,
            "names": countries.names(language) if surges else {},
            "families": insight_selectors.family_labels(language) if surges else {},
        },
    )


@staff_view("audit.view")
def audit_view(request: HttpRequest) -> HttpResponse:
    event = request.GET.get("event", "")
    if event not in Event.values:
        event = ""
    page = Paginator(audit_selectors.audit_entries(event=event), 50).get_page(request.GET.get("page"))
    audit_record(Event.AUDIT_VIEWED, actor=request.user, detail={"event": event} if event else {})
    return render(
        request,
        "audit/audit.html",
        {"page": page, "events": Event.choices, "event": event, "head": audit_selectors.latest_head()},
    )


@staff_view("case.read")
def search_view(request: HttpRequest) -> HttpResponse:
    """One box: a code, a phone number, e-mail, handle or name, or words; results grouped by kind."""
    user = staff_user(request)
    query = request.GET.get("q", "")
    if len(query) > search.MAX_QUERY:
        return render(
            request,
            "site/search.html",
            {
                "q": query[: search.MAX_QUERY],
                "error": _("Search for at most %(n)d characters.") % {"n": search.MAX_QUERY},
            },
            status=400,
        )
    found = search.find(user=user, query=query)
    return render(
        request,
        "site/search.html",
        {
            "q": found.query,
            "found": found,
            "searched": bool(found.query),
            "window": registry_selectors.TEXT_SEARCH_WINDOW,
        },
    )
