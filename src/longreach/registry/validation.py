"""Checking registry input, the one path for forms, the API and imports.

Input arrives as plain mappings (form posts and CSV cells give strings, the
API and JSON give typed values). ``clean_*`` functions return dataclasses of
cleaned values or raise ``RecordInvalid`` listing every problem with a path
such as ``acts[1].tactics`` and a reason a person can act on, so a form can
show it next to the field and an import can name the line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from longreach.crypto import normalise
from longreach.geo import countries
from longreach.registry.dates import PartialDate, PartialDateError
from longreach.registry.models import Confidence
from longreach.vocab.models import Term

LIMITS = {
    "short": 300,  # names, titles, handles, recipients
    "long": 100_000,  # narratives, notes, statements
    "list": 50,  # acts per incident, targets per act, aliases...
}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
CONFIDENCES = [c.value for c in Confidence]
RELIABILITY = list("ABCDEF")
CREDIBILITY = list("123456")


# JSON can spell half of a UTF-16 pair ("\\ud800"); such a string cannot be encoded to be sealed.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RecordInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    def by_path(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.path, e.message)
        return out


class Vocabularies:
    """Active codes per vocabulary, read once per validation."""

    def __init__(self) -> None:
        self._active: dict[str, set[str]] = {}
        self._retired: dict[str, set[str]] = {}

    def _load(self, vocabulary: str) -> None:
        rows = Term.objects.filter(vocabulary__code=vocabulary).values_list("code", "retired_at")
        self._active[vocabulary] = {c for c, r in rows if r is None}
        self._retired[vocabulary] = {c for c, r in rows if r is not None}

    def check(self, vocabulary: str, code: str, keep: Iterable[str] = ()) -> str | None:
        """None if ``code`` may be used, else the reason."""
        if vocabulary not in self._active:
            self._load(vocabulary)
        if code in self._active[vocabulary] or code in keep:
            return None
        if code in self._retired[vocabulary]:
            return _("%(code)s is a retired term of %(vocabulary)s") % {
                "code": code,
                "vocabulary": vocabulary,
            }
        return _("%(code)s is not a code of the %(vocabulary)s vocabulary") % {
            "code": code[:80],
            "vocabulary": vocabulary,
        }


class Checker:
    """Collects errors while reading one record; each reader returns a clean value or None."""

    def __init__(
        self, data: Mapping[str, Any], prefix: str, vocab: Vocabularies, keep: Iterable[str] = ()
    ) -> None:
        if not isinstance(data, Mapping):
            raise RecordInvalid([FieldError(prefix or "record", _("must be an object with named fields"))])
        self.data, self.prefix, self.vocab = data, prefix, vocab
        self.keep = set(keep)
        self.errors: list[FieldError] = []
        self.seen: set[str] = set()

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.path(name), message))

    def raw(self, name: str) -> Any:
        self.seen.add(name)
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else value

    def text(self, name: str, size: str = "short", required: bool = False) -> str:
        value = self.raw(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(name, _("must be text"))
            return ""
        if "\x00" in value:
            self.fail(name, _("contains a NUL character"))
            return ""
        if _SURROGATE.search(value):
            self.fail(name, _("contains a lone surrogate (U+D800 to U+DFFF), which is not a character"))
            return ""
        if len(value) > LIMITS[size]:
            self.fail(
                name, _("is %(n)d characters; the limit is %(max)d") % {"n": len(value), "max": LIMITS[size]}
            )
            return ""
        if required and not value:
            self.fail(name, _("is required"))
        return str(value)

    def strings(self, name: str) -> list[str]:
        value = self.raw(name)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [v for v in (p.strip() for p in value.replace("\n", ";").split(";")) if v]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, _("must be a list of text values"))
            return []
        if len(value) > LIMITS["list"]:
            self.fail(
                name, _("has %(n)d entries; the limit is %(max)d") % {"n": len(value), "max": LIMITS["list"]}
            )
            return []
        for v in value:
            if len(v) > LIMITS["short"] or "\x00" in v or _SURROGATE.search(v):
                self.fail(name, _("an entry is too long or holds a NUL character"))
                return []
        return [v.strip() for v in value if v.strip()]

    def code(self, name: str, vocabulary: str, required: bool = False, default: str = "") -> str:
        value = self.raw(name)
        if value in (None, ""):
            if required and not default:
                self.fail(name, _("is required"))
            return default
        if not isinstance(value, str) or len(value) > 64:
            self.fail(name, _("must be a code of the %(vocabulary)s vocabulary") % {"vocabulary": vocabulary})
            return ""
        value = value.strip().upper()
        problem = self.vocab.check(vocabulary, value, self.keep)
        if problem:
            self.fail(name, problem)
            return ""
        return value

    def codes(self, name: str, vocabulary: str, required: bool = False) -> list[str]:
        out: list[str] = []
        for value in self.strings(name):
            problem = self.vocab.check(vocabulary, value.upper(), self.keep)
            if problem:
                self.fail(name, problem)
            elif value.upper() not in out:
                out.append(value.upper())
        if required and not out and not any(e.path == self.path(name) for e in self.errors):
            self.fail(name, _("choose at least one"))
        return out

    def choice(self, name: str, allowed: list[str], default: str, required: bool = False) -> str:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, _("is required"))
            return default
        if not isinstance(value, str) or value.strip().upper() not in allowed:
            self.fail(name, _("must be one of %(allowed)s") % {"allowed": ", ".join(allowed)})
            return default
        return value.strip().upper()

    def country(self, name: str, required: bool = False) -> str:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, _("is required"))
            return ""
        try:
            return countries.normalise(value)
        except countries.CountryError:
            self.fail(
                name, _("%(value)s is not a two-letter ISO 3166-1 country code") % {"value": repr(value)[:20]}
            )
            return ""

    def partial_date(self, name: str, required: bool = False) -> PartialDate | None:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, _("is required"))
            return None
        if isinstance(value, dt.date):
            value = value.isoformat()
        try:
            parsed = PartialDate.parse(value)
        except PartialDateError as exc:
            self.fail(name, str(exc))
            return None
        if parsed.start > dt.date.today():
            self.fail(name, _("is in the future"))
        return parsed

    def date(self, name: str, required: bool = False) -> dt.date | None:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, _("is required"))
            return None
        if isinstance(value, dt.date):
            return value
        text = str(value)
        try:
            if not _ISO_DAY.match(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(name, _("must be a date written YYYY-MM-DD"))
            return None

    def boolean(self, name: str) -> bool:
        value = self.raw(name)
        if value in (None, "", False, "0", "false", "False", "no", "off"):
            return False
        if value in (True, "1", "true", "True", "yes", "on"):
            return True
        self.fail(name, _("must be true or false"))
        return False

    def ref(self, name: str, required: bool = False) -> str:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, _("is required"))
            return ""
        if not isinstance(value, str) or len(value) > 16:
            self.fail(name, _("must be a record code such as P-7KQ2ZD4M"))
            return ""
        return value.strip()

    def items(self, name: str) -> list[Any]:
        value = self.raw(name)
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            self.fail(name, _("must be a list"))
            return []
        if len(value) > LIMITS["list"]:
            self.fail(
                name, _("has %(n)d entries; the limit is %(max)d") % {"n": len(value), "max": LIMITS["list"]}
            )
            return []
        return value

    def nested(self, name: str, index: int, item: Any, reader: Callable[[Checker], Any]) -> Any:
        sub = Checker(
            item if isinstance(item, Mapping) else {}, f"{self.path(name)}[{index}]", self.vocab, self.keep
        )
        if not isinstance(item, Mapping):
            self.errors.append(FieldError(sub.prefix, _("must be an object with named fields")))
            return None
        value = reader(sub)
        self.errors.extend(sub.errors)
        return value

    def finish(self, strict: bool = True) -> None:
        if strict:
            for name in self.data:
                if name not in self.seen:
                    self.fail(str(name)[:40], _("is not a field of this record"))


@dataclass
class PersonData:
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    handle: str = ""
    location: str = ""
    notes: str = ""
    residence_country: str = ""
    community: str = ""
    immigration_status: str = ""
    profiles: list[str] = field(default_factory=list)
    is_minor: bool = False
    code: str = ""


def _has_letters(text: str) -> bool:
    """Names are found again through a blind index of their letters; one without any has no index."""
    try:
        normalise.name(text)
    except ValueError:
        return False
    return True


def read_person(c: Checker) -> PersonData:
    residence = c.country("residence_country")
    phone_raw = c.text("phone")
    phone = ""
    if phone_raw:
        try:
            phone = normalise.phone(phone_raw, residence or None)
        except ValueError:
            c.fail("phone", _("is not a phone number; give it with its country code, e.g. +90 532 000 0000"))
    email = c.text("email")
    if email:
        try:
            normalise.email(email)
        except ValueError:
            c.fail("email", _("is not an e-mail address"))
    name = c.text("name")
    if name.strip() and not _has_letters(name):
        c.fail("name", _("has no letters; give the name as it is written"))
    aliases = c.strings("aliases")
    if any(not _has_letters(a) for a in aliases):
        c.fail("aliases", _("an alias has no letters; give each as it is written"))
    handle = c.text("handle")
    if handle:
        try:
            normalise.handle(handle)
        except ValueError:
            c.fail(
                "handle",
                _("is not an account handle: letters, digits, '.', '-' and '_', with or without a leading @"),
            )
    return PersonData(
        name=name,
        aliases=aliases,
        phone=phone,
        email=email,
        handle=handle,
        location=c.text("location"),
        notes=c.text("notes", "long"),
        residence_country=residence,
        community=c.code("community", "community"),
        immigration_status=c.code("immigration_status", "immigration_status"),
        profiles=c.codes("profiles", "profile"),
        is_minor=c.boolean("is_minor"),
        code=c.ref("code"),
    )


@dataclass
class OrganisationData:
    name: str = ""
    perpetrator_type: str = ""
    country: str = ""
    notes: str = ""
    code: str = ""


def read_organisation(c: Checker) -> OrganisationData:
    name = c.text("name", required=True)
    if name.strip() and not _has_letters(name):
        c.fail("name", _("has no letters; give the name as it is written"))
    return OrganisationData(
        code=c.ref("code"),
        name=name,
        perpetrator_type=c.code("perpetrator_type", "perpetrator_type"),
        country=c.country("country"),
        notes=c.text("notes", "long"),
    )


@dataclass
class PartyRef:
    """An existing record by code, or a new one described inline."""

    code: str = ""
    organisation: str = ""
    new_person: PersonData | None = None
    new_organisation: OrganisationData | None = None


def _read_party(c: Checker, *, organisation_allowed: bool, required: bool = True) -> PartyRef:
    ref = c.ref("person")
    org = c.ref("organisation") if organisation_allowed else ""
    new_p = c.raw("new_person")
    new_o = c.raw("new_organisation") if organisation_allowed else None
    given = [x for x in (ref, org, new_p, new_o) if x]
    if len(given) > 1:
        c.fail("person", _("give one of an existing record or a new one, not both"))
        return PartyRef()
    if not given:
        if required:
            c.fail("person", _("is required: choose a person or describe a new one"))
        return PartyRef()
    if new_p:
        sub = Checker(new_p, c.path("new_person"), c.vocab, c.keep) if isinstance(new_p, Mapping) else None
        if sub is None:
            c.fail("new_person", _("must be an object with named fields"))
            return PartyRef()
        person = read_person(sub)
        sub.finish()
        c.errors.extend(sub.errors)
        return PartyRef(new_person=person)
    if new_o:
        sub = (
            Checker(new_o, c.path("new_organisation"), c.vocab, c.keep)
            if isinstance(new_o, Mapping)
            else None
        )
        if sub is None:
            c.fail("new_organisation", _("must be an object with named fields"))
            return PartyRef()
        organisation = read_organisation(sub)
        sub.finish()
        c.errors.extend(sub.errors)
        return PartyRef(new_organisation=organisation)
    return PartyRef(code=ref, organisation=org)


@dataclass
class PerpetratorData:
    party: PartyRef
    perpetrator_type: str
    confidence: str
    basis: str


def read_perpetrator(c: Checker) -> PerpetratorData:
    party = _read_party(c, organisation_allowed=True, required=False)
    data = PerpetratorData(
        party=party,
        perpetrator_type=c.code("perpetrator_type", "perpetrator_type", default="UNKNOWN"),
        confidence=c.choice("confidence", CONFIDENCES, "UNKNOWN"),
        basis=c.text("basis", "long"),
    )
    c.finish()
    return data


@dataclass
class RelativeData:
    party: PartyRef
    relative_of: str
    relationship: str
    outcomes: list[str]
    is_minor: bool


def read_relative(c: Checker) -> RelativeData:
    data = RelativeData(
        party=_read_party(c, organisation_allowed=False),
        relative_of=c.ref("relative_of"),
        relationship=c.code("relationship", "relationship", required=True),
        outcomes=c.codes("outcomes", "relative_outcome"),
        is_minor=c.boolean("is_minor"),
    )
    c.finish()
    return data


@dataclass
class ActData:
    tactics: list[str]
    demands: list[str]
    channels: list[str]
    origin_state: str
    origin_confidence: str
    host_country: str
    host_confidence: str
    harm_country: str
    harm_confidence: str
    executing_state: str
    executing_confidence: str
    date: PartialDate | None
    description: str
    outcome: str
    targets: list[PartyRef]
    perpetrators: list[PerpetratorData]
    relatives: list[RelativeData]
    code: str = ""  # an existing act being edited


def read_act(c: Checker, incident_origin: str = "", incident_host: str = "") -> ActData:
    origin = c.country("origin_state") or incident_origin
    host = c.country("host_country") or incident_host
    harm = c.country("harm_country") or host
    executing = c.country("executing_state")
    targets = []
    for i, item in enumerate(c.items("targets")):
        if isinstance(item, str):
            item = {"person": item}
        party = c.nested("targets", i, item, lambda s: _finish(s, _read_party(s, organisation_allowed=False)))
        if party is not None:
            targets.append(party)
    data = ActData(
        code=c.ref("code"),
        tactics=c.codes("tactics", "tactic", required=True),
        demands=c.codes("demands", "demand"),
        channels=c.codes("channels", "channel"),
        origin_state=origin,
        origin_confidence=c.choice("origin_confidence", CONFIDENCES, "UNKNOWN"),
        host_country=host,
        host_confidence=c.choice("host_confidence", CONFIDENCES, "CONFIRMED"),
        harm_country=harm,
        harm_confidence=c.choice("harm_confidence", CONFIDENCES, "CONFIRMED"),
        executing_state=executing,
        executing_confidence=c.choice("executing_confidence", CONFIDENCES, "UNKNOWN" if executing else ""),
        date=c.partial_date("date"),
        description=c.text("description", "long"),
        outcome=c.text("outcome", "long"),
        targets=targets,
        perpetrators=[
            p
            for i, item in enumerate(c.items("perpetrators"))
            if (p := c.nested("perpetrators", i, item, read_perpetrator)) is not None
        ],
        relatives=[
            r
            for i, item in enumerate(c.items("relatives"))
            if (r := c.nested("relatives", i, item, read_relative)) is not None
        ],
    )
    if executing == "" and c.data.get("executing_confidence") not in (None, ""):
        c.fail("executing_confidence", _("needs an executing state"))
    c.finish()
    return data


def _finish(c: Checker, value: Any) -> Any:
    c.finish()
    return value


@dataclass
class IncidentData:
    case: str
    title: str
    narrative: str
    origin_state: str
    host_country: str
    date: PartialDate
    until: PartialDate | None
    acts: list[ActData]
    code: str = ""


def clean_incident(
    data: Mapping[str, Any], *, keep: Iterable[str] = (), prefix: str = "", vocab: Vocabularies | None = None
) -> IncidentData:
    c = Checker(data, prefix, vocab or Vocabularies(), keep)
    origin = c.country("origin_state", required=True)
    host = c.country("host_country", required=True)
    date = c.partial_date("date", required=True)
    until = c.partial_date("until")
    if date and until and until.end < date.start:
        c.fail("until", _("ends before the incident starts"))
    acts_raw = c.items("acts")
    if not acts_raw:
        c.fail("acts", _("an incident needs at least one act (what was done)"))
    acts = [
        a
        for i, item in enumerate(acts_raw)
        if (a := c.nested("acts", i, item, lambda s: read_act(s, origin, host))) is not None
    ]
    cleaned = IncidentData(
        code=c.ref("code"),
        case=c.ref("case"),
        title=c.text("title"),
        narrative=c.text("narrative", "long"),
        origin_state=origin,
        host_country=host,
        date=date,  # type: ignore[arg-type]
        until=until,
        acts=acts,
    )
    c.finish()
    if c.errors:
        raise RecordInvalid(c.errors)
    return cleaned


def clean_person(
    data: Mapping[str, Any], *, keep: Iterable[str] = (), prefix: str = "", vocab: Vocabularies | None = None
) -> PersonData:
    c = Checker(data, prefix, vocab or Vocabularies(), keep)
    person = read_person(c)
    c.finish()
    if c.errors:
        raise RecordInvalid(c.errors)
    return person


def clean_organisation(
    data: Mapping[str, Any], *, prefix: str = "", vocab: Vocabularies | None = None
) -> OrganisationData:
    c = Checker(data, prefix, vocab or Vocabularies())
    org = read_organisation(c)
    c.finish()
    if c.errors:
        raise RecordInvalid(c.errors)
    return org


@dataclass
class CaseData:
    client: PartyRef | None
    state: str
    urgency: str
    closure: str
    origin_state: str
    host_country: str
    community: str
    summary: str
    opened_on: dt.date
    code: str = ""


def clean_case(
    data: Mapping[str, Any], *, keep: Iterable[str] = (), prefix: str = "", vocab: Vocabularies | None = None
) -> CaseData:
    c = Checker(data, prefix, vocab or Vocabularies(), keep)
    client_raw = c.raw("client")
    client = None
    if isinstance(client_raw, str) and client_raw:
        client = PartyRef(code=client_raw[:16])
    elif isinstance(client_raw, Mapping):
        client = c.nested(
            "client", 0, client_raw, lambda s: _finish(s, _read_party(s, organisation_allowed=False))
        )
    elif client_raw not in (None, ""):
        c.fail("client", _("must be a person code or a new person"))
    state = c.code("state", "case_state", default="NEW")
    closure = c.code("closure", "closure")
    if state == "CLOSED" and not closure:
        c.fail("closure", _("a closed case needs a closure code"))
    if closure and state not in ("CLOSED", ""):
        c.fail("closure", _("only a closed case has a closure code"))
    cleaned = CaseData(
        client=client,
        state=state,
        urgency=c.code("urgency", "urgency", default="P3"),
        closure=closure,
        origin_state=c.country("origin_state", required=True),
        host_country=c.country("host_country"),
        community=c.code("community", "community"),
        summary=c.text("summary", "long"),
        opened_on=c.date("opened_on") or dt.date.today(),
        code=c.ref("code"),
    )
    c.finish()
    if c.errors:
        raise RecordInvalid(c.errors)
    return cleaned


@dataclass
class SourceData:
    source_type: str
    reliability: str
    title: str
    reference: str
    notes: str
    date: PartialDate | None
    citations: list[CitationData] = field(default_factory=list)
    code: str = ""


@dataclass
class CitationData:
    incident: str
    act: str
    credibility: str
    statement: str
    locator: str


def read_citation(c: Checker) -> CitationData:
    data = CitationData(
        incident=c.ref("incident", required=True),
        act=c.ref("act"),
        credibility=c.choice("credibility", CREDIBILITY, "6"),
        statement=c.text("statement", "long"),
        locator=c.text("locator")[:80],
    )
    c.finish()
    return data


def clean_source(
    data: Mapping[str, Any], *, keep: Iterable[str] = (), prefix: str = "", vocab: Vocabularies | None = None
) -> SourceData:
    c = Checker(data, prefix, vocab or Vocabularies(), keep)
    cleaned = SourceData(
        source_type=c.code("source_type", "source_type", required=True),
        reliability=c.choice("reliability", RELIABILITY, "F"),
        title=c.text("title"),
        reference=c.text("reference", "long"),
        notes=c.text("notes", "long"),
        date=c.partial_date("date"),
        citations=[
            x
            for i, item in enumerate(c.items("citations"))
            if (x := c.nested("citations", i, item, read_citation)) is not None
        ],
        code=c.ref("code"),
    )
    c.finish()
    if c.errors:
        raise RecordInvalid(c.errors)
    return cleaned
