"""The input of a legal matter, a proceeding, an event and a typed deadline, each defined once (pydantic,
with the registry's field types): forms, the API and imports validate with these."""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import ValidationInfo

from longreach.legal.models import LegalMatter, Proceeding, ProceedingEvent
from longreach.registry.fields import (
    Check,
    Country,
    Day,
    Flag,
    Long,
    RequiredCountry,
    RequiredDay,
    Short,
    fail,
    one_of,
    text,
)
from longreach.registry.validation import Input


def required_one_of(allowed: list[str]) -> Check:
    plain = one_of(allowed, "")

    def check(value: Any, info: ValidationInfo) -> str:
        if value in (None, ""):
            raise fail(_("is required"))
        return str(plain.func(value, info))

    return Check(check, enum=allowed)


class MatterInput(Input):
    kind: Annotated[str, required_one_of(LegalMatter.Kind.values)]
    requesting_state: RequiredCountry
    host_country: Country = ""
    charges: Annotated[str, text(5000)] = ""  # as stated in the notice or request
    charge_category: Annotated[str, one_of(LegalMatter.Charge.values, LegalMatter.Charge.UNKNOWN)] = (
        LegalMatter.Charge.UNKNOWN
    )
    penalty: Short = ""
    issued_on: Day = None
    learned_on: Day = None
    arrested_on: Day = None
    interpol_ref: Short = ""
    status: Annotated[str, one_of(LegalMatter.Status.values, LegalMatter.Status.ACTIVE)] = (
        LegalMatter.Status.ACTIVE
    )
    notes: Long = ""


class ProceedingInput(Input):
    kind: Annotated[str, required_one_of(Proceeding.Kind.values)]
    forum: Short = ""
    rules: Annotated[str, text(300)] = ""  # deadline rules, comma-separated (checked by the service)
    interim_measures: Flag = False


class EventInput(Input):
    what: Annotated[str, required_one_of(ProceedingEvent.What.values)]
    on: RequiredDay
    note: Long = ""


class TypedDeadlineInput(Input):
    due: RequiredDay
    what: Annotated[str, text(500, required=True)]
