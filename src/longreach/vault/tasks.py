"""Background jobs of the vault (django-tasks): viewing copies."""

from __future__ import annotations

from django_tasks import task


@task()
def make_viewing_copy(item_id: str, sealed_key: str) -> str:
    """Make an item's viewing copy; returns the item's copy state."""
    from longreach.vault import services

    return services.viewing_copy_run(item_id=item_id, sealed_key=sealed_key)
