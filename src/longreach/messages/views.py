"""Message pages: a case's messages as a timeline, one message, campaigns, alerts (thin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from longreach.accounts import access
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.audit.services import record_viewed
from longreach.messages import selectors, services
from longreach.messages.models import ChatImport
from longreach.messages.templatetags.chats import said
from longreach.registry.selectors import case_for_user
from longreach.vault import selectors as vault_selectors
from longreach.vault import services as vault_services
from longreach.vocab.selectors import catalogue


def flag_labels() -> dict[str, str]:
    return {
        "lookalike": _("Looks like a trusted domain"),
        "shortener": _("Link shortener"),
        "app_package": _("App package"),
        "archive_with_password": _("Archive sent with its password"),
        "ip_host": _("Bare IP address"),
        "indicator": _("Matches a known indicator"),
    }


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _could_be_chat(sniffed_type: str) -> bool:
    """Text, JSON, a zip or mail: what an export can be (photos, audio and video cannot)."""
    return sniffed_type.startswith(("text/", "message/")) or sniffed_type in (
        "application/json",
        "application/zip",
        "application/mbox",
        "application/octet-stream",
    )


def _labels() -> dict[str, str]:
    cat = catalogue()
    return {**cat.labels.get("tactic", {}), **cat.labels.get("demand", {})}


@require_GET
@staff_view("case.read")
def case_messages(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    case = case_for_user(user=user, code=code)
    q = request.GET
    errors = []
    since, until = _date(q.get("since", "")), _date(q.get("until", ""))
    if q.get("since") and since is None:
        errors.append(_("“From” is not a date (YYYY-MM-DD)."))
    if q.get("until") and until is None:
        errors.append(_("“To” is not a date (YYYY-MM-DD)."))
    filters = selectors.TimelineFilters(
        tag=q.get("tag", "")[:64],
        flag=q.get("flag", "")[:32],
        sender=q.get("sender", "")[:32],
        since=since,
        until=until,
        system=q.get("system", "1") != "0",
    )
    page = Paginator(selectors.case_messages(case=case, filters=filters), selectors.PAGE).get_page(
        q.get("page")
    )
    summary = selectors.case_message_summary(case)
    media = _media(user, list(page))
    read = set(
        ChatImport.objects.filter(case=case)
        .exclude(state=ChatImport.State.FAILED)
        .values_list("item_id", flat=True)
    )
    items = [
        link.item
        for link in vault_selectors.items_linked_to(case).select_related("item")
        if link.item.status == "active"
        and link.item.pk not in read
        and _could_be_chat(link.item.sniffed_type)
    ]
    return render(
        request,
        "messages/case_messages.html",
        {
            "case": case,
            "page": page,
            "media": media,
            "filters": filters,
            "errors": errors,
            "summary": summary,
            "senders": selectors.case_senders(case),
            "alerts": selectors.alerts_for_case(user=user, case=case),
            "labels": _labels(),
            "flag_labels": flag_labels(),
            "tag_model": selectors.tag_model_summary(user=user, compartment_id=case.compartment_id),
            "items": items,
            "writable": allowed(user, "evidence.write") and allowed(user, "case.write"),
            "query": {k: v for k, v in q.items() if k != "page"},
        },
    )


@require_POST
@staff_view("evidence.write")
def chat_import_new(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    case = case_for_user(user=user, code=code)
    item = vault_selectors.item_for_user(user=user, code=request.POST.get("item", "")[:32])
    options = services.ReadOptions(
        format=request.POST.get("format", "auto")[:16],
        date_order=request.POST.get("date_order", "")[:3],
        lenient=request.POST.get("lenient") == "1",
    )
    try:
        imp = services.chat_import_request(
            user=user, case=case, item=item, options=options, again=request.POST.get("again") == "1"
        )
    except ServiceError as exc:
        flash.error(request, str(exc))
        return redirect("case_messages", code=case.code)
    imp.refresh_from_db()
    if imp.state == ChatImport.State.QUEUED:
        return redirect("chat_import", code=imp.code)
    if imp.state == ChatImport.State.FAILED:
        reason = said(imp.report.get("error"))
        flash.error(request, _("The chat could not be read: %(reason)s") % {"reason": reason})
    elif imp.state == ChatImport.State.DONE:
        flash.success(request, _("%(n)s messages read from the chat.") % {"n": f"{imp.messages:,}"})
    return redirect("case_messages", code=case.code)


def _media(user: User, shown: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    """Images and voice notes of the shown messages, as their viewing copies (never the original).
    A waveform is read here and its view recorded in the item's custody; an image is recorded when
    the browser fetches it from the vault's copy address."""
    if not allowed(user, "evidence.read"):
        return {}
    rows = selectors.attachment_items(shown)
    kinds = vault_selectors.viewing_copy_kinds([item for _id, item in rows])
    media: dict[Any, list[dict[str, Any]]] = {}
    for message_id, item in rows:
        has = kinds.get(item.pk, set())
        if "image" in has:
            media.setdefault(message_id, []).append({"item": item, "image": True})
        elif "waveform" in has:
            drawn = vault_services.waveform(user=user, item=item)
            media.setdefault(message_id, []).append({"item": item, "waveform": drawn})
    return media


