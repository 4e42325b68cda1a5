"""Template helpers for registry pages."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` or "" (labels, country names, field errors)."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def labelled(codes: Any, labels: Any) -> str:
    """Codes joined as their labels: ``act.tactics|labelled:labels.tactic``."""
    if isinstance(codes, str):
        codes = [codes] if codes else []
    return ", ".join(str(labels.get(c, c)) if isinstance(labels, dict) else str(c) for c in codes or [])


@register.filter
def codes_of(manager: Any) -> list[str]:
    return sorted(t.code for t in manager.all())


@register.filter
def tactic_codes(incident: Any) -> list[str]:
    """An incident's tactics over all its acts, each once, in the order first met (prefetched acts)."""
    return list(dict.fromkeys(t.code for a in incident.acts.all() for t in a.tactics.all()))


@register.filter
def contains(values: Any, value: Any) -> bool:
    return isinstance(values, list | tuple | set) and value in values


@register.simple_tag
def field_name(*parts: Any) -> str:
    """``{% field_name "acts" i "tactics" %}`` -> ``acts-0-tactics``."""
    return "-".join(str(p) for p in parts)


@register.simple_tag
def field_error(errors: Any, *parts: Any) -> str:
    """The message for one field, or ""; the caller wraps it."""
    return str(errors.get("-".join(str(p) for p in parts), "")) if isinstance(errors, dict) else ""


@register.simple_tag
def options(choices: Any, selected: Any = "", blank: str | None = None) -> str:
    """``<option>`` elements for a select, built here: hundreds of countries in a
    template loop cost more than the rest of the page."""
    chosen = {str(s) for s in selected} if isinstance(selected, list | tuple | set) else {str(selected or "")}
    parts = [] if blank is None else [f'<option value="">{escape(blank)}</option>']
    for code, label in choices or []:
        mark = " selected" if str(code) in chosen else ""
        parts.append(f'<option value="{escape(code)}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


@register.simple_tag
def picker(
    name: str,
    choices: Any,
    selected: Any,
    legend: str,
    groups: Any = None,
    group_labels: Any = None,
) -> str:
    """Checkboxes for a multiple choice, in groups (``groups``: code -> group, labelled by
    ``group_labels``) with the number chosen in the legend. A filter box is there for the script
    (picker.js) to show; without scripts every option stays visible in its group."""
    chosen = {str(s) for s in selected} if isinstance(selected, list | tuple | set) else set()
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, label in choices or []:
        grouped.setdefault((groups or {}).get(code, ""), []).append((str(code), str(label)))
    n = sum(1 for code, _label in choices or [] if str(code) in chosen)
    count = ngettext("%(n)d chosen", "%(n)d chosen", n) % {"n": n}
    parts = [
        f'<fieldset class="picker" id="f-{escape(name)}"><legend>{escape(legend)} '
        f'<span class="chosen" aria-live="polite">{escape(count)}</span></legend>',
        '<input type="search" class="picker-filter" hidden '
        f'aria-label="{escape(_("Filter: %(what)s") % {"what": legend})}" '
        f'placeholder="{escape(_("Type to filter"))}" data-none="{escape(_("Nothing matches."))}">',
        '<div class="picker-groups">',
    ]
    for group, options in grouped.items():
        parts.append('<fieldset class="picker-group">')
        if group:
            parts.append(f"<legend>{escape((group_labels or {}).get(group, group))}</legend>")
        for code, label in options:
            mark = " checked" if code in chosen else ""
            box = f'<input type="checkbox" name="{escape(name)}" value="{escape(code)}"{mark}>'
            parts.append(f'<label class="check">{box} {escape(label)}</label>')
        parts.append("</fieldset>")
    parts.append("</div></fieldset>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
