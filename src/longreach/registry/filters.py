"""The filters of the incident and case lists: one definition each, for the pages, the API and the selectors.

``IncidentFilters`` and ``CaseFilters`` are pydantic models. The list pages and
the API read query parameters into them with ``incident_filters`` /
``case_filters``; the API's query schemas (``IncidentQuery``, ``CaseQuery``)
are the same models with paging added, so its documentation cannot drift from
what the pages accept; the selectors take them as they are.

A filter is a code, a country or a day. Anything else (a NUL byte, which
PostgreSQL refuses with a 500, a paragraph, ``date_from=garbage``, the
country ``ZZ``) is an error naming the field, never a query and never
silently dropped: a filter that vanished would show a caseworker more than
they asked for and let them think it was what they asked for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model
from pydantic_core import PydanticCustomError

from longreach.geo import countries
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.vocab.selectors import catalogue

CODE = re.compile(r"[A-Za-z0-9_\-]{1,64}")
YES_NO = {"yes": True, "no": False, "true": True, "false": False}
# What each filter is called on the pages, so a problem names the field a person sees.
LABELS = {
    "compartment": gettext_lazy("Compartment"),
    "origin_state": gettext_lazy("Origin state"),
    "host_country": gettext_lazy("Host country"),
    "tactic": gettext_lazy("Tactic"),
    "tactic_family": gettext_lazy("Tactic family"),
    "demand": gettext_lazy("Demand"),
    "channel": gettext_lazy("Channel"),
    "community": gettext_lazy("Community"),
    "profile": gettext_lazy("Target profile"),
    "status": gettext_lazy("Case status"),
    "state": gettext_lazy("State"),
    "urgency": gettext_lazy("Urgency"),
    "confidence": gettext_lazy("Attribution confidence"),
    "case": gettext_lazy("Case"),
    "date_from": gettext_lazy("From"),
    "date_to": gettext_lazy("To"),
    "physical": gettext_lazy("Physical incident"),
}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _code(value: Any) -> str:
    raw = _text(value)
    if raw == "" or CODE.fullmatch(raw):
        return raw
    raise PydanticCustomError("code", _("is not a code (letters, digits, '_' and '-', at most 64)"))


def _country(value: Any) -> str:
    raw = _text(value)
    if raw == "":
        return raw
    if countries.is_country(raw):
        return raw.upper()
    raise PydanticCustomError("country", _("is not a country code (two letters, e.g. CN)"))


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    raw = _text(value)
    if raw == "":
        return None
    try:
        if len(raw) == 10:
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise PydanticCustomError("day", _("is not a real date (YYYY-MM-DD)"))


def _yes_no(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raw = _text(value).lower()
    if raw == "":
        return None
    if raw in YES_NO:
        return YES_NO[raw]
    raise PydanticCustomError("yes_no", _("must be yes or no"))


Code = Annotated[str, BeforeValidator(_code)]
Country = Annotated[str, BeforeValidator(_country)]
Day = Annotated[dt.date | None, BeforeValidator(_day)]
YesNo = Annotated[bool | None, BeforeValidator(_yes_no)]


class _Filters(BaseModel):
    """Empty strings and None mean "any"."""

    model_config = ConfigDict(frozen=True)


class IncidentFilters(_Filters):
    compartment: Code = ""
    origin_state: Country = Field(default="", description="ISO 3166-1 alpha-2")
    host_country: Country = Field(default="", description="ISO 3166-1 alpha-2")
    tactic: Code = ""
    tactic_family: Code = ""
    demand: Code = ""
    channel: Code = ""
    community: Code = ""
    profile: Code = ""
    status: Code = Field(default="", description="the case's state")
    urgency: Code = ""
    confidence: Code = ""
    date_from: Day = Field(default=None, description="YYYY-MM-DD")
    date_to: Day = Field(default=None, description="YYYY-MM-DD")
    physical: YesNo = Field(default=None, description="yes or no")
    case: Code = ""


class CaseListFilters(_Filters):
    """What the case list may be filtered by, on the page and in the API."""

    compartment: Code = ""
    state: Code = ""
    urgency: Code = ""
    origin_state: Country = Field(default="", description="ISO 3166-1 alpha-2")
    host_country: Country = Field(default="", description="ISO 3166-1 alpha-2")
    community: Code = ""


class CaseFilters(CaseListFilters):
    """The case list's filters with the page's two check boxes ("mine", "open")."""

    assigned_to_me: bool = False
    open_only: bool = False


class Paging(BaseModel):
    """Not filters, but the lists' own parameters: accepted and read elsewhere."""

    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)


