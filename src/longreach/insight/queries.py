"""What a researcher may ask of the statistics and of the dataset, read from a query string: one
definition for the API, the pages and saved queries, each mistake named by its parameter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from longreach.geo import countries
from longreach.registry.fields import FieldError, RecordInvalid

GROUPS = ("origin_state", "host_country", "tactic_family", "year")
MAX_K = 1_000_000
MAX_QUERY = 1000  # characters of a saved query string


class Params(Protocol):
    """A Django QueryDict, or anything with the same two methods."""

    def getlist(self, key: str, default: Any = ...) -> list[str]: ...

    def keys(self) -> Any: ...


class Plain:
    """A query string already split, as Params (for saved queries and tests)."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.pairs = list(pairs)

    def getlist(self, key: str, default: Any = None) -> list[str]:
        return [v for k, v in self.pairs if k == key]

    def keys(self) -> list[str]:
        return list(dict.fromkeys(k for k, _v in self.pairs))


def _one(params: Params, name: str, errors: list[FieldError]) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        errors.append(FieldError(name, _("is given more than once")))
    return values[0].strip() if values else ""


def _country(name: str, value: str, errors: list[FieldError]) -> str:
    if value and not countries.is_country(value):
        errors.append(FieldError(name, _("is not a country code (two letters, e.g. CN)")))
        return ""
    return value.upper()


def _code(name: str, value: str, errors: list[FieldError]) -> str:
    if value and (not value.replace("_", "").replace("-", "").isalnum() or len(value) > 64):
        errors.append(FieldError(name, _("is not a code (letters, digits, '_' and '-', at most 64)")))
        return ""
    return value


def _year(name: str, value: str, errors: list[FieldError]) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 1900 <= int(value) <= 2100:
        errors.append(FieldError(name, _("is not a year")))
        return None
    return int(value)


def _unknown(params: Params, known: set[str], errors: list[FieldError], what: str) -> None:
    for name in params.keys():
        if name not in known:
            errors.append(FieldError(name[:40] or "(empty)", what))


def group_labels() -> dict[str, str]:
    """Each grouping's name in the reader's language, for pages and tables."""
    return {
        "origin_state": _("Origin state"),
        "host_country": _("Host country"),
        "tactic_family": _("Tactic family"),
        "year": _("Year"),
    }


def method() -> str:
    return _(
        "Counts below the threshold are withheld, and in every line of the table (cells that share all "
        "groups but one) a second cell is withheld when one alone would be, so that no withheld count "
        "can be worked out from a total."
    )


@dataclass(frozen=True)
class StatisticsQuery:
    group_by: tuple[str, ...]
    threshold: int
    where: dict[str, Any] = field(default_factory=dict)

    def query_string(self) -> str:
        pairs = [("group_by", ",".join(self.group_by)), ("k", str(self.threshold))]
        return urlencode(pairs + [(k, str(v)) for k, v in sorted(self.where.items())])


def statistics_query(params: Params, *, floor: int) -> StatisticsQuery:
    """``group_by`` (comma-separated or repeated), ``k`` (at least ``floor``) and slices: a value of a
    dimension that is not grouped by. Nothing else narrows the counts, since two differently narrowed
    tables could be subtracted to find a withheld count."""
    errors: list[FieldError] = []
    groups = tuple(g.strip() for value in params.getlist("group_by") for g in value.split(",") if g.strip())
    if not groups or any(g not in GROUPS for g in groups) or len(set(groups)) != len(groups):
        errors.append(
            FieldError(
                "group_by",
                _("a comma-separated list of %(allowed)s, each once") % {"allowed": ", ".join(GROUPS)},
            )
        )
    k = _one(params, "k", errors)
    threshold = floor
    if k:
        if not k.isascii() or not k.isdigit() or not floor <= int(k) <= MAX_K:
            errors.append(
                FieldError(
                    "k", _("at least %(k)d, the organisation's smallest published count") % {"k": floor}
                )
            )
        else:
            threshold = int(k)
    _unknown(
        params,
        {"group_by", "k", *GROUPS},
        errors,
        _("is not a filter of the statistics: only origin_state, host_country, tactic_family and year"),
    )
    where: dict[str, Any] = {}
    for name in GROUPS:
        if not params.getlist(name):
            continue
        value = _one(params, name, errors)
        if name in groups:
            errors.append(FieldError(name, _("is grouped by; it cannot also be a filter")))
        elif name in ("origin_state", "host_country"):
            where[name] = _country(name, value, errors)
        elif name == "year":
            where[name] = _year(name, value, errors)
        else:
            where[name] = _code(name, value, errors)
        if not value:
            where.pop(name, None)
    if errors:
        raise RecordInvalid(errors)
    return StatisticsQuery(groups, threshold, where)


@dataclass(frozen=True)
class DatasetQuery:
    origin_state: str = ""
    host_country: str = ""
    tactic_family: str = ""
    year_from: int | None = None
    year_to: int | None = None

    def as_filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}

    def query_string(self) -> str:
        return urlencode(sorted((k, str(v)) for k, v in self.as_filters().items()))


DATASET_FIELDS = ("origin_state", "host_country", "tactic_family", "year_from", "year_to")


def dataset_query(params: Params) -> DatasetQuery:
    errors: list[FieldError] = []
    _unknown(
        params,
        {*DATASET_FIELDS, "page"},
        errors,
        _(
            "is not a filter of the dataset: only origin_state, host_country, tactic_family, "
            "year_from and year_to"
        ),
    )
    values = {name: _one(params, name, errors) for name in DATASET_FIELDS}
    query = DatasetQuery(
        origin_state=_country("origin_state", values["origin_state"], errors),
        host_country=_country("host_country", values["host_country"], errors),
        tactic_family=_code("tactic_family", values["tactic_family"], errors),
        year_from=_year("year_from", values["year_from"], errors),
        year_to=_year("year_to", values["year_to"], errors),
    )
    if query.year_from and query.year_to and query.year_from > query.year_to:
        errors.append(FieldError("year_to", _("is before year_from")))
    if errors:
        raise RecordInvalid(errors)
    return query


def page_number(params: Params) -> int:
    errors: list[FieldError] = []
    value = _one(params, "page", errors)
    if value and (not value.isascii() or not value.isdigit() or not 0 < int(value) <= 1_000_000):
        errors.append(FieldError("page", _("is not a page number")))
    if errors:
        raise RecordInvalid(errors)
    return int(value) if value else 1
