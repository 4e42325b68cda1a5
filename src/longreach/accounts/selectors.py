"""Reads over accounts and compartments, always scoped to the asking user.

``compartment_for_user`` is the one access helper for compartments: it
answers the same Http404 whether the compartment does not exist or the user
may not see it, and audits the second case.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from longreach.accounts.models import ApiToken, Compartment, Membership, PendingAction, User
from longreach.accounts.roles import Role, allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.codes import is_code


def compartments_for_user(*, user: User) -> QuerySet[Compartment]:
    if not allowed(user, "compartment.list"):
        return Compartment.objects.none()
    if user.role == Role.ADMIN:
        # Administrators see that compartments exist (to manage membership), never their content.
        return Compartment.objects.all()
    return Compartment.objects.filter(memberships__user=user)


def compartment_for_user(*, user: User, code: str, action: str = "compartment.view") -> Compartment:
    compartment = Compartment.objects.filter(code=code).first() if is_code(code) else None
    visible = (
        compartment is not None
        and allowed(user, action)
        and (
            Membership.objects.filter(user=user, compartment=compartment).exists()
            or (user.role == Role.ADMIN and action != "compartment.view" and allowed(user, action))
        )
    )
    if compartment is None or not visible:
        if compartment is not None:
            audit_record(
                Event.AUTHZ_DENIED,
                actor=user,
                compartment=compartment,
                object_type="compartment",
                object_code=compartment.code,
                outcome="denied",
                detail={"action": action},
            )
        raise Http404("not found")
    return compartment


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
    if not allowed(user, "membership.approve"):
        return base.filter(requested_by=user)
    return base.filter(Q(requested_by=user) | Q(compartment__memberships__user=user)).distinct()


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
