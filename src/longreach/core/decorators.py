"""The one gate in front of every staff view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record


def staff_view(
    action: str | None = None,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Require a full login (password, second factor, unlocked keys) and, if given, ``action``.

    A logged-in user without the action gets 404, like a missing page.
    """

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated or not user.is_verified() or request.keyring is None:  # type: ignore[attr-defined]
                return redirect("login")
            if action is not None and not allowed(user, action):
                audit_record(
                    Event.AUTHZ_DENIED,
                    actor=user,
                    object_type="page",
                    outcome="denied",
                    detail={"action": action},
                )
                raise Http404("not found")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def staff_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``staff_view`` (typed, checked)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("not found")
    return user
