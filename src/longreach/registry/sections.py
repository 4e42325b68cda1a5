"""Sections that apps above the registry add to its case and incident pages.

The registry sits below vault and messages, so its pages cannot import them.
Instead each app registers a section when Django starts (in its AppConfig's
``ready``): a template and a function that returns what the template needs
for one user and one record. The page includes every section registered for
its kind, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    name: str  # the template's context variable, and the section's identity
    template: str
    kinds: frozenset[str]  # "case", "incident"
    data: Callable[[Any, Any], Any]  # (user, record) -> what the template reads under ``name``
    order: int


_SECTIONS: dict[str, Section] = {}


def register(
    name: str, *, template: str, kinds: set[str], data: Callable[[Any, Any], Any], order: int = 50
) -> None:
    """Add a section to the pages of ``kinds``; registering a name again replaces it."""
    _SECTIONS[name] = Section(name, template, frozenset(kinds), data, order)


def for_page(kind: str, user: Any, record: Any) -> dict[str, Any]:
    """Context for a page: each section's data under its name, and ``sections`` (templates in order)."""
    chosen = sorted((s for s in _SECTIONS.values() if kind in s.kinds), key=lambda s: (s.order, s.name))
    context: dict[str, Any] = {s.name: s.data(user, record) for s in chosen}
    context["sections"] = [s.template for s in chosen]
    return context
