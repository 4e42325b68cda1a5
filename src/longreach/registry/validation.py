"""The input of every registry record, defined once as a pydantic model.

Forms (through ``forms.unflatten``), the API (the models are its request
bodies), imports and the command line all validate with these models, so a
field, its limit and its vocabulary are written in one place. Input arrives as
plain mappings: form posts and CSV cells give strings, the API and JSON give
typed values; both are accepted. ``clean`` returns a validated model or raises
``RecordInvalid`` listing every problem with a path such as
``acts[1].tactics`` and a reason a person can act on, so a form can show it
next to the field and an import can name the line and column.

The field types and the error translation are in ``fields``. Codes are
checked against the vocabularies when the model is validated. The
validation context carries a ``Vocabularies`` read once per batch and the
codes the record being edited already holds (``keep``): a term retired since
may stay on a record, not be newly chosen. The API validates its request
bodies at the door without the record in hand, so there an edit (PUT) lets a
retired code through and the service, which has the record, decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from longreach.crypto import normalise
from longreach.registry.fields import (
    Check,
    Country,
    Day,
    Flag,
    Items,
    Long,
    RecordInvalid,
    Ref,
    RequiredCountry,
    RequiredDay,
    RequiredWhen,
    Short,
    Strings,
    Today,
    Vocabularies,
    When,
    fail,
    field_errors,
    has_letters,
    one_of,
    text,
    vocabulary,
    vocabulary_list,
)
from longreach.registry.models import Confidence, Consent, Referral

CONFIDENCES = [c.value for c in Confidence]
RELIABILITY = list("ABCDEF")
CREDIBILITY = list("123456")


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
        if value and not has_letters(value):
            raise fail(_("has no letters; give the name as it is written"))
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        if any(not has_letters(a) for a in value):
            raise fail(_("an alias has no letters; give each as it is written"))
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        try:
            return normalise.phone(value, info.data.get("residence_country") or None)
        except ValueError:
            raise fail(
                _("is not a phone number; give it with its country code, e.g. +90 532 000 0000")
            ) from None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                normalise.email(value)
            except ValueError:
                raise fail(_("is not an e-mail address")) from None
        return value

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        if value:
            try:
                normalise.handle(value)
            except ValueError:
                raise fail(
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
        if not has_letters(value):
            raise fail(_("has no letters; give the name as it is written"))
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
            raise fail(_("give one of an existing record or a new one, not both"), "person")
        if not given and self.required:
            raise fail(_("is required: choose a person or describe a new one"), "person")
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
                raise fail(_("needs an executing state"), "executing_confidence")
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
            raise fail(_("an incident needs at least one act (what was done)"))
        return value

    @model_validator(mode="after")
    def _whole(self) -> IncidentInput:
        if self.until and self.until.end < self.date.start:
            raise fail(_("ends before the incident starts"), "until")
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
        raise fail(_("must be a person code or a new person"))
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
    opened_on: Today = Field(default_factory=timezone.localdate)

    @model_validator(mode="after")
    def _closure(self) -> CaseInput:
        if self.state == "CLOSED" and not self.closure:
            raise fail(_("a closed case needs a closure code"), "closure")
        if self.closure and self.state != "CLOSED":
            raise fail(_("only a closed case has a closure code"), "closure")
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
            raise fail(_("is required"))
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
            raise fail(_("consent to a referral names the organisation it is for"), "recipient")
        if self.expires_on and self.expires_on < (self.given_on or timezone.localdate()):
            raise fail(_("is before the day consent was given"), "expires_on")
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
