"""Sealed copies of symmetric keys, and the organisation's public keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class KeyGrant(models.Model):
    """One symmetric key, sealed to one recipient's X25519 public key.

    ``compartment`` set: that compartment's key at ``key_version``; unset: the
    organisation-wide linkage key. ``user`` unset: sealed to the recovery key.
    """

    compartment = models.ForeignKey(
        "accounts.Compartment", on_delete=models.CASCADE, null=True, related_name="key_grants"
    )
    key_version = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="key_grants"
    )
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["compartment", "key_version", "user"],
                name="one_grant_per_recipient",
                nulls_distinct=False,
            ),
        ]


class OrgKeys(models.Model):
    """Public halves only: the recovery key and the ledger signing key."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    recovery_public_key = models.BinaryField()
    signing_public_key = models.BinaryField()
    linkage_key_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    @classmethod
    def get(cls) -> OrgKeys:
        return cls.objects.get(pk=1)
