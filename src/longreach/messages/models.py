"""Messages read from chat exports kept as evidence, what was found in them, and campaigns across cases.

What a message says (sender, text, the original line, trigger words, links)
is sealed under its compartment's key. What is needed to find the same
sender, link or script across compartments without opening anything is
stored beside it under the organisation's linkage key: blind indexes of
identifiers and a keyed MinHash signature (campaigns are rebuilt from the
signatures alone). Tag and flag
codes stay plaintext so a case's timeline can be filtered and counted.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from longreach.core.codes import new_code
from longreach.keys.fields import SealedJSONField, SealedTextField


class ChatImport(models.Model):
    """One evidence item read as a chat for one case."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be read")
        DONE = "done", _("Read")
        FAILED = "failed", _("Could not be read")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("registry.Case", on_delete=models.CASCADE, related_name="chat_imports")
    item = models.ForeignKey("vault.EvidenceItem", on_delete=models.PROTECT, related_name="chat_imports")
    format = models.CharField(max_length=10, blank=True)  # whatsapp, telegram, email
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    messages = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    attachments = models.PositiveIntegerField(default=0)
    # Parser notes and problems name lines and reasons, never message text; sealed all the same.
    report = SealedJSONField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="chat_import_once_per_case")]


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("registry.Case", on_delete=models.CASCADE, related_name="messages")
    chat_import = models.ForeignKey(ChatImport, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()  # order in the export
    sent_at = models.DateTimeField(
        db_index=True
    )  # UTC; a phone's local time without a zone is kept as if UTC
    zone_known = models.BooleanField(default=False)
    platform = models.CharField(max_length=10)
    system = models.BooleanField(default=False)
    line = models.PositiveIntegerField(default=0)
    # One sealed object, opened once per message shown: sender, text, original (the export's own lines),
    # attachments, chat, ref, forwarded_from, edited, headers, tags [{code, words, languages}] and
    # links [{url, host, domain, flags, indicators}].
    content = SealedJSONField()
    # Plaintext for filtering: "|FAMILY_THREAT|SILENCE|" and "|lookalike|indicator|".
    tag_codes = models.CharField(max_length=400, blank=True, db_index=True)
    flag_codes = models.CharField(max_length=200, blank=True)
    sender_key = models.CharField(max_length=32, blank=True, db_index=True)  # linkage blind index, "" if none
    # The compartment's blind index of the sender as written (a number or a contact's name), so a case's
    # senders are grouped and filtered without opening its messages; "" for system messages.
    sender_group = models.CharField(max_length=32, blank=True, db_index=True)
    signature = models.BinaryField(blank=True)  # keyed MinHash, campaigns.PERMUTATIONS x uint32

    class Meta:
        ordering = ["sent_at", "position"]
        indexes = [models.Index(fields=["case", "sent_at"]), models.Index(fields=["chat_import", "position"])]

    def _part(self, name: str, default: object = "") -> Any:
        return (self.content or {}).get(name, default)

    @property
    def sender(self) -> str:
        return str(self._part("sender") or "")

    @property
    def text(self) -> str:
        return str(self._part("text"))

    @property
    def original(self) -> str:
        return str(self._part("original"))

    @property
    def tags(self) -> list[dict[str, Any]]:
        return list(self._part("tags", []))

    @property
    def links(self) -> list[dict[str, Any]]:
        return list(self._part("links", []))

    @property
    def attachments(self) -> list[str]:
        return list(self._part("attachments", []))

    @property
    def tag_list(self) -> list[str]:
        return [c for c in self.tag_codes.split("|") if c]

    @property
    def flag_list(self) -> list[str]:
        return [c for c in self.flag_codes.split("|") if c]


class MessageIdentifier(models.Model):
    """A phone number, address, handle, link or domain in a message, findable across compartments."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("E-mail address")
        HANDLE = "handle", _("Handle")
        URL = "url", _("Link")
        DOMAIN = "domain", _("Domain")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_sender = models.BooleanField(default=False)
    key = models.CharField(max_length=32, db_index=True)  # linkage blind index of the normalised value
    value = SealedTextField()
    country = models.CharField(max_length=2, blank=True)  # of a phone number


class MessageAttachment(models.Model):
    """A file that came with a message (a .zip export's media, an e-mail's attachment), kept as evidence."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachment_items")
    item = models.ForeignKey("vault.EvidenceItem", on_delete=models.PROTECT, related_name="+")


