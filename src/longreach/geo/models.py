from __future__ import annotations

from django.db import models


class RegionalMembership(models.Model):
    """A country's membership of a regional body, with dates, their precision and a source."""

    organisation = models.CharField(max_length=16)
    organisation_name = models.CharField(max_length=120)
    country = models.CharField(max_length=2)
    start = models.DateField()
    start_precision = models.CharField(max_length=5, default="day")
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=5, blank=True)
    source = models.TextField()

    class Meta:
        ordering = ["organisation", "country", "start"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "country", "start"], name="one_membership_period")
        ]