def _as_query(model: type[_Filters], name: str) -> type[Paging]:
    """The API's query schema: paging, and the model's filters as they arrive (text).

    The filters are read by ``incident_filters``/``case_filters`` like the page's,
    so the API names every bad or unknown one in the same words; the schema is
    made from the model so the API's documentation lists exactly those filters.
    """
    fields: dict[str, Any] = {
        n: (str, Field(default="", description=f.description)) for n, f in model.model_fields.items()
    }
    return create_model(name, __base__=Paging, **fields)


IncidentQuery = _as_query(IncidentFilters, "IncidentQuery")
CaseQuery = _as_query(CaseListFilters, "CaseQuery")


F = TypeVar("F", bound=_Filters)


# Filters whose codes come from a vocabulary: a code that is well formed but not in it (state=NOPE)
# is refused like a bad date, not answered with an empty list that looks like "no such cases".
VOCABULARY_OF = {
    "tactic": "tactic",
    "tactic_family": "tactic_family",
    "demand": "demand",
    "channel": "channel",
    "community": "community",
    "profile": "profile",
    "status": "case_state",
    "state": "case_state",
    "urgency": "urgency",
    "confidence": "attribution",
}


def _unknown_codes(chosen: _Filters) -> list[FieldError]:
    errors = []
    for name, vocabulary in VOCABULARY_OF.items():
        value = getattr(chosen, name, "")
        if value and value not in catalogue().labels.get(vocabulary, {}):
            errors.append(FieldError(name, _("%(code)s is not one of this list's codes") % {"code": value}))
    return errors


def _read(model: type[F], params: Mapping[str, str], names: set[str], strict: bool, **extra: Any) -> F:
    """``model`` from query parameters; RecordInvalid names every bad one (and, if ``strict``,
    every parameter that is not a filter of the list)."""
    errors: list[FieldError] = []
    values = {name: params.get(name, "") for name in names if name in params}
    try:
        chosen = model.model_validate({**values, **extra})
        errors += _unknown_codes(chosen)
    except ValidationError as exc:
        errors += [FieldError(str(e["loc"][0]), e["msg"]) for e in exc.errors()]
    if strict:
        for name in sorted(set(params) - names - set(Paging.model_fields)):
            errors.append(FieldError(name[:40] or "(empty)", _("is not a filter of this list")))
    if errors:
        raise RecordInvalid(errors)
    return chosen


def incident_filters(params: Mapping[str, str], *, strict: bool = True) -> IncidentFilters:
    """Filters from query parameters; RecordInvalid names every bad one.

    ``strict`` refuses parameters that are not filters (the API); the page has its own
    (``page``) and ignores what a browser adds.
    """
    return _read(IncidentFilters, params, set(IncidentFilters.model_fields), strict)


def case_filters(params: Mapping[str, str], *, strict: bool = True) -> CaseFilters:
    """Filters of the case list; ``mine`` and ``open`` are the page's check boxes."""
    mine, open_only = params.get("mine") == "1", params.get("open") == "1"
    return _read(
        CaseFilters,
        params,
        set(CaseListFilters.model_fields),
        strict,
        assigned_to_me=mine,
        open_only=open_only,
    )
