"""The probe, kept as a test: every role without access, against every route that takes an object's
code, with real codes from another compartment and made-up codes of the same shape.

Each answer for a real object must be exactly the answer for a code that names nothing (status
and page, but for the CSRF mask and the code itself), so nobody learns what exists elsewhere,
and nothing may change. Prints how many attempts were made.
"""

from __future__ import annotations

import json
import random
import re
import string
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from longreach.audit.models import AuditEntry
from longreach.intake.models import Report, ReportFile
from longreach.keys.context import using_keyring
from longreach.messages.models import Message
from longreach.registry import services as registry
from longreach.registry.models import Case, Person, Source
from longreach.vault.models import EvidenceItem
from tests.django.test_intake_flow import ANSWERS, walk
from tests.django.test_messages import CHAT_A, case_in, keep, read, whatsapp_zip

pytestmark = pytest.mark.django_db

OUTSIDERS = ["analyst2", "researcher", "auditor", "admin", "volunteer"]


def made_up(code: str) -> str:
    """A code of the same shape that names nothing."""
    rng = random.Random(code)
    out = []
    for ch in code:
        if ch.isdigit():
            out.append(rng.choice(string.digits))
        elif ch.isupper():
            out.append(rng.choice(string.ascii_uppercase))
        elif ch.islower():
            out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(ch)
    return "".join(out)


@pytest.fixture
def objects(cast: Any, client_for: Any, incident: Any, routed: Any) -> dict[str, str]:
    """One of everything in demo-a, by kind."""
    case = case_in(cast, "analyst", "demo-a")
    with using_keyring(cast.keyring("analyst")):
        source = registry.source_create(
            user=cast.analyst,
            compartment=cast.compartments["demo-a"],
            data={"source_type": "VICTIM_TESTIMONY", "reliability": "B", "title": "t"},
        )
    item = keep(cast, "analyst", case, "WhatsApp Chat.zip", whatsapp_zip(CHAT_A))
    read(cast, "analyst", case, item)
    walk(Client(), ANSWERS, [("threat.png", b"\x89PNG fake" * 50)])
    return {
        "compartment": cast.compartments["demo-a"].code,
        "incident": incident.code,
        "case": case.code,
        "person": Person.objects.filter(compartment=cast.compartments["demo-a"]).first().code,  # type: ignore[union-attr]
        "source": source.code,
        "evidence": item.code,
        "message": Message.objects.first().code,  # type: ignore[union-attr]
        "report": Report.objects.get().code,
        "report_file": ReportFile.objects.get().code,
        "member": cast.analyst.code,
    }


UI = [
    ("get", "/compartments/{compartment}/"),
    ("get", "/compartments/{compartment}/incidents/new/"),
    ("get", "/compartments/{compartment}/cases/new/"),
    ("post", "/compartments/{compartment}/members/{member}/revoke/"),
    ("get", "/incidents/{incident}/"),
    ("post", "/incidents/{incident}/"),
    ("get", "/incidents/{incident}/edit/"),
    ("post", "/incidents/{incident}/edit/"),
    ("get", "/cases/{case}/"),
    ("get", "/cases/{case}/edit/"),
    ("post", "/cases/{case}/edit/"),
    ("post", "/cases/{case}/do/task/"),
    ("post", "/cases/{case}/do/assign/"),
    ("get", "/people/{person}/"),
    ("post", "/people/{person}/"),
    ("get", "/history/incident/{incident}/"),
    ("get", "/history/case/{case}/"),
    ("get", "/history/person/{person}/"),
    ("get", "/triage/files/{report_file}/"),
    ("get", "/triage/{report}/"),
    ("post", "/triage/{report}/urgency/"),
    ("post", "/triage/{report}/open-case/"),
    ("post", "/evidence/add/case/{case}/"),
    ("post", "/evidence/add/incident/{incident}/"),
    ("get", "/evidence/package/case/{case}/"),
    ("post", "/evidence/package/incident/{incident}/"),
    ("get", "/evidence/{evidence}/"),
    ("get", "/evidence/{evidence}/download/"),
    ("get", "/evidence/{evidence}/copy/image/"),
    ("post", "/evidence/{evidence}/do/link/"),
    ("post", "/evidence/{evidence}/do/delete/"),
    ("get", "/cases/{case}/messages/"),
    ("post", "/cases/{case}/messages/read/"),
    ("get", "/messages/{message}/"),
]
API = [
    ("get", "/api/v1/compartments/{compartment}"),
    ("post", "/api/v1/compartments/{compartment}/incidents"),
    ("post", "/api/v1/compartments/{compartment}/cases"),
    ("post", "/api/v1/compartments/{compartment}/people"),
    ("post", "/api/v1/compartments/{compartment}/sources"),
    ("post", "/api/v1/compartments/{compartment}/organisations"),
    ("get", "/api/v1/incidents/{incident}"),
    ("put", "/api/v1/incidents/{incident}"),
    ("get", "/api/v1/cases/{case}"),
    ("put", "/api/v1/cases/{case}"),
    ("get", "/api/v1/people/{person}"),
    ("put", "/api/v1/people/{person}"),
    ("post", "/api/v1/people/{person}/reveal"),
    ("get", "/api/v1/sources/{source}"),
    ("put", "/api/v1/sources/{source}"),
]
# Answers that differ by right, not by leak: the volunteer is a member of demo-a who triages its
# reports, and an administrator sees every compartment's members (to approve and revoke them).
THEIRS = {
    "volunteer": ("/triage/", "/compartments/{compartment}/", "/api/v1/compartments/{compartment}"),
    "admin": ("/compartments/{compartment}/", "/api/v1/compartments/{compartment}"),
}


