"""Surge alerts: a week in which one watched count rose beyond what the weeks before predicted
(``surges``): incidents for one origin state, host country and tactic family; new reports to one
compartment (of one suggested urgency or all); or one campaign's messages. Coded fields and counts only."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models

from longreach.core.codes import new_ref


def _alert_code() -> str:
    return new_ref("W")


class SurgeAlert(models.Model):
    class Stream(models.TextChoices):
        INCIDENTS = "incidents", "incidents"
        # Reports are sealed on arrival: only the compartment they were routed to and the suggested
        # urgency are in the clear, so that is all a surge of reports can be counted by.
        REPORTS = "reports", "reports"
        CAMPAIGN = "campaign", "campaign"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=_alert_code, editable=False)
    stream = models.CharField(max_length=10, choices=Stream.choices, default=Stream.INCIDENTS)
    origin_state = models.CharField(max_length=2, blank=True)
    host_country = models.CharField(max_length=2, blank=True)
    tactic_family = models.CharField(max_length=64, blank=True)  # blank: every family together
    urgency = models.CharField(max_length=2, blank=True)  # reports: blank for every urgency together
    # Campaigns are rebuilt after each import but keep their code while their first message stays.
    campaign_code = models.CharField(max_length=16, blank=True)
    # Reports: the compartment whose line they reached (each organisation's leads watch their own).
    compartment = models.ForeignKey(
        "accounts.Compartment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    week = models.DateField()  # the Monday of the week that rose
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    chance = models.FloatField()  # of a count this high under the baseline
    # The compartments whose records made the week: their leads are told (counts only).
    compartments = models.ManyToManyField("accounts.Compartment", related_name="+")
    created_at = models.DateTimeField()
    seen_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["-week", "origin_state", "host_country", "tactic_family"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "origin_state", "host_country", "tactic_family", "campaign_code", "week"],
                condition=~models.Q(stream="reports"),
                name="one_alert_per_series_week",
            ),
            # A separate rule for reports: a unique constraint treats a missing compartment as distinct.
            models.UniqueConstraint(
                fields=["compartment", "urgency", "week"],
                condition=models.Q(stream="reports"),
                name="one_report_alert_per_compartment_week",
            ),
        ]

    @property
    def week_end(self) -> datetime.date:
        return self.week + datetime.timedelta(days=6)


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


def _publication_code() -> str:
    return new_ref("U")


class Publication(models.Model):
    """A table put on the public statistics page: the numbers frozen when it was published, how they
    were protected, and the words its publisher wrote for the public (title, method and coverage)."""

    class Method(models.TextChoices):
        SUPPRESSION = "suppression", "suppression"
        DIFFERENTIAL_PRIVACY = "dp", "differential privacy"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=_publication_code, editable=False)
    title = models.CharField(max_length=200)
    note = models.TextField(max_length=4000)  # method and coverage, as the publisher puts it
    group_by = models.JSONField()  # list of insight.queries.GROUPS
    method = models.CharField(max_length=16, choices=Method.choices)
    threshold = models.PositiveIntegerField()  # suppression: the smallest count; dp: the smallest shown
    epsilon = models.FloatField(null=True, blank=True)  # dp only: spent for good, even if withdrawn
    scale = models.FloatField(null=True, blank=True)
    years = models.JSONField(default=list, blank=True)  # dp: the span of years in the domain
    rows = models.JSONField()  # [{group: value, ..., "count": n | None, "suppressed": bool}]
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
