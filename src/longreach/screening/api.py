"""Screening over the API: screen names (against the records, and a compartment's lists when a
compartment is given, then the screening is kept), read a kept screening, review its hits.

Output schemas are allow-lists; a record the caller may not read is given by
neither name nor code, only counted (``elsewhere``) or marked unreadable.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from longreach.accounts import access
from longreach.accounts.models import User
from longreach.audit.services import record_viewed
from longreach.names.lists import ListError, countries
from longreach.registry import services as registry
from longreach.registry.api import ErrorOut, InvalidOut, TextIn
from longreach.screening import selectors, services

router = Router(tags=["screening"])
PARTIAL_DATE = r"^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$"


class ScreeningNameIn(TextIn):
    id: str = Field("", max_length=100, description="your reference for the name, returned with it")
    name: str = Field(
        min_length=1, max_length=300, description="a person's or organisation's name, any script"
    )
    aliases: list[str] = Field(
        default_factory=list, max_length=20, description="other names of the same person"
    )
    birth_date: str = Field("", pattern=PARTIAL_DATE, description="YYYY, YYYY-MM or YYYY-MM-DD")
    nationality: list[str] = Field(
        default_factory=list, max_length=10, description="ISO 3166 alpha-2 codes, e.g. CN, TR"
    )


class ScreeningIn(Schema):
    names: list[ScreeningNameIn] = Field(min_length=1, max_length=1000)
    threshold: float = Field(0.8, ge=0.0, le=1.0, strict=True, description="score from which a name is a hit")
    compartment: str = Field(
        "", max_length=100, description="slug: screen against its lists too, and keep the screening there"
    )
    watchlists: list[str] = Field(default_factory=list, max_length=20, description="codes of its lists")
    registry: bool = Field(True, description="screen against the perpetrators in the records")


class ScreeningHitOut(Schema):
    source: str = Field(description="'registry' or the code of the list")
    code: str = Field("", description="the record's code (registry hits the caller may read)")
    kind: str = ""
    ref: str = Field("", description="the list's own reference (list hits)")
    name: str = ""
    score: float
    readable: bool = True
    why: dict[str, Any] = Field(default_factory=dict)
    adjustments: list[str] = Field(default_factory=list)
    decision: str = Field("", description="the latest review: match, no_match, unsure (kept screenings)")
    key: str = Field("", description="the hit's key, to review it (kept screenings)")


class ScreeningRowOut(Schema):
    row: int = 0
    id: str
    name: str
    hits: list[ScreeningHitOut]
    elsewhere: int = Field(description="matches in compartments you cannot read: counted, never named")


class ScreeningOut(Schema):
    screening: str = Field("", description="the kept screening's code (when a compartment was given)")
    results: list[ScreeningRowOut]


class ReviewIn(TextIn):
    row: int = Field(ge=1)
    hit: str = Field(min_length=1, max_length=200)
    decision: str = Field(pattern=r"^(match|no_match|unsure)$")
    reason: str = Field("", max_length=services.MAX_REASON)


class ReviewOut(Schema):
    row: int
    hit: str
    decision: str


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.post(
    "/screenings",
    response={200: ScreeningOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def screening_create(request: HttpRequest, payload: ScreeningIn) -> dict[str, Any]:
    """Screen names against the perpetrators in the records; with a compartment, against its lists too,
    and the screening is kept there (sealed) to be reviewed (see `longreach screen`)."""
    user = _user(request)
    if not access.compartments(user, "case.read").exists():
        raise Http404("not found")  # like any route the role may not use
    if not payload.compartment:
        if payload.watchlists or not payload.registry:
            raise services.ScreeningError(
                "watchlists and registry=false need a compartment (lists belong to one)"
            )
        found = registry.perpetrators_screen(
            user=user, names=[(n.id, n.name) for n in payload.names], threshold=payload.threshold
        )
        return {
            "results": [
                {
                    "id": ref,
                    "name": name,
                    "hits": [{"source": "registry", **h.as_dict()} for h in r.hits],
                    "elsewhere": r.elsewhere,
                }
                for ref, name, r in found
            ]
        }
    compartment = next(
        (c for c in access.compartments(user, "screening.run") if c.slug == payload.compartment), None
    )
    if compartment is None:
        raise Http404("not found")
    lists = list(selectors.watchlists_for_user(user, current=True).filter(code__in=payload.watchlists))
    if len(lists) != len(set(payload.watchlists)):
        raise services.ScreeningError(
            "a watchlist is not one you may use (current lists of your compartments)"
        )
    batch = []
    for k, n in enumerate(payload.names, 1):
        try:
            nationalities = countries(n.nationality, f"names[{k - 1}].nationality")
        except ListError as exc:
            raise services.ScreeningError(str(exc)) from exc
        batch.append(services.Query(n.id or f"name-{k}", [n.name, *n.aliases], n.birth_date, nationalities))
    screening = services.screening_run(
        user=user,
        compartment=compartment,
        batch=batch,
        watchlists=lists,
        registry=payload.registry,
        threshold=payload.threshold,
    )
    return {"screening": screening.code, "results": selectors.rows_out(user=user, screening=screening)}


@router.get("/screenings/{code}", response={200: ScreeningOut, 401: ErrorOut, 404: ErrorOut})
def screening_read(request: HttpRequest, code: str) -> dict[str, Any]:
    user = _user(request)
    screening = selectors.screening_for_user(user=user, code=code)
    record_viewed(user, screening, "screening")
    return {"screening": screening.code, "results": selectors.rows_out(user=user, screening=screening)}


@router.post(
    "/screenings/{code}/reviews",
    response={200: ReviewOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
)
def screening_review(request: HttpRequest, code: str, payload: ReviewIn) -> dict[str, Any]:
    user = _user(request)
    screening = selectors.screening_for_user(user=user, code=code)
    review = services.review_add(
        user=user,
        screening=screening,
        row=payload.row,
        key=payload.hit,
        decision=payload.decision,
        reason=payload.reason,
    )
    return {"row": review.row, "hit": review.hit, "decision": review.decision}
