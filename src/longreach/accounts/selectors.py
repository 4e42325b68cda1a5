"""Reads over accounts and compartments, always scoped to the asking user.

Who may see what is decided in ``accounts.access``; these are the queries.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from longreach.accounts import access
from longreach.accounts.models import ApiToken, Compartment, PendingAction, User
from longreach.accounts.roles import Role
from longreach.core.codes import is_code


def compartments_for_user(*, user: User) -> QuerySet[Compartment]:
    return access.compartments(user, "compartment.list")


def members_of(*, compartment: Compartment) -> QuerySet[User]:
    return User.objects.filter(memberships__compartment=compartment).order_by("username")


def candidates_for(*, compartment: Compartment) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, role__in=[Role.LEAD, Role.ANALYST, Role.VOLUNTEER])
        .exclude(memberships__compartment=compartment)
        .order_by("username")
    )


def pending_for_user(*, user: User) -> QuerySet[PendingAction]:
    """Requests this user made, or could decide."""
    base = PendingAction.objects.filter(status=PendingAction.Status.PENDING).select_related(
        "compartment", "target_user", "requested_by"
    )
    if user.role == Role.ADMIN:
        return base
    deciding = access.compartments(user, "membership.approve")
    return base.filter(Q(requested_by=user) | Q(compartment__in=deciding)).distinct()


def pending_for_user_by_code(*, user: User, code: str) -> PendingAction:
    action = pending_for_user(user=user).filter(code=code).first() if is_code(code) else None
    if action is None:
        raise Http404("not found")
    return action


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_of(*, user: User, prefix: str) -> ApiToken:
    token = tokens_of(user=user).filter(prefix=prefix).first() if is_code(prefix) else None
    if token is None:
        raise Http404("not found")
    return token


def compartment_names() -> dict[str, str]:
    """Compartment codes to names (for those whose role lists compartments)."""
    return dict(Compartment.objects.values_list("code", "name"))


def user_names() -> dict[str, str]:
    """User codes to usernames, for reading the audit trail."""
    return dict(User.objects.values_list("code", "username"))
