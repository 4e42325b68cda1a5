"""Load membership data into the database (migration and ``longreach geo sync``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from longreach.geo.memberships import MembershipData


def sync(model: Any, memberships: list[MembershipData]) -> int:
    """Insert or update every period; returns how many rows were created."""
    created = 0
    for m in memberships:
        fields = asdict(m)
        key = {k: fields.pop(k) for k in ("organisation", "country", "start")}
        _, was_created = model.objects.update_or_create(**key, defaults=fields)
        created += int(was_created)
    return created
