"""Login in two steps (password, then TOTP), logout, account, compartments, approvals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from longreach.accounts import access, selectors, services
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import ServiceError
from longreach.accounts.forms import (
    CodeForm,
    LoginForm,
    MemberRequestForm,
    NoticeForm,
    PasswordChangeForm,
    TokenForm,
)
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record, record_viewed
from longreach.core.codes import is_code
from longreach.crypto import CryptoError
from longreach.keys.session import keyring_store

PRE_AUTH = "lr_pre_auth_user"


def _failure_text() -> str:
    # One text for every failure (unknown user, wrong password, wrong code,
    # locked out) so the form is not an oracle for usernames or lockouts.
    return _("Those details were not accepted. After several failed attempts, wait 15 minutes and try again.")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a locked username: the same page, after the same work, as a wrong password.

    django-axes refuses before any password is hashed, so without the hash below a lock would
    answer ten times faster, and with an empty form, telling outsiders which names are locked.
    The login views answer a lock with this page, and axes's middleware then calls this again
    with that answer as ``original_response``: it is kept, so a lock is audited once.
    """
    if getattr(original_response, "lr_lock_answer", False):
        return original_response  # type: ignore[return-value]
    audit_record(Event.LOGIN_LOCKED, actor="anonymous", outcome="denied")
    request.session.pop(PRE_AUTH, None)
    User().set_password(str(request.POST.get("password", "")) or "-")  # one Argon2id, as a check costs
    form = LoginForm(request.POST if "username" in request.POST else None)
    form.is_valid()
    answer = render(request, "accounts/login.html", {"form": form, "error": _failure_text()})
    answer.lr_lock_answer = True  # type: ignore[attr-defined]
    return answer


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("home")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            username, password = form.cleaned_data["username"], form.cleaned_data["password"]
            user = authenticate(request, username=username, password=password)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            if user is not None and user.is_active:
                try:
                    private = services.user_unlock(user=user, password=password)
                except CryptoError:
                    user = None
                else:
                    request.session.cycle_key()
                    request.session[PRE_AUTH] = user.pk
                    keyring_store(request, user.pk, private)
                    return redirect("login_code")
            audit_record(
                Event.LOGIN_FAILURE, actor="anonymous", outcome="denied", detail={"step": "password"}
            )
        error = _failure_text()
    return render(request, "accounts/login.html", {"form": form, "error": error})


@require_http_methods(["GET", "POST"])
def login_code_view(request: HttpRequest) -> HttpResponse:
    pre_auth = request.session.get(PRE_AUTH)
    user = User.objects.filter(pk=pre_auth, is_active=True).first() if isinstance(pre_auth, int) else None
    if user is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        device = None
        if form.is_valid():
            token = form.cleaned_data["code"].strip()
            device = next(
                (
                    d
                    for d in TOTPDevice.objects.devices_for_user(user, confirmed=True)
                    if d.verify_token(token)
                ),
                None,
            )
        if device is not None:
            user.backend = "django.contrib.auth.backends.ModelBackend"
            keyring = request.session.get("lr_keyring")
            login(request, user)
            otp_login(request, device)
            request.session["lr_keyring"] = keyring
            del request.session[PRE_AUTH]
            services.session_register(user=user, session_key=request.session.session_key or _save(request))
            audit_record(Event.LOGIN_SUCCESS, actor=user)
            return redirect("home")
        # Counted by django-axes like a wrong password, so codes cannot be guessed.
        user_login_failed.send(sender=User, credentials={"username": user.username}, request=request)
        audit_record(Event.LOGIN_FAILURE, actor=user, outcome="denied", detail={"step": "second_factor"})
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        error = _failure_text()
    return render(request, "accounts/login_code.html", {"form": form, "error": error})


