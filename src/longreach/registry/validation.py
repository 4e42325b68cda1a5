"""The input of every registry record, defined once as a pydantic model.

Forms (through ``forms.unflatten``), the API (the models are its request
bodies), imports and the command line all validate with these models, so a
field, its limit and its vocabulary are written in one place. Input arrives as
plain mappings: form posts and CSV cells give strings, the API and JSON give
typed values; both are accepted. ``clean`` returns a validated model or raises
``RecordInvalid`` listing every problem with a path such as
``acts[1].tactics`` and a reason a person can act on, so a form can show it
next to the field and an import can name the line and column.

Codes are checked against the vocabularies when the model is validated. The
validation context carries a ``Vocabularies`` read once per batch and the
codes the record being edited already holds (``keep``): a term retired since
may stay on a record, not be newly chosen. The API validates its request
bodies at the door without the record in hand, so there an edit (PUT) lets a
retired code through and the service, which has the record, decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, TypeVar

from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from longreach.crypto import normalise
from longreach.geo import countries
from longreach.registry.dates import PartialDate, PartialDateError
from longreach.registry.models import Confidence, Consent, Referral
from longreach.vocab.models import Term

SHORT = 300  # names, titles, handles, recipients
LONG = 100_000  # narratives, notes, statements
LIST = 50  # acts per incident, targets per act, aliases...
CONFIDENCES = [c.value for c in Confidence]
RELIABILITY = list("ABCDEF")
CREDIBILITY = list("123456")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# JSON can spell half of a UTF-16 pair ("\\ud800"); such a string cannot be encoded to be sealed.
_SURROGATE = re.compile("[\ud800-\udfff]")


# Errors ------------------------------------------------------------------------------


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


def _fail(message: str, field: str = "") -> PydanticCustomError:
    """An error with our own (translated) message; ``field`` names the field a record-level check is about."""
    return PydanticCustomError("longreach", "{message}", {"message": message, "field": field})


def _path(loc: Sequence[Any], prefix: str) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{str(part)[:40]}" if out else str(part)[:40]
    return out or "record"


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "longreach":
        return str(ctx.get("message", error.get("msg", "")))
    if kind == "missing":
        return _("is required")
    if kind == "extra_forbidden":
        return _("is not a field of this record")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("must be an object with named fields")
    if kind == "string_unicode":
        return _("contains a lone surrogate (U+D800 to U+DFFF), which is not a character")
    if kind in ("string_type", "string_sub_type"):
        return _("must be text")
    if kind in ("list_type", "iterable_type"):
        return _("must be a list")
    if kind in ("bool_type", "bool_parsing"):
        return _("must be true or false")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("must be a whole number")
    if kind == "too_long" and "max_length" in ctx:
        return _("has more than %(max)d entries") % {"max": ctx["max_length"]}
    if kind == "string_too_long" and "max_length" in ctx:
        return _("is longer than %(max)d characters") % {"max": ctx["max_length"]}
    return str(error.get("msg", kind))[:300]


def field_errors(errors: Iterable[Mapping[str, Any]], *, prefix: str = "", skip: int = 0) -> list[FieldError]:
    """Our errors from pydantic's; ``skip`` drops leading parts of each location (the API's "body")."""
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))[skip:]
        field = (e.get("ctx") or {}).get("field") if e.get("type") == "longreach" else ""
        out.append(FieldError(_path([*loc, field] if field else loc, prefix), _message(e)))
    return out


# Vocabularies ------------------------------------------------------------------------


class Vocabularies:
    """Active codes per vocabulary, read once per validation."""

    def __init__(self) -> None:
        self._active: dict[str, set[str]] = {}
        self._retired: dict[str, set[str]] = {}

    def _load(self, vocabulary: str) -> None:
        rows = Term.objects.filter(vocabulary__code=vocabulary).values_list("code", "retired_at")
        self._active[vocabulary] = {c for c, r in rows if r is None}
        self._retired[vocabulary] = {c for c, r in rows if r is not None}

    def check(
        self, vocabulary: str, code: str, keep: Iterable[str] = (), *, retired_ok: bool = False
    ) -> str | None:
        """None if ``code`` may be used, else the reason."""
        if vocabulary not in self._active:
            self._load(vocabulary)
        if code in self._active[vocabulary] or code in keep:
            return None
        if code in self._retired[vocabulary]:
            if retired_ok:
                return None
            return _("%(code)s is a retired term of %(vocabulary)s") % {
                "code": code,
                "vocabulary": vocabulary,
            }
        return _("%(code)s is not a code of the %(vocabulary)s vocabulary") % {
            "code": code[:80],
            "vocabulary": vocabulary,
        }


def _vocabulary_problem(info: ValidationInfo, vocabulary: str, code: str) -> str | None:
    context = info.context if isinstance(info.context, dict) else {}
    vocab = context.setdefault("vocab", Vocabularies())
    request = context.get("request")
    return vocab.check(  # type: ignore[no-any-return]
        vocabulary,
        code,
        context.get("keep", ()),
        retired_ok=request is not None and request.method == "PUT",
    )


# Field types -------------------------------------------------------------------------
# Each is the metadata of a model field: what it accepts, what it turns the
# value into, what it tells a person whose value does not fit, and what the
# API's schema says of it.


class Check:
    """A check run before pydantic's own, with the JSON-schema words that describe it."""

    def __init__(self, func: Callable[[Any, ValidationInfo], Any], **schema: Any) -> None:
        self.func, self.schema = func, schema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.with_info_before_validator_function(
            lambda value, info: self.func(_text_only(value), info), handler(source)
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        return {**handler(schema), **self.schema}


def _text_only(value: Any) -> Any:
    """Refuse what text cannot hold before any other check can quote it back (or seal it)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and ("\x00" in item or _SURROGATE.search(item)):
            if _SURROGATE.search(item):
                raise _fail(_("contains a lone surrogate (U+D800 to U+DFFF), which is not a character"))
            raise _fail(_("contains a NUL character"))
    return value


def _plain(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: func(_text_only(value))


def _clean_text(value: Any, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail(_("must be text"))
    value = value.strip()
    if "\x00" in value:
        raise _fail(_("contains a NUL character"))
    if _SURROGATE.search(value):
        raise _fail(_("contains a lone surrogate (U+D800 to U+DFFF), which is not a character"))
    if len(value) > limit:
        raise _fail(_("is %(n)d characters; the limit is %(max)d") % {"n": len(value), "max": limit})
    if required and not value:
        raise _fail(_("is required"))
    return str(value)


def text(limit: int = SHORT, *, required: bool = False) -> Check:
    return Check(lambda value, _info: _clean_text(value, limit, required), maxLength=limit)


Short = Annotated[str, text()]
Long = Annotated[str, text(LONG)]


def _clean_strings(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.replace("\n", ";").split(";")) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(_("must be a list of text values"))
    if len(value) > LIST:
        raise _fail(_("has %(n)d entries; the limit is %(max)d") % {"n": len(value), "max": LIST})
    for v in value:
        if len(v) > SHORT or "\x00" in v or _SURROGATE.search(v):
            raise _fail(_("an entry is too long or holds a NUL character"))
    return [v.strip() for v in value if v.strip()]


Strings = Annotated[
    list[str], Check(lambda value, _info: _clean_strings(value), description="a list, or text split at ';'")
]


def vocabulary(name: str, *, required: bool = False, default: str = "") -> Check:
    """A code of vocabulary ``name``; an empty value is ``default``."""

    def check(value: Any, info: ValidationInfo) -> str:
        if value in (None, ""):
            if required and not default:
                raise _fail(_("is required"))
            return default
        if not isinstance(value, str) or len(value) > 64:
            raise _fail(_("must be a code of the %(vocabulary)s vocabulary") % {"vocabulary": name})
        upper = value.strip().upper()
        problem = _vocabulary_problem(info, name, upper)
        if problem:
            raise _fail(problem)
        return upper

    return Check(check, description=f"a code of the {name} vocabulary")


def vocabulary_list(name: str, *, required: bool = False) -> Check:
    """Codes of vocabulary ``name``, upper-cased, each once; text is split at ";"."""

    def check(value: Any, info: ValidationInfo) -> list[str]:
        out: list[str] = []
        problems = []
        for v in _clean_strings(value):
            problem = _vocabulary_problem(info, name, v.upper())
            if problem:
                problems.append(problem)
            elif v.upper() not in out:
                out.append(v.upper())
        if problems:
            raise _fail("; ".join(problems))
        if required and not out:
            raise _fail(_("choose at least one"))
        return out

    return Check(check, description=f"codes of the {name} vocabulary")


def one_of(allowed: list[str], default: str) -> Check:
    """One of ``allowed`` (any case); an empty value is ``default``."""

    def check(value: Any, _info: ValidationInfo) -> str:
        if value in (None, ""):
            return default
        if not isinstance(value, str) or value.strip().upper() not in allowed:
            raise _fail(_("must be one of %(allowed)s") % {"allowed": ", ".join(allowed)})
        return value.strip().upper()

    return Check(check, enum=[*allowed, ""] if default == "" else allowed)


def _clean_country(value: Any, required: bool) -> str:
    if value in (None, ""):
        if required:
            raise _fail(_("is required"))
        return ""
    try:
        return countries.normalise(value)
    except countries.CountryError:
        raise _fail(
            _("%(value)s is not a two-letter ISO 3166-1 country code") % {"value": repr(value)[:20]}
        ) from None


Country = Annotated[
    str, Check(lambda value, _info: _clean_country(value, False), description="ISO 3166-1 alpha-2")
]
RequiredCountry = Annotated[
    str, Check(lambda value, _info: _clean_country(value, True), description="ISO 3166-1 alpha-2")
]


def _clean_partial_date(value: Any) -> PartialDate | None:
    if value in (None, ""):
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        value = value.isoformat()
    try:
        parsed = PartialDate.parse(value)
    except PartialDateError as exc:
        raise _fail(str(exc)) from None
    if parsed.start > dt.date.today():
        raise _fail(_("is in the future"))
    return parsed


When = Annotated[
    PartialDate | None,
    PlainValidator(_plain(_clean_partial_date), json_schema_input_type=str),
    PlainSerializer(str, when_used="unless-none"),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD; a leading ~ marks it approximate"),
]


def _required(value: Any) -> Any:
    if value is None:
        raise _fail(_("is required"))
    return value


RequiredWhen = Annotated[
    PartialDate,
    PlainValidator(_plain(lambda value: _required(_clean_partial_date(value))), json_schema_input_type=str),
    PlainSerializer(str),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD; a leading ~ marks it approximate"),
]


def _clean_day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    written = str(value)
    try:
        if not _ISO_DAY.match(written):
            raise ValueError(written)
        return dt.date.fromisoformat(written)
    except ValueError:
        raise _fail(_("must be a date written YYYY-MM-DD")) from None


Day = Annotated[
    dt.date | None,
    PlainValidator(_plain(_clean_day), json_schema_input_type=str),
    Field(description="YYYY-MM-DD"),
]


def _clean_flag(value: Any) -> bool:
    if value in (None, "", False, "0", "false", "False", "no", "off"):
        return False
    if value in (True, "1", "true", "True", "yes", "on"):
        return True
    raise _fail(_("must be true or false"))


RequiredDay = Annotated[
    dt.date, PlainValidator(_plain(lambda value: _required(_clean_day(value))), json_schema_input_type=str)
]
Flag = Annotated[bool, PlainValidator(_plain(_clean_flag), json_schema_input_type=bool)]


def _clean_ref(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 16:
        raise _fail(_("must be a record code such as P-7KQ2ZD4M"))
    return value.strip()


Ref = Annotated[
    str, Check(lambda value, _info: _clean_ref(value), description="a record code such as P-7KQ2ZD4M")
]


def _clean_items(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise _fail(_("must be a list"))
    if len(value) > LIST:
        raise _fail(_("has %(n)d entries; the limit is %(max)d") % {"n": len(value), "max": LIST})
    return value


_Item = TypeVar("_Item")
Items = Annotated[list[_Item], Check(lambda value, _info: _clean_items(value), maxItems=LIST)]


def _has_letters(value: str) -> bool:
    """Names are found again through a blind index of their letters; one without any has no index."""
    try:
        normalise.name(value)
    except ValueError:
        return False
    return True


# Records -----------------------------------------------------------------------------


class Input(BaseModel):
    """A record's input: unknown fields are refused, every field is checked."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class PersonInput(Input):
    code: Ref = ""
    name: Short = ""
    aliases: Strings = []
    # Before the phone: a number without a country code is read in the country of residence.
    residence_country: Country = ""
    phone: Short = ""
    email: Short = ""
    handle: Short = ""
    location: Short = ""
    notes: Long = ""
    community: Annotated[str, vocabulary("community")] = ""
    immigration_status: Annotated[str, vocabulary("immigration_status")] = ""
    profiles: Annotated[list[str], vocabulary_list("profile")] = []
    is_minor: Flag = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if value and not _has_letters(value):
            raise _fail(_("has no letters; give the name as it is written"))
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        if any(not _has_letters(a) for a in value):
            raise _fail(_("an alias has no letters; give each as it is written"))
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        try:
            return normalise.phone(value, info.data.get("residence_country") or None)
        except ValueError:
            raise _fail(
                _("is not a phone number; give it with its country code, e.g. +90 532 000 0000")
            ) from None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                normalise.email(value)
            except ValueError:
                raise _fail(_("is not an e-mail address")) from None
        return value

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if value:
            try:
                normalise.handle(value)
            except ValueError:
                raise _fail(
                    _(
                        "is not an account handle: letters, digits, '.', '-' and '_', "
                        "with or without a leading @"
                    )
                ) from None
        return value


class OrganisationInput(Input):
    code: Ref = ""
    name: Annotated[str, text(required=True)]
    perpetrator_type: Annotated[str, vocabulary("perpetrator_type")] = ""
    country: Country = ""
    notes: Long = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _has_letters(value):
            raise _fail(_("has no letters; give the name as it is written"))
        return value


class PartyInput(Input):
    """A person taking part: an existing record by code, or a new one described here."""

    required: ClassVar[bool] = True
    person: Ref = Field("", description="code of a person in the same compartment")
    new_person: PersonInput | None = None

    @model_validator(mode="after")
    def _one(self) -> PartyInput:
        given = [x for x in self._choices() if x]
        if len(given) > 1:
            raise _fail(_("give one of an existing record or a new one, not both"), "person")
        if not given and self.required:
            raise _fail(_("is required: choose a person or describe a new one"), "person")
        return self

    def _choices(self) -> list[Any]:
        return [self.person, self.new_person]


def _parties(value: Any) -> Any:
    """A target may be given as a person's code alone."""
    if not isinstance(value, list):
        return value
    return [{"person": v} if isinstance(v, str) else v for v in value]


class PerpetratorInput(PartyInput):
    required: ClassVar[bool] = False
    organisation: Ref = Field("", description="code of an organisation in the same compartment")
    new_organisation: OrganisationInput | None = None
    perpetrator_type: Annotated[str, vocabulary("perpetrator_type", default="UNKNOWN")] = "UNKNOWN"
    confidence: Annotated[str, one_of(CONFIDENCES, "UNKNOWN")] = "UNKNOWN"
    basis: Long = ""

    def _choices(self) -> list[Any]:
        return [self.person, self.new_person, self.organisation, self.new_organisation]


class RelativeInput(PartyInput):
    relative_of: Ref = Field("", description="the target whose relative this is, if there are several")
    relationship: Annotated[str, vocabulary("relationship", required=True)]
    outcomes: Annotated[list[str], vocabulary_list("relative_outcome")] = []
    is_minor: Flag = False


class ActInput(Input):
    code: Ref = Field("", description="an existing act of this incident, to keep its code when editing")
    tactics: Annotated[list[str], vocabulary_list("tactic", required=True)]
    demands: Annotated[list[str], vocabulary_list("demand")] = []
    channels: Annotated[list[str], vocabulary_list("channel")] = []
    origin_state: Country = Field("", description="the incident's when empty")
    origin_confidence: Annotated[str, one_of(CONFIDENCES, "UNKNOWN")] = "UNKNOWN"
    host_country: Country = Field("", description="the incident's when empty")
    host_confidence: Annotated[str, one_of(CONFIDENCES, "CONFIRMED")] = "CONFIRMED"
    harm_country: Country = Field("", description="the host country when empty")
    harm_confidence: Annotated[str, one_of(CONFIDENCES, "CONFIRMED")] = "CONFIRMED"
    executing_state: Country = ""
    executing_confidence: Annotated[str, one_of(CONFIDENCES, "")] = ""
    date: When = None
    description: Long = ""
    outcome: Long = ""
    targets: Annotated[
        Items[PartyInput], Check(lambda value, _info: _parties(value), description="parties, or person codes")
    ] = []
    perpetrators: Items[PerpetratorInput] = []
    relatives: Items[RelativeInput] = []

    @model_validator(mode="after")
    def _executing(self) -> ActInput:
        if not self.executing_state:
            if self.executing_confidence:
                raise _fail(_("needs an executing state"), "executing_confidence")
        elif not self.executing_confidence:
            self.executing_confidence = "UNKNOWN"
        return self


class IncidentInput(Input):
    code: Ref = ""
    case: Ref = ""
    title: Short = ""
    narrative: Long = ""
    origin_state: RequiredCountry
    host_country: RequiredCountry
    date: RequiredWhen
    until: When = None
    acts: Items[ActInput] = Field(default_factory=list, validate_default=True)

    @field_validator("acts")
    @classmethod
    def _acts(cls, value: list[ActInput]) -> list[ActInput]:
        if not value:
            raise _fail(_("an incident needs at least one act (what was done)"))
        return value

    @model_validator(mode="after")
    def _whole(self) -> IncidentInput:
        if self.until and self.until.end < self.date.start:
            raise _fail(_("ends before the incident starts"), "until")
        for act in self.acts:  # an act happened where its incident did unless it says otherwise
            act.origin_state = act.origin_state or self.origin_state
            act.host_country = act.host_country or self.host_country
            act.harm_country = act.harm_country or act.host_country
        return self


def _client(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return {"person": value}
    if not isinstance(value, Mapping | PartyInput):
        raise _fail(_("must be a person code or a new person"))
    return value


class CaseInput(Input):
    code: Ref = ""
    client: Annotated[
        PartyInput | None,
        Check(lambda value, _info: _client(value), description="a person's code, or {person} / {new_person}"),
    ] = None
    state: Annotated[str, vocabulary("case_state", default="NEW")] = "NEW"
    urgency: Annotated[str, vocabulary("urgency", default="P3")] = "P3"
    closure: Annotated[str, vocabulary("closure")] = ""
    origin_state: RequiredCountry
    host_country: Country = ""
    community: Annotated[str, vocabulary("community")] = ""
    summary: Long = ""
    opened_on: Annotated[
        dt.date,
        PlainValidator(
            _plain(lambda value: _clean_day(value) or dt.date.today()), json_schema_input_type=str
        ),
        Field(description="YYYY-MM-DD; today when empty"),
    ] = Field(default_factory=dt.date.today)

    @model_validator(mode="after")
    def _closure(self) -> CaseInput:
        if self.state == "CLOSED" and not self.closure:
            raise _fail(_("a closed case needs a closure code"), "closure")
        if self.closure and self.state != "CLOSED":
            raise _fail(_("only a closed case has a closure code"), "closure")
        return self


class CitationInput(Input):
    incident: Ref = Field(description="the incident this source supports")
    act: Ref = ""
    credibility: Annotated[str, one_of(CREDIBILITY, "6")] = "6"
    statement: Long = ""
    locator: Annotated[str, text(80)] = Field("", description="page, paragraph or timestamp")

    @field_validator("incident")
    @classmethod
    def _incident(cls, value: str) -> str:
        if not value:
            raise _fail(_("is required"))
        return value


class SourceInput(Input):
    code: Ref = ""
    source_type: Annotated[str, vocabulary("source_type", required=True)]
    reliability: Annotated[str, one_of(RELIABILITY, "F")] = "F"
    title: Short = ""
    reference: Long = ""
    notes: Long = ""
    date: When = None
    citations: Items[CitationInput] = []


def _upper(choices: Iterable[Any]) -> list[str]:
    return [c.value.upper() for c in choices]


class ConsentInput(Input):
    purpose: Annotated[str, vocabulary("consent_purpose", required=True)]
    method: Annotated[str, one_of(_upper(Consent.Method), "ORAL")] = "ORAL"
    given_on: Day = None
    expires_on: Day = None
    recipient: Short = Field("", description="the organisation a REFERRAL consent is for")

    @model_validator(mode="after")
    def _whole(self) -> ConsentInput:
        if self.purpose == "REFERRAL" and not self.recipient:
            raise _fail(_("consent to a referral names the organisation it is for"), "recipient")
        if self.expires_on and self.expires_on < (self.given_on or dt.date.today()):
            raise _fail(_("is before the day consent was given"), "expires_on")
        return self


class ReferralInput(Input):
    referral_type: Annotated[str, vocabulary("referral_type", required=True)]
    status: Annotated[str, one_of(_upper(Referral.Status), "PLANNED")] = "PLANNED"
    made_on: Day = None
    recipient: Short = ""
    notes: Long = ""


class TaskInput(Input):
    task_type: Annotated[str, vocabulary("task_type", default="FOLLOW_UP")] = "FOLLOW_UP"
    due_on: RequiredDay
    title: Annotated[str, text(required=True)]
    risk_note: Long = ""
    consent: Ref = ""
    assigned_to: Ref = Field("", description="code of a member of the case's compartment")


class IntakeChoicesInput(Input):
    """What a reporter agreed to and asked for, carried into the case opened from the report."""

    consents: Annotated[list[str], vocabulary_list("consent_purpose")] = []
    referrals: Annotated[list[str], vocabulary_list("referral_type")] = []


# Checking ----------------------------------------------------------------------------

M = TypeVar("M", bound=Input)


def clean(
    model: type[M],
    data: Any,
    *,
    keep: Iterable[str] = (),
    prefix: str = "",
    vocab: Vocabularies | None = None,
) -> M:
    """``data`` as a ``model``, or RecordInvalid naming every problem.

    ``keep`` holds the codes the record being edited already has; ``vocab``
    is shared across a batch so each vocabulary is read once.
    """
    context = {"vocab": vocab or Vocabularies(), "keep": set(keep)}
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise RecordInvalid(field_errors(exc.errors(include_url=False), prefix=prefix)) from None


def dumped(record: Input) -> dict[str, Any]:
    """A validated record as the plain mapping ``clean`` reads (empty optional parts left out)."""
    return record.model_dump(exclude_none=True)
