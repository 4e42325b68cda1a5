"""The two-person rule as a reusable mechanism.

A sensitive action is first stored as a PendingAction by one person and
carried out only when a *different* authorised person approves it. Each kind
registers who may approve and what approval does; the checks common to all
kinds (self-approval, expiry, already decided) live here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from longreach.accounts.models import PendingAction, User

MEMBERSHIP_ADD = "membership.add"
BULK_EXPORT = "export.bulk"
VAULT_EXPORT = "vault.export"
VAULT_DELETE = "vault.delete"
LEGAL_REFERRAL = "legal.referral"


@dataclass(frozen=True)
class ActionSpec:
    can_approve: Callable[[Any, Any], bool]
    execute: Callable[[Any, Any], None]
    approved_event: str
    rejected_event: str
    on_reject: Callable[[Any, Any], None] | None = None


_REGISTRY: dict[str, ActionSpec] = {}


def register(
    kind: str,
    *,
    can_approve: Callable[[Any, Any], bool],
    execute: Callable[[Any, Any], None],
    approved_event: str,
    rejected_event: str,
    on_reject: Callable[[Any, Any], None] | None = None,
) -> None:
    """Declare a kind of pending action: who may approve, what approval does, how it is audited.

    ``on_reject`` undoes what the request itself set in motion (e.g. a deletion marked on an item).
    """
    _REGISTRY[kind] = ActionSpec(can_approve, execute, approved_event, rejected_event, on_reject)


def spec(kind: str) -> ActionSpec:
    return _REGISTRY[kind]


def refusal(action: PendingAction, approver: User) -> str | None:
    """Why ``approver`` may not approve ``action`` whatever its kind, or None."""
    from longreach.accounts.models import PendingAction

    if action.status != PendingAction.Status.PENDING:
        return "this request was already decided"
    if action.expires_at <= timezone.now():
        return "this request has expired; ask again"
    if action.requested_by_id == approver.pk:
        return "a second person must approve: you cannot approve your own request"
    if not approver.is_active:
        return "inactive users cannot approve"
    return None
