"""Background jobs of messages (django-tasks): reading a chat export kept as evidence."""

from __future__ import annotations

from django_tasks import task


@task()
def read_chat(import_id: str, sealed_keys: str) -> str:
    """Read an evidence item as a chat for a case; returns the import's state."""
    from longreach.messages import services

    return services.chat_import_run(import_id=import_id, sealed_keys=sealed_keys)
