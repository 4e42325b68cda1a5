"""Demo legal matters (synthetic): a red notice under a CCF deletion request, a diffusion, a passport
listing, and an extradition request in a host that shares a regional body with the requesting state."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from longreach.accounts.models import Compartment, User
from longreach.legal import services
from longreach.legal.models import LegalMatter
from longreach.legal.validation import MatterInput
from longreach.registry import services as registry
from longreach.registry.models import Case
from longreach.vault import selectors as vault_selectors
from longreach.vault import services as vault_services

# Synthetic exhibits of the demo red notice (no real person or notice).
EXHIBITS = (
    ("red-notice-extract.txt", "Extract of the red notice as shown to the client's lawyer (synthetic demo)."),
    ("post-2019-03.txt", "The client's post about a mosque's demolition, as archived (synthetic demo)."),
    (
        "parents-call-note.txt",
        "Caseworker's note of a call: the client's parents questioned (synthetic demo).",
    ),
)


def _fields(matter: LegalMatter) -> dict[str, object]:
    return {f: getattr(matter, f) for f in MatterInput.model_fields}


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
    # What the documents are drafted from: the case's incidents and evidence, a review answered, and the
    # client's consent to a referral to a UN special procedure.
    for name, text in EXHIBITS:
        incoming = vault_services.encrypt_chunks(iter([text.encode()]), name=name)
        vault_services.item_acquire(
            user=user, compartment=compartment, incoming=incoming, how="upload", target=cases[0]
        )
    items = [i.code for i in vault_selectors.items_of_case(user, cases[0])[:6]]
    incidents = list(cases[0].incidents.values_list("code", flat=True))
    services.matter_update(user=user, matter=red, data=_fields(red), incidents=incidents, evidence=items)
    services.review_answer(
        user=user,
        matter=red,
        answers={
            "article-3.peaceful-activity": (
                "yes",
                "Charged after posting about a mosque's demolition (demo)",
            ),
            "article-3.vague-charges": ("yes", "The notice names no act of violence (demo)"),
            "article-3.relatives-targeted": ("yes", "Parents questioned twice after the notice (demo)"),
            "article-2.torture-risk": ("unknown", ""),
        },
    )
    registry.consent_record(
        user=user,
        case=cases[0],
        data={"purpose": "REFERRAL", "method": "WRITTEN", "recipient": "UN Special Rapporteur (demo)"},
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
