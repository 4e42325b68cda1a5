"""Administration in the browser: staff users, their roles, factors and tokens, and new compartments.

Every change goes through ``accounts.services`` exactly as the command line's
does. Memberships stay under the two-person rule: a lead of the compartment
proposes (only a member holds the key to seal for the newcomer) and an
administrator or another lead approves at /approvals/.
"""

from __future__ import annotations

import base64
import secrets

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from longreach.accounts import selectors, services
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import ServiceError
from longreach.accounts.forms import CompartmentForm, ConfirmForm, NewUserForm, RoleForm
from longreach.accounts.models import User
from longreach.accounts.roles import Role


def _initial_password() -> str:
    return "lr-" + secrets.token_urlsafe(15)


def _shown_once(request: HttpRequest, user: User, device: TOTPDevice, password: str = "") -> HttpResponse:
    """The page that shows a new password and authenticator secret once; nothing of it is stored."""
    return render(
        request,
        "accounts/user_secret.html",
        {
            "person": user,
            "password": password,
            "secret": base64.b32encode(bytes.fromhex(device.key)).decode("ascii"),
            # segno writes the SVG from the otpauth link alone: no markup of ours goes in.
            "qr": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),  # noqa: S308
        },
    )


@staff_view("user.manage")
@require_http_methods(["GET", "POST"])
def users_view(request: HttpRequest) -> HttpResponse:
    admin = staff_user(request)
    role = request.GET.get("role", "")
    if role and role not in Role.values:
        messages.error(request, _("There is no role %(role)s; showing every user.") % {"role": role[:40]})
        role = ""
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = _initial_password()
        try:
            new = services.user_create(
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                password=password,
                acting_user=admin,
            )
        except ServiceError as exc:
            form.add_error("username", str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _shown_once(request, new.user, new.totp, password)
    return render(
        request,
        "accounts/users.html",
        {"people": selectors.users_overview(role=role), "form": form, "roles": Role.choices, "role": role},
    )


def _user_page(request: HttpRequest, person: User, role_form: RoleForm | None = None) -> HttpResponse:
    return render(
        request,
        "accounts/user.html",
        {
            "person": person,
            "compartments": selectors.compartments_of(user=person),
            "tokens": selectors.live_tokens_of(user=person),
            "has_factor": selectors.has_factor(user=person),
            "role_form": role_form or RoleForm(initial={"role": person.role}),
            "confirm_form": ConfirmForm(),
            "is_self": person.pk == staff_user(request).pk,
        },
    )


@staff_view("user.manage")
def user_view(request: HttpRequest, code: str) -> HttpResponse:
    return _user_page(request, selectors.user_by_code(code=code))


@staff_view("user.manage")
@require_POST
def user_action_view(request: HttpRequest, code: str, action: str) -> HttpResponse:
    admin = staff_user(request)
    person = selectors.user_by_code(code=code)
    if action not in ("deactivate", "reactivate", "reset-factor", "role", "revoke-tokens"):
        raise Http404("not found")
    if action in ("deactivate", "reset-factor") and not ConfirmForm(request.POST).is_valid():
        messages.error(request, _("Tick the box to confirm: this ends the person's sessions."))
        return redirect("user", code=person.code)
    role_form = RoleForm(request.POST) if action == "role" else None
    if role_form is not None and not role_form.is_valid():
        return _user_page(request, person, role_form)
    name = {"name": person.username}
    try:
        if action == "deactivate":
            services.user_deactivate(user=person, acting_user=admin)
            done = (
                _("%(name)s can no longer log in; their sessions ended and their tokens were revoked.") % name
            )
        elif action == "reactivate":
            services.user_reactivate(user=person, acting_user=admin)
            done = _("%(name)s can log in again, with their compartments as before.") % name
        elif action == "reset-factor":
            return _shown_once(request, person, services.user_reset_factor(user=person, acting_user=admin))
        elif action == "role":
            assert role_form is not None
            services.user_set_role(user=person, role=role_form.cleaned_data["role"], acting_user=admin)
            done = _("%(name)s has the new role; their sessions ended so it applies at once.") % name
        else:
            n = services.user_revoke_tokens(user=person, acting_user=admin)
            done = ngettext("%(n)d token of %(name)s revoked.", "%(n)d tokens of %(name)s revoked.", n) % {
                "n": n,
                **name,
            }
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("user", code=person.code)


@staff_view("user.manage")
@require_POST
def user_token_revoke_view(request: HttpRequest, code: str, prefix: str) -> HttpResponse:
    person = selectors.user_by_code(code=code)
    services.token_revoke(
        token=selectors.token_of(user=person, prefix=prefix), acting_user=staff_user(request)
    )
    messages.success(request, _("Token revoked."))
    return redirect("user", code=person.code)


@staff_view("compartment.create")
@require_http_methods(["GET", "POST"])
def compartment_new_view(request: HttpRequest) -> HttpResponse:
    candidates = list(selectors.first_member_candidates().values_list("username", flat=True))
    form = CompartmentForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            compartment = services.compartment_create(
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                lead=User.objects.get(username=form.cleaned_data["lead"]),
                acting_user=staff_user(request),
            )
        except ServiceError as exc:
            form.add_error("slug", str(exc))
        else:
            messages.success(
                request,
                _("Compartment created with its own key. %(name)s can now propose its other members.")
                % {"name": form.cleaned_data["lead"]},
            )
            return redirect("compartment", code=compartment.code)
    return render(request, "accounts/compartment_new.html", {"form": form, "candidates": candidates})
