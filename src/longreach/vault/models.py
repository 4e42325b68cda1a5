"""Evidence items, their links to the registry, and what an item's custody chain points at.

An item is addressed by the SHA-256 of its original bytes (one item per file
per compartment) and stored encrypted under its own key, which is sealed
under the compartment key in ``file_key``. Deleting an item destroys that key
(crypto-shredding); the row stays, with its hashes, as the custody record.
What stays plaintext is what custody and statistics need: hashes, sizes,
types, times and codes. The original filename and the capture metadata are
sealed.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from longreach.core.codes import new_ref
from longreach.keys.fields import SealedJSONField, SealedTextField


class EvidenceItem(models.Model):
    class How(models.TextChoices):
        UPLOAD = "upload", _("Uploaded by staff")
        INTAKE = "intake", _("Sent through the reporting line")
        IMPORT = "import", _("Imported from a file on the server")
        ATTACHMENT = "attachment", _("Came with a chat or e-mail export")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Kept")
        DELETED = "deleted", _("Deleted: the file key was destroyed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(
        max_length=16, unique=True, default=functools.partial(new_ref, "E"), editable=False
    )
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)  # of the original bytes
    size = models.BigIntegerField()
    cipher_sha256 = models.CharField(max_length=64)  # of the stored file; reconcile checks it with no key
    cipher_size = models.BigIntegerField()
    storage_name = models.CharField(max_length=64, unique=True)
    declared_type = models.CharField(max_length=100, blank=True)
    sniffed_type = models.CharField(max_length=100)
    flags = models.JSONField(default=list)  # inspect.type_flags codes, e.g. "mismatch:declared"
    how = models.CharField(max_length=10, choices=How.choices)
    acquired_at = models.DateTimeField()
    acquired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    origin = models.CharField(max_length=40, blank=True)  # e.g. the intake file's code
    # {"name": original filename, "metadata": capture metadata}
    sealed = SealedJSONField()
    # The per-file key (hex) under the compartment key; emptied when the item is deleted.
    file_key = SealedTextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    deleted_at = models.DateTimeField(null=True)
    # Ledger index of the item's newest custody event: the next one names it as ``prev``.
    last_event = models.BigIntegerField()
    # Viewing copy: "" (none asked), "pending", "made", or "none:REASON" (derivatives.NoCopy codes).
    copy_state = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-acquired_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["compartment", "sha256"],
                condition=~Q(status="deleted"),
                name="one_kept_item_per_file_per_compartment",
            )
        ]


class EvidenceLink(models.Model):
    """What an item shows about a case, an incident, an act or a source."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="links")
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("registry.Case", on_delete=models.CASCADE, null=True, related_name="evidence")
    incident = models.ForeignKey(
        "registry.Incident", on_delete=models.CASCADE, null=True, related_name="evidence"
    )
    act = models.ForeignKey("registry.Act", on_delete=models.CASCADE, null=True, related_name="evidence")
    source = models.ForeignKey(
        "registry.Source", on_delete=models.CASCADE, null=True, related_name="evidence"
    )
    note = SealedTextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(case__isnull=False, incident__isnull=True, act__isnull=True, source__isnull=True)
                    | Q(case__isnull=True, incident__isnull=False, act__isnull=True, source__isnull=True)
                    | Q(case__isnull=True, incident__isnull=True, act__isnull=False, source__isnull=True)
                    | Q(case__isnull=True, incident__isnull=True, act__isnull=True, source__isnull=False)
                ),
                name="evidence_link_has_one_target",
            ),
        ]

    @property
    def target(self) -> Any:
        """The case, incident, act or source (each has a ``code``)."""
        return self.case or self.incident or self.act or self.source

    @property
    def target_kind(self) -> str:
        return (
            "case" if self.case_id else "incident" if self.incident_id else "act" if self.act_id else "source"
        )


class ViewingCopy(models.Model):
    """A derivative for viewing (re-encoded image, extracted text, waveform); never the evidence itself.

    It is encrypted under its original's file key, so destroying that key
    destroys the copy too; its own hashes are recorded like the original's.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="copies")
    kind = models.CharField(max_length=10)  # image | text | waveform
    media_type = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    cipher_sha256 = models.CharField(max_length=64)
    cipher_size = models.BigIntegerField()
    storage_name = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="one_copy_per_kind")]
