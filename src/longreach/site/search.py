"""One search box over every kind of record, each searched through its own app and only where the user
may read: a record code goes straight to its record, a phone number, e-mail, handle or full name is
looked up through the blind indexes, and words are looked for in the sealed text of the newest records
(opened in the request, kept nowhere)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.intake import selectors as intake_selectors
from longreach.intake import services as intake_services
from longreach.legal import selectors as legal_selectors
from longreach.messages import selectors as message_selectors
from longreach.registry import selectors as registry_selectors
from longreach.vault import selectors as vault_selectors

MAX_QUERY = 200
PER_GROUP = 50
CODE = re.compile(r"([A-Z])-[0-9A-Z]{4,14}")
PHONE = re.compile(r"\+?[0-9][0-9 ().\-]{5,30}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Hit:
    code: str
    url: str
    text: str = ""  # coded or short: never a narrative


@dataclass
class Group:
    kind: str
    label: Any
    hits: list[Hit] = field(default_factory=list)


@dataclass
class Found:
    query: str
    how: list[str]  # what the query was taken as: code, phone, e-mail, handle, name, words
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


GROUPS = [
    ("case", _("Cases")),
    ("incident", _("Incidents")),
    ("report", _("Reports")),
    ("person", _("People")),
    ("message", _("Messages")),
    ("evidence", _("Evidence")),
    ("source", _("Sources")),
    ("matter", _("Legal matters")),
]


def _hit(kind: str, record: Any) -> Hit:
    if kind == "source":
        # A source has no page of its own: it is shown on the incidents it supports.
        cited = record.citations.select_related("incident").first()
        url = reverse("incident_detail", args=[cited.incident.code]) if cited else ""
        return Hit(record.code, url, record.source_type)
    urls = {
        "case": "case_detail",
        "incident": "incident_detail",
        "report": "triage_detail",
        "person": "person_detail",
        "message": "message_detail",
        "evidence": "evidence_item",
        "matter": "legal_matter",
    }
    text = ""
    if kind == "incident":
        text = f"{record.date} · {record.origin_state} → {record.host_country}"
    elif kind == "case":
        text = f"{record.state} · {record.urgency}"
    elif kind == "message":
        text = f"{record.sent_at:%Y-%m-%d} · {record.case.code}"
    return Hit(record.code, reverse(urls[kind], args=[record.code]), text)


# Which record a code's letter names, and the app function that opens it for a user (404 otherwise).
BY_CODE: dict[str, tuple[str, str, Callable[..., Any]]] = {
    "C": ("case", "case.read", registry_selectors.case_for_user),
    "I": ("incident", "case.read", registry_selectors.incident_for_user),
    "P": ("person", "case.read", registry_selectors.person_for_user),
    "S": ("source", "case.read", registry_selectors.source_for_user),
    "R": ("report", "triage.view", intake_selectors.report_for_user),
    "E": ("evidence", "evidence.read", vault_selectors.item_for_user),
    "L": ("matter", "case.read", legal_selectors.matter_for_user),
}


def _identifier_kinds(query: str) -> list[str]:
    if EMAIL.fullmatch(query):
        return ["email"]
    if query.startswith("@") and len(query) > 1:
        return ["handle"]
    if PHONE.fullmatch(query) and sum(c.isdigit() for c in query) >= 7:
        return ["phone"]
    return ["name"] if any(c.isalpha() for c in query) else []


def find(*, user: User, query: str) -> Found:
    query = query.strip()[:MAX_QUERY]
    groups = {kind: Group(kind, label) for kind, label in GROUPS}
    how: list[str] = []
    if not query:
        return Found(query, how, [])
    code = CODE.fullmatch(query.upper())
    if code and code.group(1) in BY_CODE:
        kind, action, opener = BY_CODE[code.group(1)]
        how.append("code")
        if allowed(user, action):
            try:
                groups[kind].hits.append(_hit(kind, opener(user=user, code=query.upper())))
            except Http404:
                pass
        return Found(query, how, [g for g in groups.values() if g.hits])
    if allowed(user, "case.read"):
        for kind in _identifier_kinds(query):
            how.append(kind)
            people = registry_selectors.people_by_identifier(user=user, kind=kind, value=query)
            groups["person"].hits += [_hit("person", p) for p in people[:PER_GROUP]]
            involved = registry_selectors.incidents_involving(user=user, people=people)[:PER_GROUP]
            groups["incident"].hits += [_hit("incident", i) for i in involved]
    if len(query) >= 3:
        how.append("words")
        searches: list[tuple[str, str, Callable[..., list[Any]]]] = [
            ("case", "case.read", registry_selectors.cases_text_search),
            ("incident", "case.read", registry_selectors.incidents_text_search),
            ("source", "case.read", registry_selectors.sources_text_search),
            ("message", "case.read", message_selectors.messages_text_search),
            ("evidence", "evidence.read", vault_selectors.items_text_search),
            ("report", "triage.view", intake_services.reports_text_search),
        ]
        for kind, action, search in searches:
            if not allowed(user, action):
                continue
            seen = {h.code for h in groups[kind].hits}
            for record in search(user=user, query=query, limit=PER_GROUP):
                if record.code not in seen:
                    groups[kind].hits.append(_hit(kind, record))
    return Found(query, how, [g for g in groups.values() if g.hits])
