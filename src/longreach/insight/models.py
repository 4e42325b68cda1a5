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
