"""Published statistics over the API: counts of incidents grouped as asked, with small cells and the
cells that would reveal them withheld. For researchers and above; every answer is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.geo import countries
from longreach.insight import selectors
from longreach.registry.api import ErrorOut, InvalidOut
from longreach.registry.fields import FieldError, RecordInvalid

router = Router(tags=["statistics"])
OWN = {"group_by", "k"}


def _slices(request: HttpRequest, groups: tuple[str, ...]) -> tuple[dict[str, Any], list[FieldError]]:
    """The slices asked for: a value of a dimension that is not grouped by. Nothing else narrows the
    counts, since two differently narrowed tables could be subtracted to find a withheld count."""
    where: dict[str, Any] = {}
    errors = []
    for name in request.GET:
        value = request.GET.get(name, "").strip()
        if name in OWN:
            continue
        if name not in selectors.GROUPS:
            errors.append(
                FieldError(
                    name[:40] or "(empty)",
                    _(
                        "is not a filter of the statistics: "
                        "only origin_state, host_country, tactic_family and year"
                    ),
                )
            )
        elif name in groups:
            errors.append(FieldError(name, _("is grouped by; it cannot also be a filter")))
        elif name in ("origin_state", "host_country"):
            if not countries.is_country(value):
                errors.append(FieldError(name, _("is not a country code (two letters, e.g. CN)")))
            else:
                where[name] = value.upper()
        elif name == "year":
            if not value.isdigit() or not 1900 <= int(value) <= 2100:
                errors.append(FieldError(name, _("is not a year")))
            else:
                where[name] = int(value)
        elif not value.replace("_", "").isalnum() or len(value) > 64:
            errors.append(FieldError(name, _("is not a code (letters, digits, '_' and '-', at most 64)")))
        else:
            where[name] = value
    return where, errors


class StatisticsOut(Schema):
    group_by: list[str]
    threshold: int = Field(description="the smallest count shown; smaller ones are withheld")
    method: str
    rows: list[dict[str, Any]] = Field(
        description="each: the group's values, count (null when withheld) and suppressed (true when withheld)"
    )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get(
    "/statistics",
    response={200: StatisticsOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidOut},
    summary="Incidents counted by origin_state, host_country, tactic_family and year (any subset)",
)
def statistics(request: HttpRequest, group_by: str = "", k: int | None = None) -> dict[str, Any]:
    """``group_by``: a comma-separated subset of origin_state, host_country, tactic_family, year.
    ``k``: the smallest count shown (at least the organisation's ``LONGREACH_STATISTICS_MIN_CELL``,
    5 unless set). ``origin_state``, ``host_country``, ``tactic_family`` or ``year`` given a value (and
    not grouped by) keep that slice of the same table."""
    user = _user(request)
    if not allowed(user, "stats.view"):  # as for any page a role has no use of: not found
        raise Http404("not found")
    errors = []
    groups = tuple(g.strip() for g in group_by.split(",") if g.strip())
    unknown = [g for g in groups if g not in selectors.GROUPS]
    if unknown or not groups or len(set(groups)) != len(groups):
        errors.append(
            FieldError(
                "group_by",
                _("a comma-separated list of %(allowed)s, each once")
                % {"allowed": ", ".join(selectors.GROUPS)},
            )
        )
    floor = int(settings.STATISTICS_MIN_CELL)
    threshold = floor if k is None else k
    if threshold < floor or threshold > 1_000_000:
        errors.append(
            FieldError("k", _("at least %(k)d, the organisation's smallest published count") % {"k": floor})
        )
    where, more = _slices(request, groups)
    errors += more
    if errors:
        raise RecordInvalid(errors)
    found = selectors.statistics(user=user, group_by=groups, threshold=threshold, where=where)
    audit_record(
        Event.STATISTICS_DOWNLOADED,
        actor=user,
        object_type="statistics",
        object_code=":".join(groups),
        detail={"format": "api", "k": threshold, "rows": len(found.rows)},
    )
    return {
        "group_by": list(found.group_by),
        "threshold": found.threshold,
        "method": _(
            "Counts below the threshold are withheld, and in every line of the table (cells that share all "
            "groups but one) a second cell is withheld when one alone would be, so that no withheld count "
            "can be worked out from a total."
        ),
        "rows": found.rows,
    }
