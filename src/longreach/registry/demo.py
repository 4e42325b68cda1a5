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


WAVE_DAYS = (0, 1, 1, 2, 3, 3, 4, 5, 6)  # days into the week before this one


def demo_wave(*, user: User, compartment: Compartment, today: dt.date | None = None) -> int:
    """A wave the surge watch should find: a week in which nine exiles in Türkiye learn that their
    relatives in Xinjiang were detained, against years of scattered incidents. It falls in the last
    full week, so the watch that runs when the demo is built has something to tell the lead."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    for n, offset in enumerate(WAVE_DAYS):
        given = synthetic.GIVEN_NAMES[n % len(synthetic.GIVEN_NAMES)]
        services.incident_create(
            user=user,
            compartment=compartment,
            data={
                "title": "Relatives detained after a call from the police",
                "narrative": "Synthetic: the caller said the family would go free if the client came home.",
                "origin_state": "CN",
                "host_country": "TR",
                "date": (monday + dt.timedelta(days=offset)).isoformat(),
                "acts": [
                    {
                        "tactics": ["FAMILY_THREAT", "RETURN_PRESSURE"],
                        "demands": ["RETURN_HOME"],
                        "channels": ["WECHAT"],
                        "origin_confidence": "PROBABLE",
                        "targets": [{"new_person": {"name": f"{given} W. (synthetic)"}}],
                        "relatives": [
                            {
                                "new_person": {"name": f"Father of {given} W. (synthetic)"},
                                "relationship": "FATHER",
                                "outcomes": ["DETAINED"],
                            }
                        ],
                    }
                ],
            },
        )
    return len(WAVE_DAYS)
