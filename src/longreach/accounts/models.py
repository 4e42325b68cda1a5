"""Staff users, compartments, memberships, API tokens and two-person actions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from longreach.accounts.roles import Role
from longreach.core.codes import new_code


class User(AbstractUser):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices)
    # X25519 key pair; the private half only ever wrapped under the password.
    public_key = models.BinaryField(null=True)
    wrapped_private_key = models.BinaryField(null=True)
    # ``email`` (from AbstractUser), when set, receives content-free notices; this is the last one's time.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_user"

    def __str__(self) -> str:
        return self.username


class Compartment(models.Model):
    """A set of cases with its own key; only members can read inside it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    key_version = models.PositiveIntegerField(default=1)
    # Reports from the public intake are sealed to this key; its private half
    # is stored only encrypted under the compartment key.
    intake_public_key = models.BinaryField()
    intake_private_sealed = models.BinaryField()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    compartment = models.ForeignKey(Compartment, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "compartment"], name="one_membership")]


class ApiToken(models.Model):
    """A bearer token for scripts: ``lr_<prefix>_<secret>``; only a hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.BinaryField()
    # The user's private key wrapped under a key derived from the token.
    wrapped_private_key = models.BinaryField()
    name = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True)


class UserSession(models.Model):
    """Which server-side sessions belong to a user, so all can be ended at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class PendingAction(models.Model):
    """An action that waits for a second, different, authorised person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved and carried out")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    kind = models.CharField(max_length=40)
    compartment = models.ForeignKey(Compartment, on_delete=models.CASCADE, null=True, related_name="+")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # Non-secret parameters only; key material prepared by the requester goes
    # in sealed_payload, readable only by its intended recipient.
    params = models.JSONField(default=dict)
    sealed_payload = models.BinaryField(null=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-requested_at"]
