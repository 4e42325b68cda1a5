"""Reading vocabularies: active terms for forms, all terms for old records."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from longreach.vocab.models import Term, Vocabulary


def terms(*, vocabulary: str, include_retired: bool = False) -> QuerySet[Term]:
    qs = Term.objects.filter(vocabulary__code=vocabulary).select_related("vocabulary")
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def term(*, vocabulary: str, code: str) -> Term:
    found = terms(vocabulary=vocabulary, include_retired=True).filter(code=code).first()
    if found is None:
        raise Http404("not found")
    return found


def choices(*, vocabulary: str) -> list[tuple[str, str]]:
    """(code, label in the active language) for the active terms of a vocabulary."""
    return [(t.code, t.display()) for t in terms(vocabulary=vocabulary)]


def physical_tactics() -> set[str]:
    """Tactics Freedom House counts as physical incidents (the direct-attack family)."""
    return set(
        terms(vocabulary="tactic", include_retired=True)
        .filter(family="DIRECT_ATTACK")
        .values_list("code", flat=True)
    )


def vocabularies() -> QuerySet[Vocabulary]:
    return Vocabulary.objects.all()
