"""Reading vocabularies: active terms for forms, all terms for old records."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.utils.translation import get_language

from longreach.vocab.models import Term, Vocabulary


def terms(*, vocabulary: str, include_retired: bool = False) -> QuerySet[Term]:
    qs = Term.objects.filter(vocabulary__code=vocabulary).select_related("vocabulary")
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def term(*, vocabulary: str, code: str) -> Term:
    found = terms(vocabulary=vocabulary, include_retired=True).filter(code=code).first()
    if found is None:
        raise Http404("not found")
    return found


def physical_tactics() -> set[str]:
    """Tactics Freedom House counts as physical incidents (the direct-attack family)."""
    return set(
        terms(vocabulary="tactic", include_retired=True)
        .filter(family="DIRECT_ATTACK")
        .values_list("code", flat=True)
    )


def vocabularies() -> QuerySet[Vocabulary]:
    return Vocabulary.objects.all()


@dataclass
class Catalogue:
    """Every vocabulary at once in the active language: labels of all terms (old
    records may use retired ones) and the active choices, from one query."""

    labels: dict[str, dict[str, str]]
    choices: dict[str, list[tuple[str, str]]]
    families: dict[str, dict[str, str]]  # vocabulary -> term -> its family (tactics), where set


# Forms ask for the catalogue on every request; terms change rarely. Saving a
# term clears this process's copy at once (signals below); other server
# processes pick the change up within CATALOGUE_SECONDS.
CATALOGUE_SECONDS = 300
_cache: dict[str, tuple[float, Catalogue]] = {}


def catalogue() -> Catalogue:
    lang = get_language() or ""
    hit = _cache.get(lang)
    if hit is not None and time.monotonic() - hit[0] < CATALOGUE_SECONDS:
        return hit[1]
    fresh = _catalogue()
    _cache[lang] = (time.monotonic(), fresh)
    return fresh


def forget_catalogue(**_kwargs: object) -> None:
    _cache.clear()


post_save.connect(forget_catalogue, sender=Term, dispatch_uid="vocab-catalogue-save")
post_delete.connect(forget_catalogue, sender=Term, dispatch_uid="vocab-catalogue-delete")


def _catalogue() -> Catalogue:
    labels: dict[str, dict[str, str]] = {}
    active: dict[str, list[tuple[str, str]]] = {}
    families: dict[str, dict[str, str]] = {}
    rows = Term.objects.select_related("vocabulary").order_by("vocabulary__code", "position", "code")
    for t in rows:
        label = t.display()
        labels.setdefault(t.vocabulary.code, {})[t.code] = label
        if t.family:
            families.setdefault(t.vocabulary.code, {})[t.code] = t.family
        if t.retired_at is None:
            active.setdefault(t.vocabulary.code, []).append((t.code, label))
    return Catalogue(labels=labels, choices=active, families=families)
