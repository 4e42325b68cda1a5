"""The inbox: what waits for one person, gathered from each app's own reads.

Nothing here decides access: every list comes from a selector that already
keeps to what the user may see. The inbox shows kinds, codes and counts;
opening an entry opens the record as usual (and is audited there).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import selectors as account_selectors
from longreach.accounts import services as account_services
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.insight import selectors as insight_selectors
from longreach.intake import selectors as intake_selectors
from longreach.legal import selectors as legal_selectors
from longreach.messages import selectors as message_selectors
from longreach.registry import selectors as registry_selectors

SHOWN = 20  # per section; the count says how many there are in all


@dataclass(frozen=True)
class Section:
    items: list[Any] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class Inbox:
    reports: Section
    replies: Section
    mentions: Section
    approvals: Section
    deadlines: Section
    tasks: Section
    alerts: Section
    surges: Section

    @property
    def total(self) -> int:
        return sum(getattr(self, name).total for name in self.__dataclass_fields__)


def _section(rows: Any) -> Section:
    if isinstance(rows, list):
        return Section(rows[:SHOWN], len(rows))
    return Section(list(rows[:SHOWN]), rows.count())


def _sources(user: User) -> dict[str, Any]:
    """Each section's rows (querysets stay lazy) for the roles that have that kind of work."""
    empty: list[Any] = []
    reads_cases = allowed(user, "case.read")
    return {
        "reports": intake_selectors.reports_unread(user) if allowed(user, "triage.view") else empty,
        "replies": intake_selectors.reports_awaiting_reply(user) if allowed(user, "triage.view") else empty,
        "mentions": registry_selectors.mentions_unseen(user=user) if reads_cases else empty,
        "approvals": account_selectors.pending_to_decide(user=user)
        if allowed(user, "membership.approve")
        else empty,
        "deadlines": [
            d
            for d in legal_selectors.deadlines_for_user(user, titles=False)
            if d.state in ("overdue", "soon")
        ]
        if reads_cases
        else empty,
        "tasks": registry_selectors.tasks_overdue_for(user=user) if reads_cases else empty,
        "alerts": message_selectors.alerts_for_user(user) if reads_cases else empty,
        "surges": insight_selectors.surge_alerts_unseen(user) if allowed(user, "export.approve") else empty,
    }


def inbox_for(user: User) -> Inbox:
    return Inbox(**{name: _section(rows) for name, rows in _sources(user).items()})


def waiting_count(user: User) -> int:
    """How many things wait for the user, counted in the database (for the bar and the e-mail)."""
    return sum(len(rows) if isinstance(rows, list) else rows.count() for rows in _sources(user).values())


def send_notices() -> int:
    """E-mail each person with an address, while something waits for them, at most once per
    ``NOTIFY_EMAIL_HOURS``. The e-mail says only that something waits: no count, no kind, no
    code, nothing a reader of the mailbox could learn a case from. Returns the number sent."""
    hours = settings.NOTIFY_EMAIL_HOURS
    if not hours:
        return 0
    sent = 0
    for user in account_selectors.users_to_notify(before=timezone.now() - dt.timedelta(hours=hours)):
        if not waiting_count(user):
            continue
        send_mail(
            subject="Longreach",
            message=_("You have something to look at in Longreach. Log in to see it."),
            from_email=None,
            recipient_list=[user.email],
        )
        account_services.user_notified(user=user)
        sent += 1
    return sent
