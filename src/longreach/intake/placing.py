"""Where each answer of a report goes when a case is opened from it: nothing typed again, nothing dropped.

A report's answers become the case (origin, host, community, urgency, the story as its summary),
the client (name, residence, community, status, how to reach them), an incident (what was done,
demanded and how, when, the relatives used as leverage and what happened to them) and a source: the
report itself as testimony, citing the reporter's exact words and what the callers knew as the
incident's statements. What has no field of its own (the safety answers, who is reporting, a child
involved, "more than once", a relative's "in the last two weeks") is written into the case summary
under a heading, in the words of the questions, so the caseworker reads it where they read the story.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from longreach.intake import questions
from longreach.registry.dates import PartialDate
from longreach.vocab.selectors import catalogue

# Answers with a field of their own in the records.
PLACED = frozenset(
    {
        "host_country",
        "origin_state",
        "community",
        "name",
        "immigration_status",
        "contact_channel",
        "contact_times",
        "tactics",
        "demands",
        "channels",
        "year",
        "month",
        "day",
        "story",
        "wording",
        "knew",
        "help",
        "consents",
        "relatives",
        "language",
    }
)

# What happened to a relative, as the codebook tactic it is evidence of: used only when the reporter
# ticked no tactic but told what was done to their family, so the incident is not lost for want of a
# tick. The caseworker is told the tactics were derived and from what.
TACTIC_OF_OUTCOME = {
    "DETAINED": "FAMILY_DETAINED",
    "IMPRISONED": "FAMILY_DETAINED",
    "DISAPPEARED": "FAMILY_DETAINED",
    "CAMP": "FAMILY_DETAINED",
    "SUMMONED": "FAMILY_DETAINED",
    "TRAVEL_BAN": "RELATIVES_TRAVEL_BAN",
    "JOB_OR_PENSION": "FAMILY_ECONOMIC",
    "ASSETS_SEIZED": "FAMILY_ECONOMIC",
    "FORCED_DENUNCIATION": "FAMILY_DENOUNCE",
    "FORCED_TO_CALL": "FAMILY_DENOUNCE",
}
FALLBACK_FAMILY_TACTIC = "FAMILY_THREAT"  # a relative used as leverage in another way


@dataclass
class Placed:
    case: dict[str, Any]
    client: dict[str, Any]
    incident: dict[str, Any] | None
    source: dict[str, Any] | None  # its citations are of the incident (the registry fills in its code)
    unplaced: list[str] = field(default_factory=list)  # lines the caseworker reads in the summary


def _language(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _date(answers: dict[str, Any], received: dt.date) -> str:
    year, month, day = answers.get("year"), answers.get("month"), answers.get("day")
    if not year:
        return received.strftime("%Y-%m")
    return str(
        PartialDate.parse(
            f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
        )
    )


def derived_tactics(relatives: list[dict[str, Any]]) -> list[str]:
    """The tactics what happened to the relatives is evidence of (none without a relative)."""
    found: list[str] = []
    for rel in relatives:
        for tactic in [
            TACTIC_OF_OUTCOME.get(o, FALLBACK_FAMILY_TACTIC) for o in rel.get("outcomes") or []
        ] or [FALLBACK_FAMILY_TACTIC]:
            if tactic not in found:
                found.append(tactic)
    return found


def place(answers: dict[str, Any], *, received: dt.date, report_code: str, urgency: str) -> Placed:
    contact = answers.get("contact_channel", "")
    language = answers.get("language", "")
    notes = [
        _("Safe contact: %(c)s") % {"c": contact} if contact else "",
        _("Times: %(t)s") % {"t": answers["contact_times"]} if answers.get("contact_times") else "",
        _("Wrote the report in %(language)s") % {"language": _language(language)} if language else "",
    ]
    client = {
        "name": answers.get("name", ""),
        "residence_country": answers["host_country"],
        "community": answers.get("community", ""),
        "immigration_status": answers.get("immigration_status", ""),
        "is_minor": False,  # "a child is involved" need not be the client: said in the summary instead
        "notes": "\n".join(n for n in notes if n),
    }
    unplaced = [
        f"{label}: {shown}"
        for label, shown in questions.describe({k: v for k, v in answers.items() if k not in PLACED})
    ]
    relatives = answers.get("relatives") or []
    recent = [rel for rel in relatives if rel.get("recent")]
    if recent:
        unplaced += [f"{label}: {shown}" for label, shown in questions.describe({"relatives": relatives})]
    tactics = list(answers.get("tactics") or [])
    if not tactics and relatives:
        tactics = derived_tactics(relatives)
        labels = dict(catalogue().choices.get("tactic", []))
        unplaced.append(
            _("No tactic was ticked; derived from what happened to the relatives: %(tactics)s")
            % {"tactics": ", ".join(str(labels.get(t, t)) for t in tactics)}
        )
    incident = None
    if tactics:
        incident = {
            "origin_state": answers["origin_state"],
            "host_country": answers["host_country"],
            "date": _date(answers, received),
            "title": _("Reported through the intake"),
            "narrative": "\n\n".join(
                part
                for part in (answers.get("story", ""), answers.get("wording", ""), answers.get("knew", ""))
                if part
            ),
            "acts": [
                {
                    "tactics": tactics,
                    "demands": answers.get("demands") or [],
                    "channels": answers.get("channels") or [],
                    "relatives": [
                        {
                            "new_person": {"name": ""},
                            "relationship": r["relationship"],
                            "outcomes": r.get("outcomes", []),
                        }
                        for r in relatives
                    ],
                }
            ],
        }
    else:
        # Nothing was done that the codebook can name: the rest is kept for the caseworker to code.
        unplaced += [
            f"{label}: {shown}"
            for label, shown in questions.describe(
                {k: answers[k] for k in ("demands", "channels", "year", "month", "day") if k in answers}
            )
        ]
        for key, label in (
            ("wording", _("Their exact words")),
            ("knew", _("What did they know about you? (optional)")),
        ):
            if answers.get(key):
                unplaced.append(f"{label}:\n{answers[key]}")
    source = None
    if incident is not None:
        statements = [
            (answers.get("wording", ""), _("their exact words")),
            (answers.get("knew", ""), _("what they knew")),
        ]
        source = {
            "source_type": "WITNESS"
            if answers.get("reporter") in ("relative", "organisation")
            else "VICTIM_TESTIMONY",
            "reliability": "F",
            "title": _("Report %(code)s through the reporting line") % {"code": report_code},
            "reference": report_code,
            "date": received.isoformat(),
            "citations": [
                {"credibility": "6", "statement": text, "locator": str(where)[:80]}
                for text, where in statements
                if text
            ]
            or [{"credibility": "6"}],
        }
    summary = answers.get("story", "")
    if unplaced:
        heading = _("From the report, not yet placed in the records:")
        summary = "\n\n".join(
            p for p in (summary, heading + "\n" + "\n".join(f"- {line}" for line in unplaced)) if p
        )
    case = {
        "state": "TRIAGED",
        "urgency": urgency,
        "origin_state": answers["origin_state"],
        "host_country": answers["host_country"],
        "community": answers.get("community", ""),
        "summary": summary,
    }
    return Placed(case, client, incident, source, unplaced)
