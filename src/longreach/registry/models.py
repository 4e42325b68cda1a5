"""The registry: who did what to whom (docs/codebook.md §1).

Coded fields (terms, countries, dates, confidences) stay plaintext so they
can be filtered and counted; names, contact details, narratives, wording,
places below country and notes are sealed under the compartment key.
Single-valued codes are stored as the term code; multi-valued codes
(tactics, demands, channels, profiles, relatives' outcomes) as links to
terms. Codes are checked against the vocabularies in ``validation.py``.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from longreach.core.codes import new_ref
from longreach.keys.fields import BlindIndexField, SealedJSONField, SealedTextField
from longreach.registry.dates import PartialDate

COUNTRY = functools.partial(models.CharField, max_length=2)
CODE = functools.partial(models.CharField, max_length=64)


class PrecisionChoices(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def _ref(prefix: str) -> Any:
    return functools.partial(new_ref, prefix)


class CompartmentRecord(models.Model):
    """Common columns: a UUID for sealing, a readable code for URLs, a compartment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Versioned(CompartmentRecord):
    """Records whose every change keeps a sealed version (``services._version``; the history page)."""

    code = models.CharField(max_length=16, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Bumped on each save; an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    code_prefix = "R"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = new_ref(self.code_prefix)
        super().save(*args, **kwargs)


def _partial_date(prefix: str, *, required: bool) -> property:
    def get(self: models.Model) -> PartialDate | None:
        start = getattr(self, f"{prefix}_start")
        if start is None:
            return None
        return PartialDate(
            start, getattr(self, f"{prefix}_precision"), getattr(self, f"{prefix}_approximate")
        )

    def set_(self: models.Model, value: PartialDate | None) -> None:
        if value is None and required:
            raise ValueError(f"{prefix} is required")
        setattr(self, f"{prefix}_start", value.start if value else None)
        setattr(self, f"{prefix}_precision", value.precision if value else "day")
        setattr(self, f"{prefix}_approximate", value.approximate if value else False)

    return property(get, set_)


class Person(Versioned):
    """Anyone in the records; their role comes from links, never from this row."""

    code_prefix = "P"
    name = SealedTextField(blank=True)
    name_index = BlindIndexField(source="name", kind="name")
    aliases = SealedJSONField(blank=True)  # other names and spellings, a list of strings
    phone = SealedTextField(blank=True)  # E.164
    phone_index = BlindIndexField(source="phone", kind="phone")
    email = SealedTextField(blank=True)
    email_index = BlindIndexField(source="email", kind="email")
    handle = SealedTextField(blank=True)  # @handle on any platform
    handle_index = BlindIndexField(source="handle", kind="handle")
    location = SealedTextField(blank=True)  # city, address: below country, so sealed
    notes = SealedTextField(blank=True)
    residence_country = COUNTRY(blank=True)
    community = CODE(blank=True)
    immigration_status = CODE(blank=True)
    profiles = models.ManyToManyField("vocab.Term", related_name="+", blank=True)
    is_minor = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]


class Organisation(Versioned):
    """A state agency, proxy, host-state body or international body."""

    code_prefix = "O"
    name = SealedTextField()
    name_index = BlindIndexField(source="name", kind="name")
    perpetrator_type = CODE(blank=True)  # the usual role when it acts as perpetrator
    country = COUNTRY(blank=True)
    notes = SealedTextField(blank=True)

    class Meta:
        ordering = ["code"]


