"""Synthetic registry data for the demo, tests and benchmarks (no Django).

Everything here is invented: names are common given names with an initial,
numbers are example ranges from libphonenumber, agencies are generic kinds.
Patterns follow the published reporting (who targets whom, through which
channel, with what demand) so that filters and statistics have something
realistic to show, and every tactic, state and outcome occurs at least once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers

# origin state -> (communities, host countries, typical channels, agency kinds)
SCENARIOS: dict[str, tuple[list[str], list[str], list[str], list[tuple[str, str]]]] = {
    "CN": (
        ["UYGHUR", "KAZAKH", "TIBETAN", "HONG_KONG", "HAN_CHINESE_DISSIDENT", "SOUTHERN_MONGOLIAN"],
        ["TR", "KZ", "DE", "NL", "US", "AU", "EG", "AE", "TH", "GB", "CA", "SE"],
        ["WHATSAPP", "WECHAT", "VIA_RELATIVE", "BROKERED_VIDEO_CALL", "VOICE_MESSAGE", "PHONE_CALL"],
        [("County public security bureau", "ORIGIN_POLICE"), ("State security bureau", "ORIGIN_STATE_SECURITY"),
         ("Consulate general", "EMBASSY_CONSULAR"), ("Overseas students and scholars association", "STUDENT_ASSOCIATION"),
         ("Neighbourhood committee", "ORIGIN_LOCAL_OFFICIAL")],
    ),
    "RU": (
        ["CHECHEN", "RUSSIAN"],
        ["DE", "LT", "GE", "TR", "FR", "AT"],
        ["TELEGRAM", "PHONE_CALL", "IN_PERSON_HOST", "INTERPOL"],
        [("Regional security directorate", "ORIGIN_STATE_SECURITY"), ("Republic interior ministry", "ORIGIN_POLICE"),
         ("Hired group", "CRIMINAL_HIRE")],
    ),
    "IR": (
        ["IRANIAN", "KURDISH"],
        ["GB", "US", "CA", "DE", "TR", "SE", "NL"],
        ["INSTAGRAM", "TELEGRAM", "EMAIL", "VIA_RELATIVE", "STATE_MEDIA"],
        [("Intelligence organisation", "ORIGIN_STATE_SECURITY"), ("Cyber unit", "TROLL_NETWORK"),
         ("Hired group", "CRIMINAL_HIRE")],
    ),
    "TJ": (
        ["TAJIK"],
        ["RU", "DE", "TR", "PL", "LT"],
        ["IMO", "PHONE_CALL", "VIA_RELATIVE", "INTERPOL"],
        [("State committee for national security", "ORIGIN_STATE_SECURITY"), ("Embassy", "EMBASSY_CONSULAR")],
    ),
    "RW": (
        ["RWANDAN"],
        ["GB", "BE", "ZA", "US", "UG"],
        ["WHATSAPP", "IN_PERSON_HOST", "X_TWITTER"],
        [("High commission", "EMBASSY_CONSULAR"), ("Diaspora association", "DIASPORA_PROXY")],
    ),
    "SA": (
        ["SAUDI"],
        ["US", "GB", "CA", "TR", "DE"],
        ["X_TWITTER", "SMS", "APP", "EMBASSY_CONSULATE"],
        [("Presidency of state security", "ORIGIN_STATE_SECURITY"), ("Online network", "TROLL_NETWORK"),
         ("Spyware vendor", "SPYWARE_VENDOR")],
    ),
    "BY": (
        ["BELARUSIAN"],
        ["LT", "PL", "DE", "UA"],
        ["TELEGRAM", "EMAIL", "COURT_OR_LEGAL"],
        [("State security committee", "ORIGIN_STATE_SECURITY"), ("Prosecutor's office", "ORIGIN_POLICE")],
    ),
    "TR": (
        ["TURKISH", "KURDISH"],
        ["DE", "KZ", "KG", "SE", "NL", "KE"],
        ["INTERPOL", "EMBASSY_CONSULATE", "COURT_OR_LEGAL", "PHONE_CALL"],
        [("National intelligence organisation", "ORIGIN_STATE_SECURITY"), ("Consulate", "EMBASSY_CONSULAR")],
    ),
    "ER": (
        ["ERITREAN"],
        ["SE", "NL", "DE", "GB"],
        ["EMBASSY_CONSULATE", "IN_PERSON_HOST", "PHONE_CALL"],
        [("Embassy", "EMBASSY_CONSULAR"), ("Party youth wing", "PARTY_OR_UNITED_FRONT")],
    ),
    "EG": (
        ["EGYPTIAN"],
        ["DE", "GB", "TR", "US"],
        ["FACEBOOK", "VIA_RELATIVE", "EMBASSY_CONSULATE"],
        [("National security agency", "ORIGIN_STATE_SECURITY"), ("Consulate", "EMBASSY_CONSULAR")],
    ),
}  # fmt: skip

GIVEN_NAMES = [
    "Aygul", "Mehmet", "Dilnur", "Erkin", "Gulnar", "Nurlan", "Tenzin", "Ka-wai", "Wei", "Saule",
    "Zelimkhan", "Aminat", "Maryam", "Reza", "Shirin", "Farrukh", "Jean-Paul", "Claudine", "Abdullah",
    "Noura", "Alena", "Siarhei", "Elif", "Yusuf", "Selam", "Tesfay", "Ahmed", "Mona", "Bolat", "Aidana",
]  # fmt: skip
INITIALS = "ABDEGHIKLMNORSTUYZ"

TACTICS_BY_FAMILY = {
    "DIRECT_ATTACK": ["ASSASSINATION", "ASSAULT", "ABDUCTION", "DETENTION_HOST", "DEPORTATION", "RENDITION",
                      "EXTRADITION"],
    "CO_OPTING": ["INTERPOL_RED_NOTICE", "INTERPOL_DIFFUSION", "INTERPOL_SLTD", "EXTRADITION_REQUEST",
                  "RO_BLACKLIST", "HOST_SURVEILLANCE"],
    "MOBILITY": ["DOCS_DENIED", "CITIZENSHIP_REVOKED", "RELATIVES_TRAVEL_BAN"],
    "THREAT_AT_DISTANCE": ["DIRECT_THREAT", "FAMILY_THREAT", "FAMILY_DETAINED", "FAMILY_ECONOMIC",
                           "FAMILY_DENOUNCE", "FAMILY_CONTACT_OFFER", "INFO_SELF", "INFO_OTHERS", "RECRUITMENT",
                           "RETURN_PRESSURE", "SILENCE", "SURVEILLANCE", "APPROACH_IN_PERSON", "BOUNTY",
                           "LEGAL_HARASSMENT", "ASSET_FREEZE", "SMEAR", "ONLINE_HARASSMENT", "DOXXING", "PHISHING",
                           "SPYWARE", "ACCOUNT_COMPROMISE", "IMPERSONATION", "PLATFORM_TAKEDOWN"],
}  # fmt: skip
ALL_TACTICS = [t for ts in TACTICS_BY_FAMILY.values() for t in ts]
DEMANDS = [
    "STOP_ACTIVISM", "RETRACT_OR_DENOUNCE", "DELETE_POSTS", "PROVIDE_OWN_INFO", "PROVIDE_INFO_ON_OTHERS",
    "ATTEND_AND_REPORT", "INFILTRATE_ORGANISATION", "PHOTOGRAPH_PEOPLE", "PRODUCE_PROPAGANDA", "RETURN_HOME",
    "GO_TO_EMBASSY", "TRAVEL_TO_THIRD_COUNTRY", "COOPERATE_WITH_INVESTIGATION", "PAY_MONEY", "DISOWN_RELATIVE",
    "NONE_STATED",
]  # fmt: skip
RELATIONSHIPS = ["MOTHER", "FATHER", "PARENTS", "SPOUSE", "CHILD", "SIBLING", "GRANDPARENT", "IN_LAW",
                 "UNCLE_AUNT", "COUSIN", "NEPHEW_NIECE", "EXTENDED_FAMILY", "FRIEND", "COLLEAGUE", "NEIGHBOUR"]  # fmt: skip
RELATIVE_OUTCOMES = ["TOLD_TO_RELAY", "VISITED", "SUMMONED", "DETAINED", "IMPRISONED", "DISAPPEARED", "CAMP",
                     "TRAVEL_BAN", "JOB_OR_PENSION", "ASSETS_SEIZED", "FORCED_DENUNCIATION", "FORCED_TO_CALL",
                     "PHYSICAL_ABUSE", "DEATH", "UNKNOWN"]  # fmt: skip
CASE_STATES = ["NEW", "VETTING", "TRIAGED", "ASSESSMENT", "SAFETY_PLAN", "REFERRALS_ACTIVE", "FOLLOW_UP",
               "MONITORING", "CLOSED", "REOPENED"]  # fmt: skip
CLOSURES = ["RESOLVED", "REFERRED_CONFIRMED", "CLIENT_WITHDREW", "LOST_CONTACT", "OUT_OF_MANDATE_REFERRED",
            "RELOCATED", "RETURNED_TO_ORIGIN", "DECEASED"]  # fmt: skip
PROFILES = ["ACTIVIST", "JOURNALIST", "HUMAN_RIGHTS_DEFENDER", "RELIGIOUS_FIGURE", "POLITICAL_OPPOSITION",
            "FORMER_OFFICIAL", "STUDENT", "ACADEMIC", "RELATIVE_OF_DISSIDENT", "DIASPORA_MEMBER"]  # fmt: skip
STATUSES = [
    "CITIZEN",
    "PERMANENT_RESIDENT",
    "REFUGEE",
    "ASYLUM_SEEKER",
    "VISA_HOLDER",
    "UNDOCUMENTED",
    "STATELESS",
]
CONFIDENCES = ["CONFIRMED", "PROBABLE", "PROBABLE", "POSSIBLE", "POSSIBLE", "UNKNOWN"]
DETAINING_STATES = ["AE", "TR", "EG", "TH", "KZ", "KG", "UZ", "SA", "MA", "RS"]

NARRATIVES = [
    "Messages over {months} months from a sender who said he was calling on behalf of the {agency}.",
    "A relative called and read from a script; in the background a man told them what to say.",
    "Two men approached the client after a community meeting and photographed the attendees.",
    "The consulate refused to renew the passport and told the client to collect it in person at home.",
    "A link arrived that imitated a community newsletter; the client did not open it.",
    "The client was stopped at a border because of a notice issued at the origin state's request.",
]  # fmt: skip


@dataclass
class Generated:
    bundle: dict[str, Any]
    # case code -> state, so the caller can add consents, referrals and tasks as it likes
    case_states: dict[str, str]


def _phone(rng: random.Random, region: str) -> str:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return ""
    digits = str(example.national_number)
    varied = digits[:-4] + f"{rng.randrange(10_000):04d}"
    number = phonenumbers.parse(f"+{example.country_code}{varied}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _most_serious(acts: list[dict[str, Any]]) -> str:
    return str(min((t for a in acts for t in a["tactics"]), key=ALL_TACTICS.index))


def _date(rng: random.Random, today: dt.date) -> tuple[str, dt.date]:
    day = today - dt.timedelta(days=rng.randrange(30, 365 * 9))
    shape = rng.random()
    if shape < 0.55:
        return day.isoformat(), day
    if shape < 0.85:
        return day.strftime("%Y-%m"), day.replace(day=1)
    if shape < 0.95:
        return "~" + day.strftime("%Y-%m"), day.replace(day=1)
    return day.strftime("%Y"), day.replace(month=1, day=1)


def generate(*, incidents: int, seed: int, prefix: str, today: dt.date | None = None) -> Generated:
    """A bundle of about ``incidents`` incidents with their people, cases and sources.

    ``prefix`` keeps codes of two compartments apart (e.g. "A" and "B").
    """
    rng = random.Random(seed)
    today = today or dt.date.today()
    people: list[dict[str, Any]] = []
    organisations: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    out_incidents: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    case_states: dict[str, str] = {}
    orgs_by_origin: dict[str, list[str]] = {}
    counter = iter(range(10**9))

    def code(letter: str) -> str:
        return f"{letter}-{prefix}{next(counter):07d}"

    def person(residence: str, community: str, **extra: Any) -> str:
        c = code("P")
        people.append(
            {
                "code": c,
                "name": f"{rng.choice(GIVEN_NAMES)} {rng.choice(INITIALS)}.",
                "phone": _phone(rng, residence) if residence and rng.random() < 0.6 else "",
                "handle": f"@{rng.choice(GIVEN_NAMES).lower().replace('-', '')}_{rng.randrange(100, 999)}"
                if rng.random() < 0.3
                else "",
                "residence_country": residence,
                "community": community,
                **extra,
            }
        )
        return c

    tactic_cycle = iter(ALL_TACTICS * 4)
    state_cycle = iter(CASE_STATES * 100)
    origins = list(SCENARIOS)
    weights = [10, 3, 4, 2, 1, 2, 2, 2, 1, 1]
    remaining = incidents
    while remaining > 0:
        origin = rng.choices(origins, weights)[0]
        communities, hosts, channels, agencies = SCENARIOS[origin]
        host = rng.choice(hosts)
        community = rng.choice(communities)
        if origin not in orgs_by_origin:
            orgs_by_origin[origin] = []
            for name, kind in agencies:
                oc = code("O")
                organisations.append({"code": oc, "name": name, "perpetrator_type": kind, "country": origin})
                orgs_by_origin[origin].append(oc)
        client = person(
            host,
            community,
            profiles=rng.sample(PROFILES, rng.randint(1, 2)),
            immigration_status=rng.choice(STATUSES),
        )
        state = next(state_cycle)
        case_code = code("C")
        case_states[case_code] = state
        opened = today - dt.timedelta(days=rng.randrange(5, 900))
        cases.append(
            {
                "code": case_code,
                "client": client,
                "state": state,
                "urgency": rng.choice(["P0", "P1", "P1", "P2", "P2", "P2", "P3", "P3"]),
                "closure": rng.choice(CLOSURES) if state == "CLOSED" else "",
                "origin_state": origin,
                "host_country": host,
                "community": community,
                "summary": f"Synthetic case: {community.replace('_', ' ').title()} client in {host}.",
                "opened_on": opened.isoformat(),
            }
        )
        for _ in range(min(remaining, rng.choice([1, 1, 1, 2, 2, 3]))):
            remaining -= 1
            date_text, _start = _date(rng, today)
            acts = []
            for _n in range(rng.choice([1, 1, 2, 2, 3])):
                tactic = next(tactic_cycle, None) or rng.choice(ALL_TACTICS)
                tactics = sorted({tactic, *rng.sample(ALL_TACTICS[17:], rng.randint(0, 2))})
                act: dict[str, Any] = {
                    "tactics": tactics,
                    "demands": sorted(rng.sample(DEMANDS, rng.randint(0, 2))),
                    "channels": sorted(rng.sample(channels, rng.randint(1, 2))),
                    "origin_confidence": rng.choice(CONFIDENCES),
                    "targets": [{"person": client}],
                    "perpetrators": [
                        {
                            "organisation": rng.choice(orgs_by_origin[origin]),
                            "perpetrator_type": "UNKNOWN",
                            "confidence": rng.choice(CONFIDENCES),
                            "basis": "Synthetic: the caller named the agency.",
                        }
                    ],
                }
                act["perpetrators"][0]["perpetrator_type"] = next(
                    o["perpetrator_type"]
                    for o in organisations
                    if o["code"] == act["perpetrators"][0]["organisation"]
                )
                if set(tactics) & {"DETENTION_HOST", "DEPORTATION", "EXTRADITION", "RENDITION", "ABDUCTION"}:
                    third = rng.choice([host, rng.choice(DETAINING_STATES)])
                    act.update(
                        harm_country=third,
                        executing_state=third,
                        executing_confidence=rng.choice(CONFIDENCES),
                    )
                if set(tactics) & {"FAMILY_THREAT", "FAMILY_DETAINED", "FAMILY_ECONOMIC", "FAMILY_DENOUNCE",
                                   "RELATIVES_TRAVEL_BAN", "FAMILY_CONTACT_OFFER"}:  # fmt: skip
                    relative = person(origin, community)
                    act["harm_country"] = origin
                    act["relatives"] = [
                        {
                            "person": relative,
                            "relative_of": client,
                            "relationship": rng.choice(RELATIONSHIPS),
                            "outcomes": sorted(rng.sample(RELATIVE_OUTCOMES, rng.randint(1, 2))),
                            "is_minor": rng.random() < 0.08,
                        }
                    ]
                acts.append(act)
            incident_code = code("I")
            agency = next(o["name"] for o in organisations if o["code"] in orgs_by_origin[origin]).lower()
            out_incidents.append(
                {
                    "code": incident_code,
                    "case": case_code,
                    # Named after its most serious tactic (direct attacks first), so a title never
                    # understates an act further down the incident.
                    "title": f"{_most_serious(acts).replace('_', ' ').capitalize()} ({origin} → {host})",
                    "narrative": rng.choice(NARRATIVES).format(months=rng.randint(2, 14), agency=agency),
                    "origin_state": origin,
                    "host_country": host,
                    "date": date_text,
                    "acts": acts,
                }
            )
            if rng.random() < 0.4:
                sources.append(
                    {
                        "code": code("S"),
                        "source_type": rng.choice(
                            ["VICTIM_TESTIMONY", "VICTIM_TESTIMONY", "WITNESS", "MEDIA_ARTICLE"]
                        ),
                        "reliability": rng.choice("ABBCCF"),
                        "title": "Synthetic interview notes",
                        "citations": [
                            {
                                "incident": incident_code,
                                "credibility": rng.choice("12236"),
                                "statement": "As told.",
                            }
                        ],
                    }
                )
    bundle = {
        "format": "longreach-registry/1",
        "people": people,
        "organisations": organisations,
        "cases": cases,
        "incidents": out_incidents,
        "sources": sources,
    }
    return Generated(bundle=bundle, case_states=case_states)


def iter_flat(n: int, seed: int = 1) -> Iterator[dict[str, str]]:
    """Rows for the incident CSV (one act each), for import benchmarks."""
    rng = random.Random(seed)
    today = dt.date.today()
    for i in range(n):
        origin = rng.choice(list(SCENARIOS))
        date_text, _ = _date(rng, today)
        yield {
            "incident": f"I-X{i:07d}",
            "title": f"Synthetic incident {i}",
            "origin_state": origin,
            "host_country": rng.choice(SCENARIOS[origin][1]),
            "date": date_text,
            "tactics": rng.choice(ALL_TACTICS),
            "channels": rng.choice(SCENARIOS[origin][2]),
            "origin_confidence": rng.choice(CONFIDENCES),
        }
