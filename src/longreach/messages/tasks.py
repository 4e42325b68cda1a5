"""Background jobs of messages (django-tasks): reading a chat export kept as evidence, training a
compartment's tag model."""

from __future__ import annotations

from django_tasks import task


@task()
def read_chat(import_id: str, sealed_keys: str) -> str:
    """Read an evidence item as a chat for a case; returns the import's state."""
    from longreach.messages import services

    return services.chat_import_run(import_id=import_id, sealed_keys=sealed_keys)


@task()
def train_tags(compartment_id: str, requested_at: str, sealed_keys: str) -> str:
    """Retrain a compartment's tag model from its analysts' judgements; returns the model's state."""
    from longreach.messages import services

    return services.tag_model_run(
        compartment_id=compartment_id, requested_at=requested_at, sealed_keys=sealed_keys
    )
