from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from longreach.accounts.roles import allowed

NAV = [
    ("home", _("Home"), None),
    ("cases", _("Cases"), "case.read"),
    ("incidents", _("Incidents"), "case.read"),
    ("tasks", _("Tasks"), "case.read"),
    ("search", _("Search"), "case.read"),
    ("campaigns", _("Campaigns"), "case.read"),
    ("insight", _("Insight"), "stats.view"),
    ("screenings", _("Screening"), "screening.run"),
    ("evidence_exports", _("Packages"), "evidence.read"),
    ("triage", _("Triage"), "triage.view"),
    ("compartments", _("Compartments"), "compartment.list"),
    ("approvals", _("Approvals"), "membership.approve"),
    ("audit", _("Audit trail"), "audit.view"),
    ("account", _("Account"), None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return {"nav": []}
    return {
        "nav": [(name, label) for name, label, action in NAV if action is None or allowed(user, action)],
        "may_publish": allowed(user, "stats.publish"),  # the Insight tab that publishes statistics
    }
