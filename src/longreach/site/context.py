from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from longreach.accounts.roles import allowed
from longreach.site import inbox

# (url name, label, the action that shows it, shown in the bar rather than under "More")
NAV = [
    ("home", _("Home"), None, True),
    ("cases", _("Cases"), "case.read", True),
    ("incidents", _("Incidents"), "case.read", True),
    ("tasks", _("Tasks"), "case.read", True),
    ("triage", _("Triage"), "triage.view", True),
    ("search", _("Search"), "case.read", True),
    ("insight", _("Insight"), "stats.view", True),
    ("campaigns", _("Campaigns"), "case.read", False),
    ("screenings", _("Screening"), "screening.run", False),
    ("evidence_exports", _("Packages"), "evidence.read", False),
    ("users", _("Users"), "user.manage", False),
    ("compartments", _("Compartments"), "compartment.list", False),
    ("approvals", _("Approvals"), "membership.approve", False),
    ("audit", _("Audit trail"), "audit.view", False),
    ("account", _("Account"), None, False),
]
IN_BAR = 7  # more than this and the bar wraps at 1,280 pixels: the rest go under "More"


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return {"nav": []}
    shown = [
        (name, label, bar) for name, label, action, bar in NAV if action is None or allowed(user, action)
    ]
    bar = [(name, label) for name, label, in_bar in shown if in_bar][:IN_BAR]
    # A role with few everyday pages (an administrator, an auditor) keeps its own pages in the bar.
    bar += [(name, label) for name, label, in_bar in shown if not in_bar][: max(0, IN_BAR - len(bar))]
    return {
        "nav": bar,
        "nav_more": [(name, label) for name, label, _in_bar in shown if (name, label) not in bar],
        "may_publish": allowed(user, "stats.publish"),
        "waiting": inbox.waiting_count(user),  # the Insight tab that publishes statistics
    }
