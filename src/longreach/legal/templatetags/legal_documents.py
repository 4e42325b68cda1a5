"""Filters for documents laid out as PDF, where ``dir="auto"`` is not read: the direction of a text
is worked out here (``legal.pdf.direction``)."""

from __future__ import annotations

from django import template
from longreach.legal.pdf import direction

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
