"""Reads over accounts and compartments, always scoped to the asking user.

Who may see what is decided in ``accounts.access``; these are the queries.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def users_overview(*, role: str = "") -> QuerySet[User]:
    """Every staff user with their live tokens and memberships counted, active ones first."""
    users = User.objects.annotate(
        live_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True), distinct=True),
        compartment_count=Count("memberships", distinct=True),
    ).order_by("-is_active", "username")
    return users.filter(role=role) if role else users


def user_by_code(*, code: str) -> User:
    """A staff user by code, or the 404 of a missing page."""
    found = User.objects.filter(code=code).first() if is_code(code) else None
    if found is None:
        raise Http404("not found")
    return found


def compartments_of(*, user: User) -> QuerySet[Compartment]:
    return Compartment.objects.filter(memberships__user=user).order_by("name")


def live_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def has_factor(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def first_member_candidates() -> QuerySet[User]:
    """Who can be a new compartment's first member (it holds the key): active leads and analysts."""
    return User.objects.filter(is_active=True, role__in=(Role.LEAD, Role.ANALYST)).order_by("username")


def pending_to_decide(*, user: User) -> QuerySet[PendingAction]:
    """Requests waiting for this user's decision (never their own)."""
    return pending_for_user(user=user).exclude(requested_by=user)


def users_to_notify(*, before: Any) -> QuerySet[User]:
    """Active users with an address for notices whose last notice was sent before ``before``."""
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(notified_at__isnull=True) | Q(notified_at__lt=before))
        .order_by("pk")
    )


def last_active_administrator(*, user: User) -> bool:
    """Whether ``user`` is the organisation's only active administrator."""
    return bool(
        user.role == Role.ADMIN
        and user.is_active
        and not User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()
    )
