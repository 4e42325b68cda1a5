"""Demo legal matters (synthetic): a red notice under a CCF deletion request, a diffusion, a passport
listing, and an extradition request in a host that shares a regional body with the requesting state."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from longreach.accounts.models import Compartment, User
from longreach.legal import services
from longreach.registry.models import Case


def demo_legal(*, user: User, compartment: Compartment) -> None:
    cases = list(Case.objects.filter(compartment=compartment).order_by("opened_on", "code")[:4])
    if len(cases) < 4:
        return
    today = timezone.localdate()
    red = services.matter_create(
        user=user,
        case=cases[0],
        data={
            "kind": "RED_NOTICE",
            "requesting_state": "CN",
            "host_country": "TR",
            "charges": "Organising and leading a terrorist organisation (synthetic demo)",
            "charge_category": "TERRORISM",
            "penalty": "10 years to life",
            "learned_on": (today - dt.timedelta(days=300)).isoformat(),
            "status": "CHALLENGED",
        },
    )
    ccf = services.proceeding_add(
        user=user,
        matter=red,
        data={"kind": "CCF_DELETION", "forum": "CCF, Lyon", "rules": "ccf-deletion,ccf-revision"},
    )
    services.event_add(
        user=user,
        proceeding=ccf,
        data={"what": "SUBMITTED", "on": (today - dt.timedelta(days=200)).isoformat()},
    )
    services.event_add(
        user=user,
        proceeding=ccf,
        data={"what": "ADMISSIBLE", "on": (today - dt.timedelta(days=150)).isoformat()},
    )
    services.matter_create(
        user=user,
        case=cases[1],
        data={
            "kind": "DIFFUSION",
            "requesting_state": "TJ",
            "host_country": "DE",
            "charges": "Public calls for extremist activity (synthetic demo)",
            "charge_category": "EXTREMISM",
        },
    )
    services.matter_create(
        user=user,
        case=cases[2],
        data={"kind": "SLTD", "requesting_state": "CN", "host_country": "KZ", "charge_category": "UNKNOWN"},
    )
    extradition = services.matter_create(
        user=user,
        case=cases[3],
        data={
            "kind": "EXTRADITION",
            "requesting_state": "TJ",
            "host_country": "RU",  # both members of the CSTO and the SCO
            "charges": "Participation in a banned organisation (synthetic demo)",
            "charge_category": "EXTREMISM",
            "arrested_on": (today - dt.timedelta(days=20)).isoformat(),
        },
    )
    hearing = services.proceeding_add(
        user=user, matter=extradition, data={"kind": "EXTRADITION_HEARING", "forum": "District court (demo)"}
    )
    services.typed_deadline_add(
        user=user,
        proceeding=hearing,
        data={
            "due": (today + dt.timedelta(days=6)).isoformat(),
            "what": "Appeal against the extradition decision: period to be confirmed by local counsel",
        },
    )
