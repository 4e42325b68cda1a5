"""Who may do what to which record: the one place Longreach decides access.

Two questions decide every access to compartment data: does the user's role
allow the action (``roles.allowed``, default deny), and is the user a member of
the record's compartment. Administrators manage compartments without being
members, so for the few actions in ``ADMIN_ANY_COMPARTMENT`` their role is
enough; no such action reads a compartment's content.

Apps never repeat these checks. They ask this module for:

* ``compartments(user, action)`` - where the user may do the action (for lists);
* ``may`` / ``require`` - a yes/no, or a ``NotAllowed`` with a safe message;
* ``members_who_may`` - who in a compartment could take on a piece of work;
* ``record_for_user`` - one record by its code, or the same Http404 whether it
  is absent or out of reach; a refusal is audited;
* ``staff_view`` / ``staff_user`` - the gate in front of every staff page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from longreach.accounts.errors import NotAllowed
from longreach.accounts.models import Compartment, Membership, User
from longreach.accounts.roles import Role, allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_denied, audit_record
from longreach.core.codes import is_code

M = TypeVar("M", bound=Model)

# Deciding approvals and managing membership: an administrator's job in any
# compartment. None of these opens a record of the compartment.
ADMIN_ANY_COMPARTMENT = frozenset(
    {"compartment.list", "membership.approve", "membership.revoke", "export.approve", "evidence.approve"}
)


def is_member(user: Any, compartment: Compartment | Any) -> bool:
    """``compartment`` is a Compartment or its primary key."""
    key = compartment.pk if isinstance(compartment, Compartment) else compartment
    return Membership.objects.filter(user=user, compartment_id=key).exists()


def may(user: Any, action: str, compartment: Compartment | Any) -> bool:
    """The role allows ``action`` and the user belongs to ``compartment`` (or administers it)."""
    if not allowed(user, action):
        return False
    if user.role == Role.ADMIN and action in ADMIN_ANY_COMPARTMENT:
        return True
    return is_member(user, compartment)


# How a refusal by role is worded, in the terms of the work refused.
ROLE_REFUSALS = {
    "case.write": _("your role cannot change case records"),
    "identity.reveal": _("your role cannot reveal identities"),
    "triage.open_case": _("your role cannot open cases from reports"),
    "triage.view": _("your role cannot do this with reports"),
    "triage.decide": _("your role cannot do this with reports"),
}


def members_who_may(compartment: Compartment, action: str) -> list[User]:
    """The active members of ``compartment`` whose role allows ``action``, by username."""
    members = User.objects.filter(memberships__compartment=compartment, is_active=True).order_by("username")
    return [u for u in members if allowed(u, action)]


def require(user: Any, action: str, compartment: Compartment | Any) -> None:
    """Raise NotAllowed, with a message safe to show, unless ``may`` says yes."""
    if user is None or not allowed(user, action):
        raise NotAllowed(ROLE_REFUSALS.get(action, _("your role does not allow this")))
    if not may(user, action, compartment):
        raise NotAllowed(_("you are not a member of this compartment"))


def compartments(user: Any, action: str) -> QuerySet[Compartment]:
    """Compartments where ``user`` may do ``action``."""
    if not allowed(user, action):
        return Compartment.objects.none()
    if user.role == Role.ADMIN and action in ADMIN_ANY_COMPARTMENT:
        return Compartment.objects.all()
    return Compartment.objects.filter(memberships__user=user)


def scoped(source: type[M] | QuerySet[M], user: Any, action: str, via: str = "compartment") -> QuerySet[M]:
    """The rows of ``source`` whose compartment (reached through ``via``) allows ``action``."""
    qs = source if isinstance(source, QuerySet) else source._default_manager.all()
    return qs.filter(**{f"{via}__in": compartments(user, action)})


def _follow(record: Any, via: str | None) -> Compartment:
    for part in via.split("__") if via else ():
        record = getattr(record, part)
    assert isinstance(record, Compartment)
    return record


def record_for_user(
    source: type[M] | QuerySet[M],
    *,
    user: Any,
    code: str,
    action: str,
    kind: str,
    via: str | None = "compartment",
) -> M:
    """The record with ``code`` if ``user`` may do ``action`` in its compartment.

    Absent and forbidden get the same Http404, so a code cannot be probed; the
    forbidden case is audited with the action that was refused. ``via`` is the
    path from the record to its compartment (None: the record is one).
    """
    qs = source if isinstance(source, QuerySet) else source._default_manager.all()
    if via:
        qs = qs.select_related(via)
    found = qs.filter(code=code).first() if is_code(code) else None
    if found is None:
        raise Http404("not found")
    compartment = _follow(found, via)
    if may(user, action, compartment):
        return found
    audit_denied(user, compartment, kind, code, action)
    raise Http404("not found")


def compartment_for_user(*, user: Any, code: str, action: str = "compartment.view") -> Compartment:
    """The compartment with ``code`` if the user may do ``action`` in it; else 404, refusal audited."""
    return record_for_user(Compartment, user=user, code=code, action=action, kind="compartment", via=None)


def compartment_page_action(user: Any) -> str:
    """Members open their compartment's page; an administrator opens it to manage who belongs."""
    return "membership.approve" if getattr(user, "role", None) == Role.ADMIN else "compartment.view"


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

        # The access matrix test reads this to know what each route demands.
        wrapper.staff_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def staff_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``staff_view`` (typed, checked)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404("not found")
    return user
