"""Watchlists imported from files, screenings of batches of names, and the reviews of their hits.

A watchlist belongs to a compartment, and everything about it that says who
is on it or why is sealed under that compartment's key: its title, where it
came from and every name (an organisation's own list of suspected informants
is as sensitive as a case). Its comparison keys are never stored: a
screening opens the list and builds them in memory (``names.screen``).

A screening belongs to a compartment too: the names screened (visa
applicants, people who contacted a client) and what was found are sealed.
Reviews of its hits are kept, never overwritten: the latest word on a hit
is its state, and every earlier word stays in its history.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from longreach.core.codes import new_code
from longreach.keys.fields import SealedJSONField, SealedTextField


class Watchlist(models.Model):
    class Kind(models.TextChoices):
        CSV = "csv", _("CSV")
        FTM = "ftm", _("FollowTheMoney JSON lines (OpenSanctions)")
        UN = "un", _("UN Security Council consolidated list (XML)")
        INTERPOL = "interpol", _("INTERPOL public red notices (JSON saved from its public list)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = SealedTextField()
    source = SealedTextField(blank=True)  # where the file came from: an address, an organisation
    listed_on = models.DateField(null=True, blank=True)  # the date of the list as its publisher gives it
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # +1 on each refresh: screenings name the one they used
    # [{"ref", "name", "birth", "nationalities", "source"}, ...]: one per name (an alias is a name).
    entries = SealedJSONField()
    names = models.PositiveIntegerField()
    people = models.PositiveIntegerField()  # distinct refs
    skipped = models.PositiveIntegerField(default=0)  # records that are not people (organisations, vessels)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at"]


class Screening(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    title = SealedTextField(blank=True)
    threshold = models.FloatField()
    registry = models.BooleanField(default=True)  # screened against the perpetrators in the records
    # {"code": version} of each watchlist screened against
    watchlists = models.JSONField(default=dict)
    names = models.PositiveIntegerField()
    with_hits = models.PositiveIntegerField()
    # [{"row", "ref", "name", "birth", "nationalities", "hits": [...], "elsewhere": n}, ...]
    rows = SealedJSONField()

    class Meta:
        ordering = ["-created_at"]


class Decision(models.TextChoices):
    MATCH = "match", _("Match")
    NO_MATCH = "no_match", _("No match")
    UNSURE = "unsure", _("Unsure")


class Review(models.Model):
    """One reviewer's word on one hit of one screened name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="reviews")
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    row = models.PositiveIntegerField()
    hit = models.CharField(max_length=200)  # the hit's key: "registry:P-…" or "WATCHLIST-CODE:ref"
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = SealedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]


class LeadQuestion(models.Model):
    """A screener asks the leads of another compartment whether one of their records, which matched a
    screened name, is the person screened. The screener never learns which record; the leads see
    their record and who asks, and answer in one word."""

    class Answer(models.TextChoices):
        OPEN = "", _("Not answered yet")
        SAME = "same", _("The same person: talk to me")
        NOT_SAME = "not_same", _("Not the same person")
        TALK = "talk", _("Cannot say without talking: contact me")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="questions")
    row = models.PositiveIntegerField()
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    # The record that matched, in ``compartment``: shown to its leads only.
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, null=True, related_name="+")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
