"""Which regional bodies a country belonged to on a date, and who belonged to one."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from longreach.geo.countries import normalise
from longreach.geo.models import FreedomRating, RegionalMembership


def _on(day: dt.date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


def memberships_of(*, country: str, on: dt.date) -> QuerySet[RegionalMembership]:
    return RegionalMembership.objects.filter(_on(on), country=normalise(country))


def members_of(*, organisation: str, on: dt.date) -> list[str]:
    return sorted(
        RegionalMembership.objects.filter(_on(on), organisation=organisation).values_list(
            "country", flat=True
        )
    )


def bodies_on(day: dt.date) -> dict[str, set[str]]:
    """Every country's regional bodies on ``day``, in one query (for many pairs at once)."""
    found: dict[str, set[str]] = {}
    for country, organisation in RegionalMembership.objects.filter(_on(day)).values_list(
        "country", "organisation"
    ):
        found.setdefault(country, set()).add(organisation)
    return found


def shared_bodies(*, origin: str, host: str, on: dt.date) -> list[str]:
    """Bodies both countries belonged to on ``on``: a risk flag for co-opting tactics."""
    a = set(memberships_of(country=origin, on=on).values_list("organisation", flat=True))
    b = set(memberships_of(country=host, on=on).values_list("organisation", flat=True))
    return sorted(a & b)


def freedom_ratings(*, until: int) -> dict[str, dict[int, FreedomRating]]:
    """Each country's imported ratings up to the ``until`` edition, by edition."""
    found: dict[str, dict[int, FreedomRating]] = {}
    for rating in FreedomRating.objects.filter(edition__lte=until):
        found.setdefault(rating.country, {})[rating.edition] = rating
    return found


def freedom_editions() -> list[int]:
    """The Freedom in the World editions imported, oldest first."""
    return sorted(set(FreedomRating.objects.values_list("edition", flat=True).distinct()))
