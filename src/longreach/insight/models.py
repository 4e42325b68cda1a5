"""Surge alerts: a week in which incidents for one origin state, host country and tactic family rose
beyond what the weeks before predicted (``surges``). Coded fields and counts only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from longreach.core.codes import new_ref


def _alert_code() -> str:
    return new_ref("W")


class SurgeAlert(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=_alert_code, editable=False)
    origin_state = models.CharField(max_length=2)
    host_country = models.CharField(max_length=2)
    tactic_family = models.CharField(max_length=64, blank=True)  # blank: every family together
    week = models.DateField()  # the Monday of the week that rose
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    chance = models.FloatField()  # of a count this high under the baseline
    # The compartments whose incidents made the week: their leads are told (counts only).
    compartments = models.ManyToManyField("accounts.Compartment", related_name="+")
    created_at = models.DateTimeField()
    seen_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["-week", "origin_state", "host_country", "tactic_family"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_state", "host_country", "tactic_family", "week"],
                name="one_alert_per_dyad_week",
            )
        ]


def _query_code() -> str:
    return new_ref("Q")


class SavedQuery(models.Model):
    """A view of the researcher's workspace kept under a name: which page, and its query string
    (filters and groupings only, checked when saved and again when opened)."""

    class Page(models.TextChoices):
        DASHBOARD = "dashboard", "dashboard"
        DATASET = "dataset", "dataset"
        STATISTICS = "statistics", "statistics"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=_query_code, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=16, choices=Page.choices)
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["page", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="one_query_name_per_page")
        ]
