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


class FreedomRating(models.Model):
    """A country's Freedom in the World rating in one edition, as imported from Freedom House's file."""

    country = models.CharField(max_length=2)
    edition = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=2)  # F, PF, NF
    political_rights = models.SmallIntegerField()  # -4..40
    civil_liberties = models.PositiveSmallIntegerField()  # 0..60
    source = models.CharField(max_length=255)  # the file's name
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["country", "edition"]
        constraints = [models.UniqueConstraint(fields=["country", "edition"], name="one_rating_per_edition")]
