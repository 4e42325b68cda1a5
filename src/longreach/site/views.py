"""Pages over the lower floors: home, the inbox, the one search box and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from longreach.accounts import selectors as account_selectors
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.roles import allowed
from longreach.audit import selectors as audit_selectors
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.codes import is_code
from longreach.geo import countries
from longreach.insight import selectors as insight_selectors
from longreach.insight import services as insight_services
from longreach.legal import selectors as legal_selectors
from longreach.messages import services as message_services
from longreach.registry import selectors as registry_selectors
from longreach.site import inbox, search
from longreach.vocab.selectors import catalogue


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


@staff_view()
def inbox_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    language = get_language() or "en"
    box = inbox.inbox_for(user)
    return render(
        request,
        "site/inbox.html",
        {
            "box": box,
            "labels": catalogue().labels,
            "names": countries.names(language) if box.surges.total else {},
            "families": insight_selectors.family_labels(language) if box.surges.total else {},
        },
    )


@staff_view()
@require_POST
def inbox_seen_view(request: HttpRequest) -> HttpResponse:
    """Mark seen the alerts and surges that were listed on the page (not any that came since)."""
    user = staff_user(request)
    listed = {
        name: [c for c in request.POST.getlist(name)[: inbox.SHOWN] if is_code(c)]
        for name in ("alert", "surge")
    }
    n = (
        message_services.alerts_seen_all(user=user, codes=listed["alert"])
        if allowed(user, "case.read")
        else 0
    )
    n += (
        insight_services.surges_seen(user=user, codes=listed["surge"])
        if allowed(user, "export.approve")
        else 0
    )
    messages.success(
        request, ngettext("%(n)d alert marked as seen.", "%(n)d alerts marked as seen.", n) % {"n": n}
    )
    return redirect("inbox")


# Who acts when no user does: the server itself, the command line, setup and recovery, the public line.
ACTOR_LABELS = ("system", "cli", "setup", "demo-setup", "recovery-key", "public", "anonymous")


@staff_view("audit.view")
def audit_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    filters, problems = audit_selectors.audit_filters(request.GET)
    entries = audit_selectors.audit_entries(filters)
    if problems:
        entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    audit_record(
        Event.AUDIT_VIEWED,
        actor=request.user,
        detail={k: v for k, v in (("event", filters.event), ("filtered", bool(filters.query_string()))) if v},
    )
    # Compartments by name for those who may list them; everyone else sees their codes.
    names = account_selectors.compartment_names() if allowed(user, "compartment.list") else {}
    return render(
        request,
        "audit/audit.html",
        {
            "page": page,
            "events": Event.choices,
            "f": filters,
            "problems": problems,
            "query": filters.query_string(),
            "head": audit_selectors.latest_head(),
            "actors": account_selectors.user_names(),
            "labels": ACTOR_LABELS,
            "compartments": names,
        },
        status=400 if problems else 200,
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
