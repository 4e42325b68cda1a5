"""Published statistics over the API: counts of incidents grouped as asked, with small cells and the
cells that would reveal them withheld. For researchers and above; every answer is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.insight import queries, selectors, services
from longreach.registry.api import ErrorOut, InvalidOut

router = Router(tags=["statistics"])


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
    asked = queries.statistics_query(request.GET, floor=int(settings.STATISTICS_MIN_CELL))
    found = selectors.statistics(
        user=user, group_by=asked.group_by, threshold=asked.threshold, where=asked.where
    )
    services.statistics_given(user=user, asked=asked, rows=len(found.rows), fmt="api")
    return {
        "group_by": list(found.group_by),
        "threshold": found.threshold,
        "method": queries.method(),
        "rows": found.rows,
    }
