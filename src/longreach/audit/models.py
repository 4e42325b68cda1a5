"""The audit trail: ledger entries, stored Merkle nodes and signed tree heads.

Rows here are append-only: the models refuse updates and deletes, and on
PostgreSQL a trigger refuses them at the database (migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    LOGIN_SUCCESS = "login.success", _("Logged in")
    LOGIN_FAILURE = "login.failure", _("Login failed")
    LOGIN_LOCKED = "login.locked", _("Login refused while locked out")
    LOGOUT = "logout", _("Logged out")
    SESSIONS_ENDED = "sessions.ended", _("All sessions ended")
    PASSWORD_CHANGED = "password.changed", _("Password changed")
    FACTOR_ADDED = "factor.added", _("Second factor added")
    FACTOR_REMOVED = "factor.removed", _("Second factor removed")
    USER_CREATED = "user.created", _("User created")
    USER_DEACTIVATED = "user.deactivated", _("User deactivated")
    USER_REACTIVATED = "user.reactivated", _("User reactivated")
    ROLE_CHANGED = "user.role_changed", _("Role changed")
    NOTICE_ADDRESS_SET = "notice.address_set", _("Address for e-mail notices set or removed")
    NOTICE_SENT = "notice.sent", _("E-mail notice sent (no content)")
    TOKEN_CREATED = "token.created", _("API token created")
    TOKEN_REVOKED = "token.revoked", _("API token revoked")
    TOKEN_FAILURE = "token.failure", _("API token refused")
    COMPARTMENT_CREATED = "compartment.created", _("Compartment created")
    COMPARTMENT_READ = "compartment.read", _("Compartment viewed")
    MEMBERSHIP_REQUESTED = "membership.requested", _("Membership requested")
    MEMBERSHIP_APPROVED = "membership.approved", _("Membership approved")
    MEMBERSHIP_REJECTED = "membership.rejected", _("Membership rejected")
    MEMBERSHIP_REVOKED = "membership.revoked", _("Membership revoked")
    APPROVAL_REFUSED = "approval.refused", _("Approval refused")
    KEY_GRANTED = "key.granted", _("Key granted")
    KEY_ROTATED = "key.rotated", _("Compartment key rotated")
    KEY_RECOVERED = "key.recovered", _("Access restored with the recovery key")
    AUTHZ_DENIED = "authz.denied", _("Access refused")
    AUDIT_VIEWED = "audit.viewed", _("Audit trail viewed")
    HEAD_SIGNED = "ledger.head_signed", _("Tree head signed")
    ORG_SETUP = "org.setup", _("Organisation set up")
    TERM_ADDED = "term.added", _("Vocabulary term added")
    TERM_RETIRED = "term.retired", _("Vocabulary term retired")
    TERM_RESTORED = "term.restored", _("Vocabulary term restored")
    RECORD_CREATED = "record.created", _("Record created")
    RECORD_UPDATED = "record.updated", _("Record changed")
    RECORD_VIEWED = "record.viewed", _("Record viewed")
    HISTORY_VIEWED = "record.history_viewed", _("Record history viewed")
    IDENTITY_REVEALED = "identity.revealed", _("Identity field revealed")
    RECORDS_EXPORTED = "records.exported", _("Records exported")
    RECORDS_IMPORTED = "records.imported", _("Records imported")
    EXPORT_REQUESTED = "export.requested", _("Bulk export requested")
    EXPORT_APPROVED = "export.approved", _("Bulk export approved")
    EXPORT_REJECTED = "export.rejected", _("Bulk export rejected")
    INTAKE_RECEIVED = "intake.received", _("Report received")
    INTAKE_MESSAGE = "intake.message", _("Reporter sent a message")
    INTAKE_READ = "intake.read", _("Report read")
    INTAKE_LIST_READ = "intake.list_read", _("Triage list read (origin, host, language, first words)")
    INTAKE_TRIAGED = "intake.triaged", _("Report urgency confirmed")
    INTAKE_VETTED = "intake.vetted", _("Report vetted")
    INTAKE_REPLIED = "intake.replied", _("Reply sent to a reporter")
    INTAKE_FILE_READ = "intake.file_read", _("Report file downloaded")
    INTAKE_CASE_OPENED = "intake.case_opened", _("Case opened from a report")
    # Custody events name the item in object_code; each after the first carries
    # detail.prev, the ledger index of the item's event before it.
    CUSTODY_ACQUIRED = "custody.acquired", _("Evidence acquired")
    CUSTODY_VIEWED = "custody.viewed", _("Evidence viewed")
    CUSTODY_DOWNLOADED = "custody.downloaded", _("Evidence downloaded")
    CUSTODY_CHECK_FAILED = "custody.check_failed", _("Evidence failed its integrity check; nothing was sent")
    CUSTODY_EXPORTED = "custody.exported", _("Evidence exported in a package")
    CUSTODY_DERIVED = "custody.derived", _("Viewing copy made from evidence")
    CUSTODY_LINKED = "custody.linked", _("Evidence linked")
    CUSTODY_UNLINKED = "custody.unlinked", _("Evidence unlinked")
    CUSTODY_DELETION_REQUESTED = "custody.deletion_requested", _("Evidence marked for deletion")
    CUSTODY_DELETION_CANCELLED = "custody.deletion_cancelled", _("Evidence deletion refused")
    CUSTODY_DELETED = "custody.deleted", _("Evidence deleted (file key destroyed)")
    VAULT_EXPORT_REQUESTED = "vault.export_requested", _("Evidence package requested")
    VAULT_EXPORT_APPROVED = "vault.export_approved", _("Evidence package approved")
    VAULT_EXPORT_REJECTED = "vault.export_rejected", _("Evidence package refused")
    VAULT_DELETE_APPROVED = "vault.delete_approved", _("Evidence deletion approved")
    VAULT_DELETE_REJECTED = "vault.delete_rejected", _("Evidence deletion refused")
    LEGAL_DOCUMENT_MADE = "legal.document_made", _("Legal document drafted")
    STATISTICS_DOWNLOADED = "statistics.downloaded", _("De-identified statistics downloaded")
    SURGE_DETECTED = "insight.surge", _("Surge detected")
    STATISTICS_PUBLISHED = "statistics.published", _("Statistics published on the public page")
    STATISTICS_WITHDRAWN = "statistics.withdrawn", _("Published statistics withdrawn")
    FREEDOM_IMPORTED = "indicators.fiw_imported", _("Freedom in the World ratings imported")
    LEGAL_REFERRAL_REQUESTED = "legal.referral_requested", _("Referral packet naming the client requested")
    LEGAL_REFERRAL_APPROVED = "legal.referral_approved", _("Referral packet naming the client approved")
    LEGAL_REFERRAL_REJECTED = "legal.referral_rejected", _("Referral packet naming the client refused")
    LEGAL_REFERRAL_RELEASED = "legal.referral_released", _("Referral packet released")


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(f"{type(self).__name__} rows are append-only")


class AuditEntry(_AppendOnly):
    index = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    # No ``choices`` on the column: audit_record validates through Event, and
    # adding an event must not need a migration of the append-only table.
    event = models.CharField(max_length=40)
    actor = models.CharField(max_length=40)
    actor_role = models.CharField(max_length=20, blank=True)
    compartment = models.CharField(max_length=16, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_code = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, default="ok")
    detail = models.JSONField(default=dict)
    leaf_hash = models.BinaryField()

    class Meta:
        ordering = ["-index"]
        indexes = [models.Index(fields=["event"]), models.Index(fields=["actor"])]

    @property
    def event_label(self) -> str:
        return str(Event(self.event).label) if self.event in Event.values else self.event


class LedgerNode(_AppendOnly):
    level = models.PositiveSmallIntegerField()
    position = models.BigIntegerField()
    hash = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "position"], name="one_node_per_slot")]


class LedgerState(models.Model):
    """One row, locked while appending so indexes are assigned one at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)


class TreeHead(_AppendOnly):
    size = models.BigIntegerField()
    root = models.BinaryField()
    timestamp_ms = models.BigIntegerField()
    signature = models.BinaryField()
    key_id = models.CharField(max_length=16)

    class Meta:
        ordering = ["-size", "-timestamp_ms"]
