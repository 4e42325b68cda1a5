"""Legal matters of a case (red notices, diffusions, passport listings, extradition, deportation...),
the proceedings brought against them, their events and deadlines.

A matter belongs to a case and so to its compartment; what says who and why
(the charges as stated, the penalty, Interpol's references, notes) is sealed
under the compartment's key. Kinds, states and dates stay plain so that
deadlines can be computed and counted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from longreach.core.codes import new_ref
from longreach.keys.fields import SealedTextField


def _matter_code() -> str:
    return new_ref("L")


def _proceeding_code() -> str:
    return new_ref("G")


class LegalMatter(models.Model):
    class Kind(models.TextChoices):
        RED_NOTICE = "RED_NOTICE", _("INTERPOL red notice")
        DIFFUSION = "DIFFUSION", _("INTERPOL wanted-person diffusion")
        SLTD = "SLTD", _("Passport listed as lost or stolen (SLTD) or cancelled")
        EXTRADITION = "EXTRADITION", _("Extradition request")
        DEPORTATION = "DEPORTATION", _("Deportation or removal order")
        WANTED_LIST = "WANTED_LIST", _("Domestic wanted list")
        ASYLUM_REFUSAL = "ASYLUM_REFUSAL", _("Asylum or residence refused, with a risk of return")
        TRAVEL_BAN = "TRAVEL_BAN", _("Travel ban")

    class Charge(models.TextChoices):
        TERRORISM = "TERRORISM", _("Terrorism")
        EXTREMISM = "EXTREMISM", _("Extremism or separatism")
        FRAUD = "FRAUD", _("Fraud or economic crime")
        PUBLIC_ORDER = "PUBLIC_ORDER", _("Public order, 'spreading false information' or insulting the state")
        VIOLENCE = "VIOLENCE", _("Violent crime")
        DRUGS = "DRUGS", _("Drugs")
        OTHER = "OTHER", _("Other")
        UNKNOWN = "UNKNOWN", _("Not known")

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("In force")
        CHALLENGED = "CHALLENGED", _("Being challenged")
        SUSPENDED = "SUSPENDED", _("Suspended")
        DELETED = "DELETED", _("Deleted or cancelled")
        REFUSED = "REFUSED", _("Refused (extradition or removal refused)")
        EXECUTED = "EXECUTED", _("Carried out (extradited, deported, detained)")
        CLOSED = "CLOSED", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=_matter_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("registry.Case", on_delete=models.CASCADE, related_name="legal_matters")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    requesting_state = models.CharField(max_length=2)  # ISO 3166 alpha-2
    host_country = models.CharField(max_length=2, blank=True)
    charges = SealedTextField(blank=True)  # as stated by the requesting state
    charge_category = models.CharField(max_length=20, choices=Charge.choices, default=Charge.UNKNOWN)
    penalty = SealedTextField(blank=True)
    issued_on = models.DateField(null=True, blank=True)
    learned_on = models.DateField(null=True, blank=True)
    arrested_on = models.DateField(null=True, blank=True)
    interpol_ref = SealedTextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    notes = SealedTextField(blank=True)
    incidents = models.ManyToManyField("registry.Incident", related_name="+", blank=True)
    evidence = models.ManyToManyField("vault.EvidenceItem", related_name="+", blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]


class Proceeding(models.Model):
    class Kind(models.TextChoices):
        CCF_ACCESS = "CCF_ACCESS", _("Request to the CCF: access")
        CCF_DELETION = "CCF_DELETION", _("Request to the CCF: correction or deletion")
        CCF_REVISION = "CCF_REVISION", _("Request to the CCF: revision of its decision")
        EXTRADITION_HEARING = "EXTRADITION_HEARING", _("Extradition hearing")
        EXTRADITION_APPEAL = "EXTRADITION_APPEAL", _("Extradition appeal")
        ASYLUM = "ASYLUM", _("Asylum claim or appeal")
        ECHR = "ECHR", _("Application to the European Court of Human Rights")
        TREATY_BODY = "TREATY_BODY", _("Communication to a UN treaty body")
        SPECIAL_PROCEDURE = "SPECIAL_PROCEDURE", _("Request to a UN special procedure")
        OTHER = "OTHER", _("Other proceeding")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=16, unique=True, default=_proceeding_code, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    forum = SealedTextField(blank=True)  # the court or body, and where
    # The deadline rules (legal/rules/deadlines.toml) that apply, e.g. "ccf-deletion,ccf-revision".
    rules = models.CharField(max_length=300, blank=True)
    interim_measures = models.BooleanField(default=False)  # asked for (Rule 39, treaty-body interim measures)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    @property
    def rule_list(self) -> list[str]:
        return [r for r in self.rules.split(",") if r]


class ProceedingEvent(models.Model):
    """Something that happened in a proceeding, on a day: what deadlines run from and are met by."""

    class What(models.TextChoices):
        SUBMITTED = "SUBMITTED", _("Submitted or filed")
        ADMISSIBLE = "ADMISSIBLE", _("Found admissible")
        HEARING = "HEARING", _("Hearing held")
        DECISION = "DECISION", _("Decision given")
        ORDER_MADE = "ORDER_MADE", _("Order made")
        INFORMED_OF_ORDER = "INFORMED_OF_ORDER", _("Informed of the order")
        DECISION_SENT = "DECISION_SENT", _("Decision sent")
        DECISION_SERVED = "DECISION_SERVED", _("Decision served")
        DECISION_NOTIFIED = "DECISION_NOTIFIED", _("Decision notified")
        DECISION_RENDERED = "DECISION_RENDERED", _("Decision rendered (oral) or mailed")
        FINAL_DECISION = "FINAL_DECISION", _("Final domestic decision")
        NEW_FACT_DISCOVERED = "NEW_FACT_DISCOVERED", _("New fact discovered")
        APPEALED = "APPEALED", _("Appeal lodged")
        INTERIM_MEASURES = "INTERIM_MEASURES", _("Interim measures granted")
        OTHER = "OTHER", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="events")
    what = models.CharField(max_length=24, choices=What.choices)
    on = models.DateField()
    note = SealedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["on", "at"]


class TypedDeadline(models.Model):
    """A deadline the user typed in, for a jurisdiction without a sourced rule: shown as typed, never
    as computed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="typed_deadlines")
    due = models.DateField()
    what = SealedTextField()  # what must be done by then, and on what authority
    met_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["due"]


class ReviewAnswer(models.Model):
    """A caseworker's answer to one question of the review of a matter (``review``), with the evidence
    for it. The latest answer to a question counts; earlier ones are kept."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Not known")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey("accounts.Compartment", on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(LegalMatter, on_delete=models.CASCADE, related_name="review_answers")
    question = models.CharField(max_length=100)  # "article-3.timing"
    answer = models.CharField(max_length=8, choices=Answer.choices)
    evidence = SealedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
