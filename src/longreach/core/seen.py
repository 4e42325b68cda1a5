"""Marking rows seen by a person: alerts, surges, mentions (each model's ``seen_by`` many-to-many)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model


def mark_seen(rows: Sequence[Model], user: Any) -> int:
    """Add ``user`` to each row's ``seen_by`` in one insert (a row already seen stays as it is)."""
    if not rows:
        return 0
    field = type(rows[0])._meta.get_field("seen_by")
    through = field.remote_field.through  # type: ignore[union-attr]
    row_column, user_column = field.m2m_field_name(), field.m2m_reverse_field_name()  # type: ignore[union-attr]
    through.objects.bulk_create(
        [through(**{f"{row_column}_id": row.pk, f"{user_column}_id": user.pk}) for row in rows],
        ignore_conflicts=True,
    )
    return len(rows)
