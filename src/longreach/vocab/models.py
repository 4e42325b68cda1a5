"""Codebook vocabularies and their terms, kept as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language


class Vocabulary(models.Model):
    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    definition = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "vocabularies"


class Term(models.Model):
    """One coded value. Terms are retired, never deleted, so old records keep their meaning."""

    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    # Other languages, e.g. {"ug": "...", "zh-hans": "..."}; English is ``label``.
    labels = models.JSONField(default=dict, blank=True)
    family = models.CharField(max_length=64, blank=True)
    position = models.PositiveIntegerField(default=0)
    shipped = models.BooleanField(default=False, help_text="came with the codebook, not added locally")
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["vocabulary__code", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="one_code_per_vocabulary")]

    def display(self, language: str | None = None) -> str:
        lang = (language or get_language() or "en").lower()
        return self.labels.get(lang) or self.labels.get(lang.split("-")[0]) or self.label