def _save(request: HttpRequest) -> str:
    request.session.save()
    return request.session.session_key or ""


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@staff_view()
@require_http_methods(["GET", "POST"])
def account_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoked = services.user_change_password(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ServiceError as exc:
            form.add_error("old_password", str(exc))
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            logout(request)
            done = _("Password changed. Every session has ended; log in with the new password.")
            if revoked:
                done += " " + ngettext(
                    "Your API token was revoked: make a new one for your scripts.",
                    "Your %(n)d API tokens were revoked: make new ones for your scripts.",
                    revoked,
                ) % {"n": revoked}
            messages.success(request, done)
            return redirect("login")
    return _account_page(request, user, form=form)


def _account_page(request: HttpRequest, user: User, **forms: Any) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "form": forms.get("form") or PasswordChangeForm(),
            "tokens": selectors.tokens_of(user=user),
            "token_form": forms.get("token_form") or TokenForm(),
            "notice_form": forms.get("notice_form") or NoticeForm(initial={"email": user.email}),
            "notices_on": settings.NOTIFY_EMAIL_HOURS,
            "new_token": forms.get("new_token", ""),
        },
    )


@staff_view()
@require_POST
def notice_address_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _account_page(request, user, notice_form=form)
    services.user_set_notice_address(user=user, email=form.cleaned_data["email"])
    messages.success(
        request,
        _("Notices will go to this address.") if user.email else _("No more e-mail notices."),
    )
    return redirect("account")


@staff_view("token.manage_own")
@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = TokenForm(request.POST)
    new_token = ""
    if form.is_valid():
        try:
            private = services.user_unlock(user=user, password=form.cleaned_data["password"])
            new_token = services.token_create(user=user, private_key=private, name=form.cleaned_data["name"])
        except CryptoError:
            form.add_error("password", _("The password is not correct."))
        except ServiceError as exc:
            form.add_error("name", str(exc))
    return _account_page(request, user, token_form=form, new_token=new_token)


@staff_view("token.manage_own")
@require_POST
def token_revoke_view(request: HttpRequest, prefix: str) -> HttpResponse:
    user = staff_user(request)
    services.token_revoke(token=selectors.token_of(user=user, prefix=prefix), acting_user=user)
    messages.success(request, _("Token revoked."))
    return redirect("account")


@staff_view("compartment.list")
def compartments_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/compartments.html",
        {
            "compartments": selectors.compartments_for_user(user=staff_user(request)),
            "can_create": allowed(staff_user(request), "compartment.create"),
        },
    )


@staff_view("compartment.list")
@require_http_methods(["GET", "POST"])
def compartment_view(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    action = access.compartment_page_action(user)
    compartment = access.compartment_for_user(user=user, code=code, action=action)
    candidates = list(selectors.candidates_for(compartment=compartment).values_list("username", flat=True))
    form = MemberRequestForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            target = User.objects.get(username=form.cleaned_data["username"])
            services.membership_request(compartment=compartment, user=target, acting_user=user)
        except ServiceError as exc:
            form.add_error("username", str(exc))
        else:
            messages.success(request, _("Request recorded. A second person must approve it."))
            return redirect("compartment", code=compartment.code)
    record_viewed(user, compartment, "compartment", Event.COMPARTMENT_READ, compartment=compartment)
    return render(
        request,
        "accounts/compartment.html",
        {
            "compartment": compartment,
            "members": selectors.members_of(compartment=compartment),
            "form": form,
            "can_request": user.role == "lead",
        },
    )


@staff_view("membership.revoke")
@require_POST
def member_revoke_view(request: HttpRequest, code: str, user_code: str) -> HttpResponse:
    user = staff_user(request)
    compartment = access.compartment_for_user(user=user, code=code, action="membership.revoke")
    member = (
        selectors.members_of(compartment=compartment).filter(code=user_code).first()
        if is_code(user_code)
        else None
    )
    if member is None:
        raise Http404("not found")
    services.membership_revoke(compartment=compartment, user=member, acting_user=user)
    messages.success(request, _("Membership ended and keys removed. Rotate the compartment key next."))
    return redirect("compartment", code=compartment.code)


@staff_view("membership.approve")
def approvals_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/approvals.html", {"pending": selectors.pending_for_user(user=staff_user(request))}
    )


@staff_view("membership.approve")
@require_POST
def approval_decide_view(request: HttpRequest, code: str, decision: str) -> HttpResponse:
    user = staff_user(request)
    if decision not in ("approve", "reject"):
        raise Http404("not found")
    action = selectors.pending_for_user_by_code(user=user, code=code)
    try:
        if decision == "approve":
            services.pending_approve(action=action, acting_user=user)
            messages.success(request, _("Approved and carried out."))
        else:
            services.pending_reject(action=action, acting_user=user)
            messages.success(request, _("Rejected."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("approvals")