class Case(Versioned):
    """The support file of one person or family (docs/codebook.md §8)."""

    code_prefix = "C"
    client = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="cases")
    state = CODE(default="NEW")
    urgency = CODE(default="P3")
    closure = CODE(blank=True)
    origin_state = COUNTRY()
    host_country = COUNTRY(blank=True)
    community = CODE(blank=True)
    summary = SealedTextField(blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    assigned = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["-opened_on", "code"]
        indexes = [models.Index(fields=["compartment", "state", "urgency"])]


class Incident(Versioned):
    """One event or closely linked series: the unit that is counted."""

    code_prefix = "I"
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents")
    title = SealedTextField(blank=True)
    narrative = SealedTextField(blank=True)
    origin_state = COUNTRY()
    host_country = COUNTRY()
    date_start = models.DateField()
    date_precision = models.CharField(max_length=5, choices=PrecisionChoices.choices, default="day")
    date_approximate = models.BooleanField(default=False)
    # The last date of a series ("six months of messages"); empty for one event.
    until_start = models.DateField(null=True, blank=True)
    until_precision = models.CharField(max_length=5, choices=PrecisionChoices.choices, default="day")
    until_approximate = models.BooleanField(default=False)

    # The last day the incident can cover, given precision and series end: date-range filters overlap on it.
    date_last = models.DateField()

    date = _partial_date("date", required=True)
    until = _partial_date("until", required=False)

    # Who works this incident now (one person; the case's caseworkers otherwise).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date_start", "code"]
        indexes = [
            models.Index(fields=["compartment", "-date_start"]),
            models.Index(fields=["origin_state", "host_country"]),
        ]


class Confidence(models.TextChoices):
    """Attribution confidence (docs/codebook.md §5); mirrors the ``attribution`` vocabulary."""

    CONFIRMED = "CONFIRMED", _("Confirmed")
    PROBABLE = "PROBABLE", _("Probable")
    POSSIBLE = "POSSIBLE", _("Possible")
    UNKNOWN = "UNKNOWN", _("Unknown")


def _confidence(**kwargs: Any) -> Any:
    return models.CharField(max_length=10, choices=Confidence.choices, default="UNKNOWN", **kwargs)


class Act(CompartmentRecord):
    """One thing done inside an incident, with the four places of a border-crossing act."""

    code = models.CharField(max_length=16, unique=True, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="acts")
    position = models.PositiveSmallIntegerField(default=0)
    tactics = models.ManyToManyField("vocab.Term", related_name="+")
    demands = models.ManyToManyField("vocab.Term", related_name="+", blank=True)
    channels = models.ManyToManyField("vocab.Term", related_name="+", blank=True)
    # The sponsor; where the target lives; where the harm landed (a third
    # country, or the origin state when relatives are targeted); who detained,
    # deported or extradited on the sponsor's behalf.
    origin_state = COUNTRY()
    origin_confidence = _confidence()
    host_country = COUNTRY()
    host_confidence = _confidence()
    harm_country = COUNTRY()
    harm_confidence = _confidence()
    executing_state = COUNTRY(blank=True)
    executing_confidence = _confidence(blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=PrecisionChoices.choices, default="day")
    date_approximate = models.BooleanField(default=False)
    description = SealedTextField(blank=True)
    outcome = SealedTextField(blank=True)
    targets = models.ManyToManyField(Person, related_name="targeted_by", blank=True)

    date = _partial_date("date", required=False)

    class Meta:
        ordering = ["incident", "position"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = new_ref("A")
        super().save(*args, **kwargs)


class ActPerpetrator(CompartmentRecord):
    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="perpetrators")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    perpetrator_type = CODE()
    confidence = _confidence()
    basis = SealedTextField(blank=True)  # why we attribute it: the indicators, as text
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | models.Q(organisation__isnull=True),
                name="perpetrator_is_person_or_organisation",
            )
        ]


