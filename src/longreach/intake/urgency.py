"""Suggested triage urgency P0–P3 from the rules of docs/codebook.md §8, with reasons.

No Django. A person confirms every suggestion; the reasons are codes that the
triage page shows in the volunteer's language, so they can see why and
disagree. Rules only ever raise urgency: adding a fact never lowers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LEVELS = ("P0", "P1", "P2", "P3")

# fact -> the level it sets on its own
RULES: dict[str, str] = {
    # P0 emergency: show the local emergency number at once.
    "IMMEDIATE_DANGER": "P0",
    "POLICE_THREAT_TO_LIFE": "P0",
    "REMOVAL_WITHIN_72H": "P0",  # deportation, extradition or travel to a risky third country
    "SUICIDAL_THOUGHTS": "P0",
    # P1 high: the same day.
    "CREDIBLE_VIOLENCE_THREAT": "P1",
    "RELATIVE_DETAINED_RECENTLY": "P1",  # detained or disappeared in the last two weeks
    "SPYWARE_OR_ACCOUNT_TAKEOVER": "P1",
    "DETAINED_IN_HOST": "P1",
    "RED_NOTICE_OR_EXTRADITION": "P1",
    "PHYSICAL_SURVEILLANCE": "P1",
    "ADDRESS_DOXXED": "P1",
    # P2 elevated: within 72 hours.
    "REPEATED_COERCIVE_CONTACT": "P2",
    "PRESSURE_ON_RELATIVES": "P2",
    "PHISHING_NOT_CLICKED": "P2",
    "DOCUMENTS_DENIED": "P2",
}

# Each raises urgency by one level (once, however many apply).
MODIFIERS = frozenset(
    {
        "PRECARIOUS_STATUS",
        "MINOR_INVOLVED",
        "HOST_DETAINS_OR_DEPORTS",  # the host country is known to detain or deport to the origin state
        "PERPETRATOR_KNOWS_ROUTINE",  # detailed knowledge of the target's address or routine
    }
)

# Codebook tactics that are, by themselves, one of the facts above.
TACTIC_FACTS: dict[str, str] = {
    "ASSASSINATION": "CREDIBLE_VIOLENCE_THREAT",
    "ASSAULT": "CREDIBLE_VIOLENCE_THREAT",
    "ABDUCTION": "CREDIBLE_VIOLENCE_THREAT",
    "DIRECT_THREAT": "CREDIBLE_VIOLENCE_THREAT",
    "DETENTION_HOST": "DETAINED_IN_HOST",
    "INTERPOL_RED_NOTICE": "RED_NOTICE_OR_EXTRADITION",
    "INTERPOL_DIFFUSION": "RED_NOTICE_OR_EXTRADITION",
    "EXTRADITION_REQUEST": "RED_NOTICE_OR_EXTRADITION",
    "EXTRADITION": "RED_NOTICE_OR_EXTRADITION",
    "SPYWARE": "SPYWARE_OR_ACCOUNT_TAKEOVER",
    "ACCOUNT_COMPROMISE": "SPYWARE_OR_ACCOUNT_TAKEOVER",
    "SURVEILLANCE": "PHYSICAL_SURVEILLANCE",
    "APPROACH_IN_PERSON": "PHYSICAL_SURVEILLANCE",
    "DOXXING": "ADDRESS_DOXXED",
    "FAMILY_THREAT": "PRESSURE_ON_RELATIVES",
    "FAMILY_DETAINED": "PRESSURE_ON_RELATIVES",
    "FAMILY_ECONOMIC": "PRESSURE_ON_RELATIVES",
    "FAMILY_DENOUNCE": "PRESSURE_ON_RELATIVES",
    "RELATIVES_TRAVEL_BAN": "PRESSURE_ON_RELATIVES",
    "PHISHING": "PHISHING_NOT_CLICKED",
    "DOCS_DENIED": "DOCUMENTS_DENIED",
}


class UnknownFact(ValueError):
    """A fact or modifier that the rules do not know (a typo would silently lower urgency)."""


@dataclass(frozen=True)
class Suggestion:
    level: str
    reasons: tuple[str, ...]  # the facts that set the level, then the modifier that raised it
    raised_by: tuple[str, ...]


def facts_from_tactics(tactics: Iterable[str]) -> set[str]:
    return {TACTIC_FACTS[t] for t in tactics if t in TACTIC_FACTS}


def suggest(facts: Iterable[str], modifiers: Iterable[str] = ()) -> Suggestion:
    facts, modifiers = set(facts), set(modifiers)
    unknown = (facts - RULES.keys()) | (modifiers - MODIFIERS)
    if unknown:
        raise UnknownFact(f"not a triage fact or modifier: {', '.join(sorted(unknown))}")
    base = min((LEVELS.index(RULES[f]) for f in facts), default=LEVELS.index("P3"))
    reasons = tuple(sorted(f for f in facts if LEVELS.index(RULES[f]) == base))
    raised = tuple(sorted(modifiers))
    level = max(base - 1, 0) if raised else base
    return Suggestion(level=LEVELS[level], reasons=reasons, raised_by=raised if level != base else ())
