"""Reports from the public, their files and messages, and the staff's triage of them.

What the intake side writes is sealed to the target compartment's intake
public key (``sealed``) and so cannot be read back by the intake side. What
stays plaintext is what the queue needs to sort and the reporter's status
page needs to answer: received date, suggested urgency, status. Staff notes
live in ``Triage`` under the compartment key, written only by staff.
"""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from longreach.core.codes import new_ref
from longreach.keys.fields import SealedTextField


class Route(models.Model):
    """Which compartment receives reports about an origin state (blank: every other one)."""

    origin_state = models.CharField(max_length=2, blank=True, unique=True)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.origin_state or '*'} -> {self.compartment_id}"


class Report(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, waiting to be read")
        IN_REVIEW = "in_review", _("Being read by our team")
        CASE_OPENED = "case_opened", _("A caseworker is handling your report")
        CLOSED = "closed", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=functools.partial(new_ref, "R"))
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    # Argon2id(receipt, pepper): found by the receipt, which is never stored.
    receipt_hash = models.BinaryField(unique=True)
    # Hash of the form's one-time token: a second press of "Send" finds the first report.
    nonce_hash = models.BinaryField(unique=True)
    # Replies are sealed to this key; its private half is re-derived from the receipt.
    reporter_public_key = models.BinaryField()
    sealed = models.BinaryField()  # the answers, sealed to the compartment's intake public key
    suggested_urgency = models.CharField(max_length=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    last_activity = models.DateTimeField()
    case = models.ForeignKey("registry.Case", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["suggested_urgency", "received_at"]

    def __str__(self) -> str:
        return self.code


class ReportMessage(models.Model):
    """A later message from the reporter, or a reply from staff."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    sent_at = models.DateTimeField()
    sealed = models.BinaryField()  # to the intake key: the compartment reads every message
    # Staff replies only: also sealed to the reporter's key, for the status page.
    sealed_for_reporter = models.BinaryField(null=True)
    read_by_reporter = models.BooleanField(default=False)

    class Meta:
        ordering = ["sent_at"]


class ReportFile(models.Model):
    """An encrypted file under INTAKE_DIR; its key and name are sealed to the intake key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=functools.partial(new_ref, "U"))
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    message = models.ForeignKey(ReportMessage, on_delete=models.CASCADE, null=True, related_name="files")
    stored_name = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()  # plaintext bytes
    cipher_size = models.BigIntegerField()
    cipher_sha256 = models.CharField(max_length=64)  # checked by reconcile without any key
    # {"name", "type", "sha256", "key"}: sealed so the intake side cannot read it back.
    sealed = models.BinaryField()
    received_at = models.DateTimeField()
    # Set when the file was moved into the evidence vault with its case; the
    # intake copy is then removed, so that deleting the evidence destroys it.
    evidence = models.ForeignKey("vault.EvidenceItem", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["received_at"]


class Triage(models.Model):
    """Staff's decisions on a report; notes sealed under the compartment key."""

    class Vetting(models.TextChoices):
        PENDING = "pending", _("Not vetted yet")
        GENUINE = "genuine", _("Genuine: proceed")
        UNCLEAR = "unclear", _("Unclear: ask the reporter")
        PROBE = "probe", _("Suspected probe or fake report")
        SPAM = "spam", _("Spam or out of mandate")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="triage")
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    urgency = models.CharField(max_length=2, blank=True)  # confirmed by a person
    modifiers = models.JSONField(default=list)  # urgency modifiers the person added
    urgency_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    vetting = models.CharField(max_length=10, choices=Vetting.choices, default=Vetting.PENDING)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    notes = SealedTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"triage of {self.report_id}"


class Counter(models.Model):
    """Rate-limit buckets: events per key per window, no addresses kept."""

    key = models.CharField(max_length=80)
    window = models.BigIntegerField()  # window start, seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_counter_per_window")]