REFRESH_SECONDS = 3


@require_GET
@staff_view("case.read")
def chat_import_page(request: HttpRequest, code: str) -> HttpResponse:
    """A chat being read: how far it has got, reloading itself (no script) until the job ends."""
    imp = selectors.import_for_user(user=staff_user(request), code=code)
    return render(
        request,
        "messages/import.html",
        {"imp": imp, "refresh": REFRESH_SECONDS if imp.state == ChatImport.State.QUEUED else 0},
    )


@require_GET
@staff_view("case.read")
def message_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    message = selectors.message_for_user(user=user, code=code)
    record_viewed(user, message, "message")
    return render(
        request,
        "messages/message.html",
        {
            "m": message,
            "review": selectors.tag_review(message),
            "writable": allowed(user, "case.write"),
            "codes": sorted(_labels().items(), key=lambda kv: str(kv[1]).casefold()),
            "campaign": selectors.message_campaign(message),
            "identifiers": message.identifiers.all(),
            "attachments": message.attachment_items.select_related("item"),
            "labels": _labels(),
            "flag_labels": flag_labels(),
        },
    )


@require_POST
@staff_view("case.write")
def message_tag_judge(request: HttpRequest, code: str) -> HttpResponse:
    """An analyst says a message carries a tag (confirming it, or adding a missing one) or does not."""
    user = staff_user(request)
    message = selectors.message_for_user(user=user, code=code)
    tag = request.POST.get("tag", "").strip()
    verdict = request.POST.get("verdict", "")
    if not tag:
        flash.error(request, _("Choose a tag."))
    elif verdict not in ("carries", "not"):
        flash.error(request, _("Say whether the message carries the tag or not."))
    else:
        try:
            services.tag_judge(user=user, message=message, tag=tag, carries=verdict == "carries")
        except ServiceError as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, _("Saved. The compartment's model learns from it."))
    return redirect(reverse("message_detail", args=[message.code]) + "#tags")


@require_GET
@staff_view("case.read")
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    page = Paginator(selectors.campaigns_for_user(user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messages/campaigns.html",
        {
            "page": page,
            "names": selectors.campaign_names(user, [c.code for c in page]),
            "labels": _labels(),
            "alerts": selectors.alerts_for_user(user)[:50],
            "graph": selectors.campaigns_graph(user=user, campaigns=list(page)),
        },
    )


@require_GET
@staff_view("case.read")
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    view = selectors.campaign_for_user(user=user, code=code)
    record_viewed(user, view.campaign, "campaign")
    return render(request, "messages/campaign.html", _campaign_context(user, view))


def _campaign_context(user: User, view: selectors.CampaignView, **more: Any) -> dict[str, Any]:
    own = selectors.campaign_names(user, [view.campaign.code]).get(view.campaign.code, {})
    typed = more.get("typed", {})
    naming = [
        (c, typed.get(c.code, own.get(c.code, "")))
        for c in view.compartments
        if access.may(user, "case.write", c)
    ]
    return {
        "v": view,
        "labels": _labels(),
        "names": list(own.values()),
        "naming": naming,
        "name_error": more.get("error", ""),
        "max_name": services.CAMPAIGN_NAME_CHARS,
    }


@require_POST
@staff_view("case.write")
def campaign_name(request: HttpRequest, code: str) -> HttpResponse:
    """A compartment's own name for a campaign; only its members ever read it."""
    user = staff_user(request)
    view = selectors.campaign_for_user(user=user, code=code)
    compartment = next((c for c in view.compartments if c.code == request.POST.get("compartment")), None)
    typed = request.POST.get("name", "")[:10_000]
    try:
        if compartment is None:
            raise ServiceError(_("Choose one of your compartments that this campaign reaches."))
        services.campaign_name_set(user=user, campaign=view.campaign, compartment=compartment, name=typed)
    except (ServiceError, NotAllowed) as exc:
        kept = {compartment.code: typed} if compartment is not None else {}
        context = _campaign_context(user, view, typed=kept, error=str(exc))
        return render(request, "messages/campaign.html", context, status=400)
    flash.success(request, _("Name saved. Only members of %(name)s see it.") % {"name": compartment.name})
    return redirect("campaign_detail", code=view.campaign.code)


@require_POST
@staff_view("case.read")
def alert_seen(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    alert = selectors.alert_for_user(user=user, code=code)
    services.alert_seen(user=user, alert=alert)
    return redirect("case_messages", code=alert.case.code)