class Relative(CompartmentRecord):
    """A relative used as leverage in an act (third-party special-category data)."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="relatives")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    relative_of = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    relationship = CODE()
    outcomes = models.ManyToManyField("vocab.Term", related_name="+", blank=True)
    is_minor = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class Source(Versioned):
    """Where statements come from; reliability is graded once per source (Admiralty A–F)."""

    code_prefix = "S"
    source_type = CODE()
    reliability = models.CharField(max_length=1, default="F")
    title = SealedTextField(blank=True)
    reference = SealedTextField(blank=True)  # URL, citation or file reference
    notes = SealedTextField(blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=5, choices=PrecisionChoices.choices, default="day")
    date_approximate = models.BooleanField(default=False)

    date = _partial_date("date", required=False)

    class Meta:
        ordering = ["code"]


class Citation(CompartmentRecord):
    """A source for one statement (an incident or an act), with its credibility 1–6."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="citations")
    act = models.ForeignKey(Act, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    credibility = models.CharField(max_length=1, default="6")
    statement = SealedTextField(blank=True)  # what this source says, in its words
    locator = models.CharField(max_length=80, blank=True)  # page, paragraph, timestamp
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class Consent(CompartmentRecord):
    """Consent per purpose (docs/codebook.md §9): dated, time-limited, withdrawable."""

    class Method(models.TextChoices):
        ORAL = "oral", _("Oral, recorded by the caseworker")
        WRITTEN = "written", _("Written")
        INTAKE = "intake", _("Given in the intake form")

    code = models.CharField(max_length=16, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = CODE()
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.ORAL)
    recipient = SealedTextField(blank=True)  # the named organisation, for REFERRAL
    given_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = new_ref("K")
        super().save(*args, **kwargs)

    def active_on(self, day: Any) -> bool:
        return (
            self.given_on <= day
            and (self.expires_on is None or day <= self.expires_on)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


class Referral(CompartmentRecord):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        MADE = "made", _("Made")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")

    code = models.CharField(max_length=16, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    referral_type = CODE()
    recipient = SealedTextField(blank=True)
    notes = SealedTextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    made_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = new_ref("F")
        super().save(*args, **kwargs)


class Task(CompartmentRecord):
    """A follow-up with a due date; ``ORIGIN_STATE_ENQUIRY`` tasks need consent and a risk note."""

    code = models.CharField(max_length=16, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    task_type = CODE(default="FOLLOW_UP")
    title = SealedTextField()
    risk_note = SealedTextField(blank=True)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["compartment", "done_at", "due_on"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = new_ref("T")
        super().save(*args, **kwargs)


class Version(CompartmentRecord):
    """One saved state of a versioned record; the snapshot stays sealed."""

    object_type = models.CharField(max_length=20)
    object_id = models.UUIDField()
    number = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    # Names of the fields that changed: names only, never values.
    fields = models.JSONField(default=list)
    snapshot = SealedJSONField()

    class Meta:
        ordering = ["object_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id", "number"], name="one_version_number")
        ]


class Reveal(CompartmentRecord):
    """Who revealed which sealed identity field, and why (the reason stays sealed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=20)
    object_code = models.CharField(max_length=16)
    field_name = models.CharField(max_length=20)
    reason = SealedTextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]


class NameToken(models.Model):
    """A comparison key of a person's or organisation's name, as a keyed hash: how a name is found again
    in another spelling or script (``longreach.names``) without the name ever leaving its seal.

    Tokens are HMACs under a key derived from the organisation's linkage key, so the same name in two
    compartments gives the same tokens (a duplicate across compartments can be seen) and nobody holding
    the database without that key can test a guessed name against them.
    """

    id = models.BigAutoField(primary_key=True)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, related_name="name_tokens")
    organisation = models.ForeignKey(
        "Organisation", on_delete=models.CASCADE, null=True, related_name="name_tokens"
    )
    token = models.CharField(max_length=32, db_index=True)
    unit = models.PositiveSmallIntegerField()  # which part(s) of the name gave it: parts met are counted
    key_version = models.PositiveIntegerField()  # of the linkage key the token was made with


class SameJudgement(models.Model):
    """Someone's word on whether two person records describe one person: never a merge. The latest word
    on a pair is its state; earlier words stay as its history, so a judgement can be reversed and
    every step is seen (and audited). ``first`` is the record with the lower id, so a pair is one pair
    whichever page it was judged from. The reason is sealed in the first record's compartment."""

    class Decision(models.TextChoices):
        SAME = "same", _("The same person")
        NOT_SAME = "not_same", _("Not the same person")
        UNSURE = "unsure", _("Unsure")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = SealedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["first", "second", "at"])]


class Comment(CompartmentRecord):
    """A note between colleagues on a case or an incident: sealed like the records; the people it
    mentions (``@username``) find it in their inbox until they have seen it."""

    code = models.CharField(max_length=16, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    body = SealedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    seen_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(incident__isnull=False),
                name="comment_on_something",
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            self.code = new_ref("N")
        super().save(*args, **kwargs)
