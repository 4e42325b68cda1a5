"""Filling a demo compartment with synthetic records through the normal services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from longreach.accounts.models import Compartment, User
from longreach.registry import services, synthetic
from longreach.registry.exchange import KINDS, ImportRecord
from longreach.registry.models import Case


def _locator(kind: str) -> Callable[[str], str]:
    return lambda path: f"synthetic {kind}: {path}"


def demo_fill(*, user: User, compartment: Compartment, incidents: int, seed: int, prefix: str) -> int:
    """Import a synthetic bundle, then give cases the consents, referrals and tasks their state implies."""
    generated = synthetic.generate(incidents=incidents, seed=seed, prefix=prefix)
    records = [ImportRecord(kind, item, _locator(kind)) for kind in KINDS for item in generated.bundle[kind]]
    services.records_import(user=user, compartment=compartment, records=records)
    today = timezone.localdate()
    late = {"SAFETY_PLAN", "REFERRALS_ACTIVE", "FOLLOW_UP", "MONITORING", "CLOSED", "REOPENED"}
    for n, case in enumerate(Case.objects.filter(compartment=compartment).order_by("code")):
        state = generated.case_states.get(case.code, case.state)
        if state in {"NEW", "VETTING"}:
            continue
        services.consent_record(
            user=user, case=case, data={"purpose": "SUPPORT", "given_on": case.opened_on.isoformat()}
        )
        if state in late:
            services.referral_save(
                user=user,
                case=case,
                data={
                    "referral_type": [
                        "DIGITAL_SECURITY",
                        "LEGAL_IMMIGRATION",
                        "PSYCHOSOCIAL",
                        "NATIONAL_SECURITY_LINE",
                    ][n % 4],
                    "status": "made" if n % 3 else "accepted",
                    "recipient": "Synthetic partner organisation",
                },
            )
        if state not in {"CLOSED"}:
            due = today + dt.timedelta(days=(n % 21) - 7)  # a third of them overdue
            services.task_add(
                user=user,
                case=case,
                data={"title": "Call the client back", "due_on": due.isoformat(), "task_type": "FOLLOW_UP"},
            )
        if n % 9 == 0 and state in late:
            services.task_add(
                user=user,
                case=case,
                data={
                    "title": "Ask the authorities about the client's mother",
                    "task_type": "ORIGIN_STATE_ENQUIRY",
                    "due_on": (today + dt.timedelta(days=14)).isoformat(),
                },
            )
    return incidents
