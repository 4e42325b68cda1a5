"""The filters of the incident and case lists, read once for the pages and the API alike.

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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longreach.geo import countries
from longreach.registry.selectors import CaseFilters, IncidentFilters
from longreach.registry.validation import FieldError, RecordInvalid

CODE = re.compile(r"[A-Za-z0-9_\-]{1,64}")
# The compartment, tactic, demand... codes of the incident list; status is the case's state.
INCIDENT_CODES = (
    "compartment",
    "tactic",
    "tactic_family",
    "demand",
    "channel",
    "community",
    "profile",
    "status",
    "urgency",
    "confidence",
    "case",
)
CASE_CODES = ("compartment", "state", "urgency", "community")
COUNTRIES = ("origin_state", "host_country")
DAYS = ("date_from", "date_to")
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
# Not filters, but the lists' own parameters: accepted and read elsewhere.
PAGING = ("page", "per_page")


def _code(name: str, raw: str, errors: list[FieldError]) -> str:
    if CODE.fullmatch(raw):
        return raw
    errors.append(FieldError(name, _("is not a code (letters, digits, '_' and '-', at most 64)")))
    return ""


def _country(name: str, raw: str, errors: list[FieldError]) -> str:
    if countries.is_country(raw):
        return raw.upper()
    errors.append(FieldError(name, _("is not a country code (two letters, e.g. CN)")))
    return ""


def _day(name: str, raw: str, errors: list[FieldError]) -> dt.date | None:
    try:
        if len(raw) == 10:
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    errors.append(FieldError(name, _("is not a real date (YYYY-MM-DD)")))
    return None


def _unknown(params: Mapping[str, str], known: tuple[str, ...], errors: list[FieldError]) -> None:
    for name in sorted(set(params) - set(known)):
        errors.append(FieldError(name[:40] or "(empty)", _("is not a filter of this list")))


def _read(
    params: Mapping[str, str],
    f: object,
    errors: list[FieldError],
    *,
    codes: tuple[str, ...],
    days: tuple[str, ...],
) -> None:
    """Codes, countries and days onto ``f``; what cannot be one is an error, and not set."""
    readers = [(codes, _code), (COUNTRIES, _country), (days, _day)]
    for names, reader in readers:
        for name in names:
            raw = params.get(name, "").strip()
            if raw:
                setattr(f, name, reader(name, raw, errors))


def incident_filters(params: Mapping[str, str], *, strict: bool = True) -> IncidentFilters:
    """Filters from query parameters; RecordInvalid names every bad one.

    ``strict`` refuses parameters that are not filters (the API); the page has its own
    (``page``) and ignores what a browser adds.
    """
    errors: list[FieldError] = []
    f = IncidentFilters()
    _read(params, f, errors, codes=INCIDENT_CODES, days=DAYS)
    physical = params.get("physical", "").strip().lower()
    if physical:
        if physical in YES_NO:
            f.physical = YES_NO[physical]
        else:
            errors.append(FieldError("physical", _("must be yes or no")))
    if strict:
        _unknown(params, (*INCIDENT_CODES, *COUNTRIES, *DAYS, "physical", *PAGING), errors)
    if errors:
        raise RecordInvalid(errors)
    return f


def case_filters(params: Mapping[str, str], *, strict: bool = True) -> CaseFilters:
    """Filters of the case list; ``mine`` and ``open`` are the page's check boxes."""
    errors: list[FieldError] = []
    f = CaseFilters()
    _read(params, f, errors, codes=CASE_CODES, days=())
    f.assigned_to_me = params.get("mine") == "1"
    f.open_only = params.get("open") == "1"
    if strict:
        _unknown(params, (*CASE_CODES, *COUNTRIES, *PAGING), errors)
    if errors:
        raise RecordInvalid(errors)
    return f
