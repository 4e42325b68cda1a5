"""Importing Freedom in the World ratings: all or nothing, a dry run that writes nothing, audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.geo import freedom
from longreach.geo.models import FreedomRating


@dataclass(frozen=True)
class Imported:
    ratings: int
    countries: int
    editions: list[int]
    replaced: int  # ratings already held for the same country and edition
    territories: int
    skipped: list[tuple[int, str]]


@transaction.atomic
def freedom_import(*, path: Path, actor: str, skip_unknown: bool = False, dry_run: bool = False) -> Imported:
    """Read the whole file first (``freedom.read`` names any bad cell), then replace the ratings of
    the editions it holds. A later file with the same editions corrects the earlier one."""
    read = freedom.read(path, skip_unknown=skip_unknown)
    editions = sorted({r.edition for r in read.ratings})
    keys = {(r.country, r.edition) for r in read.ratings}
    held = FreedomRating.objects.filter(edition__in=editions)
    replaced = sum(1 for key in held.values_list("country", "edition") if key in keys)
    summary = Imported(
        len(read.ratings),
        len({r.country for r in read.ratings}),
        editions,
        replaced,
        read.territories,
        read.unknown,
    )
    if dry_run:
        return summary
    held.filter(country__in={r.country for r in read.ratings}).delete()
    now = timezone.now()
    FreedomRating.objects.bulk_create(
        FreedomRating(
            country=r.country,
            edition=r.edition,
            status=r.status,
            political_rights=r.political_rights,
            civil_liberties=r.civil_liberties,
            source=path.name[:255],
            imported_at=now,
        )
        for r in read.ratings
    )
    audit_record(
        Event.FREEDOM_IMPORTED,
        actor=actor,
        object_type="indicators",
        object_code="fiw",
        detail={"ratings": len(read.ratings), "first": editions[0], "last": editions[-1]},
    )
    return summary
