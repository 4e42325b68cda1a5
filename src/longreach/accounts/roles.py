"""Roles and the one permission check, ``allowed(user, action)``.

Default deny: an action not listed for a role is refused, and an unknown
action name is a programming error (KeyError), never a silent yes. Access to
compartment data needs the action *and* a membership (see selectors).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "administrator", _("Administrator")
    LEAD = "lead", _("Compartment lead")
    ANALYST = "analyst", _("Analyst")
    VOLUNTEER = "volunteer", _("Intake volunteer")
    RESEARCHER = "researcher", _("Researcher")
    AUDITOR = "auditor", _("Auditor")


# action -> roles allowed; documented in docs/admin-guide.md (a test keeps them in step).
ACTIONS: dict[str, frozenset[Role]] = {
    "compartment.list": frozenset({Role.ADMIN, Role.LEAD, Role.ANALYST, Role.VOLUNTEER}),
    "compartment.view": frozenset({Role.LEAD, Role.ANALYST, Role.VOLUNTEER}),
    "compartment.create": frozenset({Role.ADMIN}),
    "membership.request": frozenset({Role.ADMIN, Role.LEAD}),
    "membership.approve": frozenset({Role.ADMIN, Role.LEAD}),
    "membership.revoke": frozenset({Role.ADMIN, Role.LEAD}),
    "compartment.rotate_key": frozenset({Role.ADMIN, Role.LEAD}),
    "case.read": frozenset({Role.LEAD, Role.ANALYST}),
    "case.write": frozenset({Role.LEAD, Role.ANALYST}),
    "export.approve": frozenset({Role.ADMIN, Role.LEAD}),
    "evidence.read": frozenset({Role.LEAD, Role.ANALYST}),
    "evidence.write": frozenset({Role.LEAD, Role.ANALYST}),
    "evidence.approve": frozenset({Role.ADMIN, Role.LEAD}),
    "identity.reveal": frozenset({Role.LEAD, Role.ANALYST}),
    "history.view": frozenset({Role.LEAD}),
    "triage.view": frozenset({Role.LEAD, Role.ANALYST, Role.VOLUNTEER}),
    "triage.decide": frozenset({Role.LEAD, Role.ANALYST, Role.VOLUNTEER}),
    "triage.open_case": frozenset({Role.LEAD, Role.ANALYST, Role.VOLUNTEER}),
    "stats.view": frozenset({Role.ADMIN, Role.LEAD, Role.ANALYST, Role.RESEARCHER}),
    "stats.publish": frozenset({Role.ADMIN, Role.LEAD}),
    "audit.view": frozenset({Role.AUDITOR, Role.ADMIN}),
    "user.manage": frozenset({Role.ADMIN}),
    "vocab.manage": frozenset({Role.ADMIN}),
    "screening.run": frozenset({Role.LEAD, Role.ANALYST}),
    "watchlist.manage": frozenset({Role.LEAD, Role.ANALYST}),
    "screening.answer": frozenset({Role.LEAD}),
    "token.manage_own": frozenset({Role.ADMIN, Role.LEAD, Role.ANALYST, Role.RESEARCHER, Role.AUDITOR}),
}

# Roles whose work touches identifiers on the perpetrator side across compartments.
LINKAGE_ROLES = frozenset({Role.ADMIN, Role.LEAD, Role.ANALYST, Role.VOLUNTEER})


def allowed(user: object, action: str) -> bool:
    roles = ACTIONS[action]
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return getattr(user, "role", None) in roles