def _same_page(content: bytes, code: str) -> bytes:
    content = re.sub(rb'name="(csrfmiddlewaretoken|next)" value="[^"]+"', b"", content)
    return content.replace(code.encode(), b"CODE")


def _fill(template: str, objects: dict[str, str], fake: bool) -> tuple[str, list[str]]:
    used = re.findall(r"{(\w+)}", template)
    values = {k: (made_up(objects[k]) if fake else objects[k]) for k in used}
    return template.format(**values), list(values.values())


def _snapshot() -> tuple[int, ...]:
    return (
        Case.objects.count(),
        EvidenceItem.objects.count(),
        Source.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.exclude(event__in=("authz.denied", "token.failure")).count(),
    )


def test_no_outsider_can_tell_a_real_object_from_a_made_up_one(
    cast: Any, client_for: Any, api: Any, objects: dict[str, str]
) -> None:
    attempts = identical = 0
    bodies = {"post": {"x": "1"}, "put": {"version": 1}}
    for who in OUTSIDERS:
        page, token = client_for(who), api(who)
        page.raise_request_exception = False
        before = _snapshot()
        for method, template in UI:
            if any(template.startswith(p) and not template.endswith("/new/") for p in THEIRS.get(who, ())):
                continue
            answers = []
            for fake in (False, True):
                url, codes = _fill(template, objects, fake)
                data = (
                    {"files": [SimpleUploadedFile("a.txt", b"x")]} if "/evidence/add/" in url else {"x": "1"}
                )
                r = page.get(url) if method == "get" else page.post(url, data)
                body = b"".join(r.streaming_content) if r.streaming else r.content
                for code in codes:
                    body = _same_page(body, code)
                answers.append((r.status_code, r.get("Location", ""), body))
                attempts += 1
            assert answers[0] == answers[1], (who, method, template, answers[0][:2], answers[1][:2])
            identical += 1
        for method, template in API:
            if method == "get" and template in THEIRS.get(who, ()):
                continue
            answers = []
            for fake in (False, True):
                url, codes = _fill(template, objects, fake)
                client = Client(raise_request_exception=False)
                if method == "get":
                    r = client.get(url, **token)
                else:
                    r = getattr(client, method)(
                        url, json.dumps(bodies[method]), content_type="application/json", **token
                    )
                body = r.content
                for code in codes:
                    body = _same_page(body, code)
                answers.append((r.status_code, body))
                attempts += 1
            assert answers[0] == answers[1], (who, method, template, answers[0], answers[1])
            identical += 1
        assert _snapshot() == before, who  # nothing was created, changed or deleted
    print(
        f"\nprobe: {attempts} attempts by {len(OUTSIDERS)} outsiders, "
        f"{identical} real/made-up pairs identical"
    )
    # Exclusions are for answers that differ by right; they must not quietly empty the probe.
    skipped = len(OUTSIDERS) * (len(UI) + len(API)) - identical
    # volunteer: 4 triage routes, the compartment page and a member's revocation, the API compartment;
    # admin: the compartment page, a member's revocation, the API compartment.
    assert skipped == 10, f"{skipped} route checks were skipped"