class Indicator(models.Model):
    """A known-bad URL, host, address or IP, loaded from a STIX 2 bundle or a list (organisation-wide)."""

    kind = models.CharField(max_length=10)
    value = models.CharField(max_length=2048)
    label = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value", "label", "source"], name="indicator_once")
        ]
        indexes = [models.Index(fields=["kind", "value"])]


class Campaign(models.Model):
    """Messages in two or more cases tied by one sender, one script or one link; rebuilt after each import."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    # The earliest message: a campaign keeps its code while it grows, as long as its first message stays.
    anchor = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="+")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    size = models.PositiveIntegerField()
    cases = models.PositiveIntegerField()
    compartments = models.PositiveIntegerField()
    tag_codes = models.CharField(max_length=400, blank=True)
    ties = models.CharField(max_length=40)  # "|sender|text|link|": what joined its messages
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]

    @property
    def tag_list(self) -> list[str]:
        return [c for c in self.tag_codes.split("|") if c]

    @property
    def tie_list(self) -> list[str]:
        return [c for c in self.ties.split("|") if c]


class CampaignName(models.Model):
    """A compartment's own name for a campaign, sealed under its key: members of another
    compartment that sees the same campaign never read it (nor do researchers, who see none).
    Keyed by the campaign's code, which outlives the rebuild after each import."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.CASCADE, related_name="+")
    campaign_code = models.CharField(max_length=16)
    name = SealedTextField()
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["compartment", "campaign_code"], name="one_campaign_name_each")
        ]


class CampaignMember(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="campaign_member")


class Alert(models.Model):
    """A new message that matches a known campaign, or a sender already seen in another case."""

    class Why(models.TextChoices):
        CAMPAIGN = "campaign", _("Part of a campaign seen in other cases")
        SENDER = "sender", _("Sender already seen in another case")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("registry.Case", on_delete=models.CASCADE, related_name="message_alerts")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="alerts")
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, related_name="alerts")
    why = models.CharField(max_length=10, choices=Why.choices)
    other_cases = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    seen_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "why"], name="alert_once")]


class TagJudgement(models.Model):
    """An analyst's word on one tag of one message: right, wrong, or missing and added.

    What was said (the code and the verdict) is sealed; who said it and when
    stay plain for the audit trail. The latest judgement of a code on a
    message is the one that counts.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="judgements")
    said = SealedJSONField()  # {"tag": code, "carries": bool}
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["compartment", "at"])]

    @property
    def tag(self) -> str:
        return str((self.said or {}).get("tag", ""))

    @property
    def carries(self) -> bool:
        return bool((self.said or {}).get("carries"))


class TagModel(models.Model):
    """A compartment's own tag model, learned from its judgements by a job (``learning``)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Being trained")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be trained")

    compartment = models.OneToOneField(
        "accounts.Compartment", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_at = models.DateTimeField()  # the latest request; an older job that finds a newer one stops
    trained_at = models.DateTimeField(null=True)
    judgements = models.PositiveIntegerField(default=0)  # what the current weights were learned from
    messages = models.PositiveIntegerField(default=0)
    # Derived from sealed text (hashed n-gram weights, per-code counts and scores): sealed as well.
    scores = SealedJSONField(blank=True)
    weights = SealedJSONField(blank=True)
    error = models.CharField(max_length=300, blank=True)
