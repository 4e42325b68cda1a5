"""Filters for legal pages and documents: a text's direction for the PDF layout, where ``dir="auto"`` is
not read (``legal.pdf.direction``), sizes and hashes, and the review's words in the active language."""

from __future__ import annotations

from django.utils import translation

from django import template
from longreach.legal.pdf import direction
from longreach.legal.review import Ground, Question

register = template.Library()


@register.filter(name="direction")
def direction_of(text: object) -> str:
    return direction(str(text or ""))


@register.filter
def kib(size: int) -> str:
    """A size in bytes as KiB or MiB, with one decimal."""
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


@register.filter
def groups(text: str, width: int = 16) -> str:
    """A long hash split in groups so that it wraps in a table cell and can be read aloud."""
    return " ".join(text[k : k + width] for k in range(0, len(text), width))


# The review's grounds and questions in the language being rendered (review.LANG.toml), English otherwise.


@register.filter
def ground_title(ground: Ground) -> str:
    return ground.title_in(translation.get_language() or "en")


@register.filter
def ground_named(ground: Ground) -> str:
    return ground.named_in(translation.get_language() or "en")


@register.filter
def question_text(question: Question) -> str:
    return question.text_in(translation.get_language() or "en")


@register.filter
def question_claim(question: Question) -> str:
    return question.claim_in(translation.get_language() or "en")
