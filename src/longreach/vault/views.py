"""Vault pages: upload to a case or incident, an item with its custody, downloads, packages.

Uploads are encrypted while they stream in (``core.uploads``, into the vault's
temp folder), so the view replaces Django's upload handlers before the body
is read: ``csrf_exempt`` outside, ``csrf_protect`` inside. What a refused or
failed upload wrote is removed when the request ends (the cleanup middleware).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from longreach.accounts import selectors as account_selectors
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import ServiceError
from longreach.accounts.roles import allowed
from longreach.audit.selectors import latest_head
from longreach.audit.services import as_head
from longreach.core.downloads import attachment
from longreach.core.uploads import EncryptingUploadHandler, describe
from longreach.crypto import CryptoError
from longreach.keys.models import OrgKeys
from longreach.ledger import heads
from longreach.ledger.merkle import ProofError
from longreach.vault import export, selectors, services, storage
from longreach.vault.models import EvidenceItem

UPLOAD_TARGETS = ("case", "incident")


def _back(kind: str, target: Any) -> HttpResponse:
    return redirect("case_detail" if kind == "case" else "incident_detail", code=target.code)


@csrf_exempt
@staff_view("evidence.write")
@require_POST
def evidence_upload(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    if kind not in UPLOAD_TARGETS:
        raise Http404("not found")
    handler = EncryptingUploadHandler(
        request,
        max_file=settings.VAULT_MAX_FILE_BYTES,
        max_files=settings.VAULT_MAX_FILES,
        quota=settings.VAULT_MAX_FILE_BYTES * settings.VAULT_MAX_FILES,
        tmp=storage.tmp_dir,
        keep_plain=settings.VAULT_INSPECT_BYTES,
        wants_plain=services.wants_plain,
    )
    request.upload_handlers = [handler]
    return _upload(request, handler, kind, code)


@csrf_protect
def _upload(request: HttpRequest, handler: EncryptingUploadHandler, kind: str, code: str) -> HttpResponse:
    user = staff_user(request)
    try:
        request.POST  # noqa: B018 (parsing happens on first access)
    except MultiPartParserError:
        messages.error(
            request, _("The upload could not be read: it was cut off or malformed. Nothing was kept.")
        )
        target = selectors.target_for_user(user=user, kind=kind, code=code)
        return _back(kind, target)
    target = selectors.target_for_user(user=user, kind=kind, code=code)
    note = request.POST.get("note", "")
    if handler.problems:
        messages.error(request, describe(handler.problems))
    if not handler.uploads and not handler.problems:
        messages.error(request, _("Choose at least one file."))
    kept = []
    for up in handler.uploads:
        incoming = services.Incoming.from_upload(up)
        try:
            acquired = services.item_acquire(
                user=user,
                compartment=target.compartment,
                incoming=incoming,
                how=EvidenceItem.How.UPLOAD,
                target=target,
                note=note,
            )
        except ServiceError as exc:
            messages.error(request, f"{up.name}: {exc}")
            break
        kept.append(acquired)
        if acquired.duplicate:
            messages.info(
                request,
                _("%(name)s is already in the vault as %(code)s; it is linked here and was not stored twice.")
                % {"name": up.name, "code": acquired.item.code},
            )
    fresh = [a.item.code for a in kept if not a.duplicate]
    if fresh:
        messages.success(request, _("Kept as evidence: %(codes)s.") % {"codes": ", ".join(fresh)})
    return _back(kind, target)


@staff_view("evidence.read")
@require_GET
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    item = selectors.item_for_user(user=user, code=code)
    services.item_viewed(user=user, item=item)
    head = latest_head()
    head_ok = False
    if head is not None:
        try:
            heads.verify(as_head(head), bytes(OrgKeys.get().signing_public_key))
            head_ok = True
        except ProofError:
            head_ok = False
    sealed = item.sealed
    return render(
        request,
        "vault/item.html",
        {
            "item": item,
            "name": sealed.get("name") or item.code,
            "metadata": sealed.get("metadata") or {},
            "links": item.links.select_related("case", "incident", "act__incident", "source", "created_by"),
            "custody": selectors.custody_with_proofs(item, head),
            "failures": selectors.integrity_failures(item),
            "people": account_selectors.user_names(),
            "head": head,
            "head_ok": head_ok,
            "writable": allowed(user, "evidence.write"),
            "deletion": services.deletion_pending(item),
            "kinds": services.TARGET_KINDS,
            "copy": _copies(user, item) if item.status == EvidenceItem.Status.ACTIVE else {},
        },
    )


COPY_STATES = {
    "pending": _lazy("The viewing copy is being made; reload the page in a moment."),
    "none:no-copy-for-type": _lazy("Files of this type get no viewing copy: download the original."),
    "none:too-large": _lazy("The file is too large for a viewing copy: download the original."),
    "none:pixel-flood": _lazy("The image claims too many pixels to be decoded safely."),
    "none:unreadable": _lazy("The file could not be read for a viewing copy (damaged or hostile)."),
    "none:encrypted": _lazy("The PDF is password-protected; no text could be taken from it."),
    "none:unsupported-audio": _lazy("This audio encoding cannot be drawn as a waveform."),
    "none:stale-job": _lazy("The server restarted before the viewing copy was made."),
}


def _copies(user: Any, item: EvidenceItem) -> dict[str, Any]:
    """What the item page shows of its viewing copy: an image link, text, or waveform points."""
    out: dict[str, Any] = {"state": COPY_STATES.get(item.copy_state, "")}
    kinds = set(item.copies.values_list("kind", flat=True))
    out["image"] = "image" in kinds
    if "text" in kinds:
        _type, data = services.copy_plaintext(user=user, item=item, kind="text", record=False)
        text = data.decode("utf-8", "replace")
        out["text"] = text[: services.SHOWN_TEXT_CHARS]
        out["text_cut"] = len(text) > services.SHOWN_TEXT_CHARS
    if "waveform" in kinds:
        drawn = services.waveform(user=user, item=item, record=False)
        out["waveform"], out["waveform_width"] = drawn.path, drawn.width
    return out


@staff_view("evidence.read")
@require_GET
def item_copy(request: HttpRequest, code: str, kind: str) -> HttpResponseBase:
    """A viewing copy: the re-encoded image inline (made by us, metadata stripped), text as a download."""
    user = staff_user(request)
    item = selectors.item_for_user(user=user, code=code)
    if kind not in ("image", "text"):
        raise Http404("not found")
    try:
        media_type, data = services.copy_plaintext(user=user, item=item, kind=kind)
    except ServiceError:
        raise Http404("not found") from None
    if kind == "text":
        return attachment([data], f"{item.code}-text.txt", len(data))
    # The one thing shown inline: a PNG we encoded ourselves from the pixels alone.
    response = HttpResponse(data, content_type=media_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


@staff_view("evidence.read")
@require_GET
def item_download(request: HttpRequest, code: str) -> HttpResponseBase:
    user = staff_user(request)
    item = selectors.item_for_user(user=user, code=code)
    try:
        download = services.item_download(user=user, item=item)
    except (CryptoError, ServiceError) as exc:
        messages.error(request, str(exc))
        return redirect("evidence_item", code=item.code)
    return attachment(download.chunks, download.name, download.size)


@staff_view("evidence.write")
@require_POST
def item_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    user = staff_user(request)
    item = selectors.item_for_user(user=user, code=code)
    try:
        if action == "link":
            kind = request.POST.get("kind", "")
            if kind not in services.TARGET_KINDS:
                raise ServiceError(_("choose what to link to: a case, incident, act or source"))
            target_code = request.POST.get("code", "").strip()
            try:
                target = selectors.target_for_user(user=user, kind=kind, code=target_code)
            except Http404:
                raise ServiceError(
                    _("no %(kind)s %(code)s that you can read") % {"kind": kind, "code": target_code[:20]}
                ) from None
            services.link_add(user=user, item=item, target=target, note=request.POST.get("note", ""))
            messages.success(request, _("Linked to %(code)s.") % {"code": target.code})
        elif action == "unlink":
            link = selectors.link_for_user(user=user, item=item, link_id=request.POST.get("link", ""))
            services.link_remove(user=user, link=link)
            messages.success(request, _("Link removed; the custody history keeps a record of it."))
        elif action == "copy":
            services.viewing_copy_again(user=user, item=item)
            messages.success(request, _("The viewing copy is being made."))
        elif action == "delete":
            pending = services.deletion_request(user=user, item=item)
            messages.success(
                request,
                _("Deletion requested (%(code)s). A lead of this compartment must approve it.")
                % {"code": pending.code},
            )
        else:
            raise Http404("not found")
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("evidence_item", code=item.code)


@staff_view("evidence.read")
@require_POST
def export_request(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    user = staff_user(request)
    if kind not in UPLOAD_TARGETS:
        raise Http404("not found")
    target = selectors.target_for_user(user=user, kind=kind, code=code)
    chosen = set(request.POST.getlist("items")[: services.MAX_EXPORT_ITEMS + 1])
    items = list(selectors.items_by_codes(user, chosen).filter(compartment=target.compartment))
    try:
        if len(items) != len(chosen):
            raise ServiceError(_("some of the chosen items are not in this compartment's vault"))
        action = services.export_request(
            user=user,
            compartment=target.compartment,
            items=items,
            recipient=request.POST.get("recipient", ""),
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return _back(kind, target)
    messages.success(
        request,
        _("Package request %(code)s is waiting for a lead of this compartment to approve it.")
        % {"code": action.code},
    )
    return redirect("evidence_exports")


@staff_view("evidence.read")
@require_GET
def exports_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(request, "vault/exports.html", {"exports": selectors.exports_for_user(user)[:200]})


@staff_view("evidence.read")
@require_POST
def export_download(request: HttpRequest, code: str) -> HttpResponseBase:
    user = staff_user(request)
    action = selectors.export_for_user(user=user, code=code)
    try:
        prepared = export.prepare(user=user, action=action)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("evidence_exports")
    suffix = ".zip.age" if prepared.recipient else ".zip"
    return attachment(export.chunks(prepared), f"evidence-{prepared.package_id}{suffix}")
