"""The documents drafted from a legal matter, as plain data. No Django.

A ``Dossier`` is what every document is drafted from: the matter's facts, the
incidents and exhibits it rests on (each exhibit with its SHA-256 and its chain of
custody from the ledger), the review's grounds with the caseworker's evidence, the
proceedings and their deadlines. ``legal.selectors.dossier`` fills it within what
the user may read; the templates in ``templates/legal/documents`` lay it out.

Four documents:

- ``ccf-request``: a request to the Commission for the Control of INTERPOL's Files,
  in English or French (two of the CCF's working languages) whatever the user's own;
- ``memo``: a memo for a lawyer in the host country, citing the rules by name;
- ``referral``: a packet for the police, a UN special procedure or a platform, with
  only the parts the client consented to share;
- ``summary``: the case on one page or two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from longreach.legal.review import Ground, Question


@dataclass(frozen=True)
class Spec:
    kind: str
    # The languages it is drafted in: None for any the interface speaks (the user's by default).
    languages: tuple[str, ...] | None
    filename: str


DOCUMENTS: dict[str, Spec] = {
    "ccf-request": Spec("ccf-request", ("en", "fr"), "ccf-request"),
    "memo": Spec("memo", None, "memo"),
    "referral": Spec("referral", None, "referral-packet"),
    "summary": Spec("summary", None, "case-summary"),
}

# What a CCF request may ask for: access to the data held, their correction or deletion, and provisional
# measures (access to the data blocked) while the Commission examines the request.
CCF_REQUESTS = ("access", "deletion", "interim")

# The parts of a matter a referral packet may carry; the first three say who the client is, and leave
# the organisation only with a lead's approval under the two-person rule.
SHAREABLE = ("name", "contact", "location", "facts", "incidents", "exhibits", "proceedings")
IDENTITY_PARTS = frozenset({"name", "contact", "location"})

# A referral to the host state's police or security service rests on consent to share with the host's
# authorities; any other on consent to a referral to the organisation named.
HOST_AUTHORITY_REFERRALS = frozenset({"EMERGENCY_POLICE", "NATIONAL_SECURITY_LINE"})

MAX_EXHIBITS = 500  # a document lists at most this many exhibits (the rest are counted, not listed)

# The French words of the CCF request for what the interface names in its own language.
FRENCH_KINDS = {
    "RED_NOTICE": "notice rouge d'INTERPOL",
    "DIFFUSION": "diffusion d'INTERPOL aux fins de recherche",
    "SLTD": "signalement du passeport comme perdu ou volé (base SLTD) ou annulé",
    "EXTRADITION": "demande d'extradition",
    "DEPORTATION": "mesure d'expulsion ou d'éloignement",
    "WANTED_LIST": "inscription sur une liste nationale de personnes recherchées",
    "ASYLUM_REFUSAL": "refus d'asile ou de séjour, avec un risque de renvoi",
    "TRAVEL_BAN": "interdiction de voyager",
}
FRENCH_CHARGES = {
    "TERRORISM": "terrorisme",
    "EXTREMISM": "extrémisme ou séparatisme",
    "FRAUD": "fraude ou infraction économique",
    "PUBLIC_ORDER": "atteinte à l'ordre public, « diffusion de fausses informations » ou outrage à l'État",
    "VIOLENCE": "infraction violente",
    "DRUGS": "stupéfiants",
    "OTHER": "autre",
    "UNKNOWN": "non connue",
}


class DocumentError(ValueError):
    """A document cannot be drafted as asked; the message says which field and why."""


def spec(kind: str) -> Spec:
    try:
        return DOCUMENTS[kind]
    except KeyError:
        raise DocumentError(f"document: {kind[:40]!r} is not one of {', '.join(DOCUMENTS)}") from None


def language_for(kind: str, asked: str, interface: tuple[str, ...], default: str) -> str:
    """The language a document is drafted in: the one asked if the document may be drafted in it, the
    user's own when none is asked."""
    allowed = spec(kind).languages or interface
    choice = asked or (default if default in allowed else allowed[0])
    if choice not in allowed:
        raise DocumentError(f"language: {choice[:20]!r}: this document is drafted in {', '.join(allowed)}")
    return choice


def shared_parts(asked: list[str]) -> tuple[str, ...]:
    """The parts of a referral packet asked for, checked and in their usual order."""
    unknown = sorted(set(asked) - set(SHAREABLE))
    if unknown:
        raise DocumentError(f"share: {unknown[0][:30]!r} is not one of {', '.join(SHAREABLE)}")
    if not asked:
        raise DocumentError("share: choose at least one part of the matter to share")
    return tuple(p for p in SHAREABLE if p in asked)


@dataclass(frozen=True)
class CustodyStep:
    at: dt.datetime
    event: str  # the ledger's event code, e.g. custody.acquired
    label: str
    actor: str
    index: int  # the event's place in the ledger, which proves it


@dataclass(frozen=True)
class Exhibit:
    number: int
    code: str
    sha256: str
    size: int
    media_type: str
    acquired_at: dt.datetime
    how: str
    steps: tuple[CustodyStep, ...]
    linked_to: tuple[str, ...]  # codes of the incidents or case it shows


@dataclass(frozen=True)
class Fact:
    code: str
    date: str  # a partial date as written (2021, 2021-03, 2021-03-04)
    title: str
    narrative: str
    tactics: tuple[str, ...]


@dataclass(frozen=True)
class Supported:
    question: Question
    evidence: str  # what the caseworker wrote as the evidence for the answer


@dataclass(frozen=True)
class GroundLine:
    ground: Ground
    met: bool
    supporting: tuple[Supported, ...]
    open: int  # questions not answered yet


@dataclass(frozen=True)
class DeadlineLine:
    due: dt.date
    state: str
    what: str
    source: str  # the rule's legal source, or that a user typed it in
    proceeding: str


@dataclass(frozen=True)
class ProceedingLine:
    code: str
    kind: str
    forum: str
    interim_measures: bool
    events: tuple[tuple[dt.date, str, str], ...]  # day, what, note


@dataclass
class Dossier:
    matter_code: str
    case_code: str
    kind: str
    kind_label: str
    requesting_state: str  # a name in the document's language
    host_country: str
    charges: str
    charge_category: str
    charge_label: str
    penalty: str
    issued_on: dt.date | None
    learned_on: dt.date | None
    arrested_on: dt.date | None
    interpol_ref: str
    status_label: str
    notes: str
    client: str  # the client's name when the user chose to name them, else the case's pseudonym
    client_named: bool
    made_on: dt.date
    made_by: str
    facts: list[Fact] = field(default_factory=list)
    exhibits: list[Exhibit] = field(default_factory=list)
    exhibits_left_out: int = 0
    grounds: list[GroundLine] = field(default_factory=list)
    proceedings: list[ProceedingLine] = field(default_factory=list)
    deadlines: list[DeadlineLine] = field(default_factory=list)
    patterns: dict[str, int] = field(default_factory=dict)
    case: dict[str, Any] = field(default_factory=dict)  # the summary's case facts
    other_matters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def met_grounds(self) -> list[GroundLine]:
        return [g for g in self.grounds if g.met]
