"""Registry forms without JavaScript: nested names in, the validation input out.

A form field's name is its path in the record with "-" between the parts:
``acts-0-targets-1-new_person-phone`` is ``acts[0].targets[1].new_person.phone``.
``unflatten`` turns a POST into the nested mapping ``validation`` reads, and
``field_errors`` turns its error paths back into field names, so a message
lands next to the field it is about. Empty repeat slots are dropped.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict

from longreach.geo import countries
from longreach.registry.fields import RecordInvalid

# Fields posted as several values (a multi-select or repeated checkboxes).
MULTI = {"tactics", "demands", "channels", "outcomes", "profiles"}
MAX_FIELDS = 2000
_SEGMENT = re.compile(r"^[a-z_]{1,40}$|^[0-9]{1,3}$")


def unflatten(post: QueryDict, *, skip: set[str] | None = None) -> dict[str, Any]:
    """Nested data from dash-joined names; unknown shapes are kept for validation to refuse."""
    skip = (skip or set()) | {"csrfmiddlewaretoken"}
    root: dict[str, Any] = {}
    for name in list(post.keys())[:MAX_FIELDS]:
        if name in skip:
            continue
        parts = name.split("-")
        if not all(_SEGMENT.match(p) for p in parts):
            root[name[:40]] = post.get(name)  # refused later as "not a field of this record"
            continue
        leaf = parts[-1]
        value: Any = post.getlist(name) if leaf in MULTI else post.get(name, "")
        node: Any = root
        for part in parts[:-1]:
            child = node.setdefault(int(part) if part.isdigit() else part, {})
            if not isinstance(child, dict):
                break  # a name used both as a value and as a group: keep the value
            node = child
        else:
            node[int(leaf) if leaf.isdigit() else leaf] = value
    cleaned: dict[str, Any] = _lists(root)
    return cleaned


def _lists(node: Any) -> Any:
    """Dicts keyed 0..n become lists, in index order, without empty slots."""
    if not isinstance(node, dict):
        return node
    converted = {k: _lists(v) for k, v in node.items()}
    if converted and all(isinstance(k, int) for k in converted):
        return [converted[k] for k in sorted(converted) if not _empty(converted[k])]
    return converted


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        # Pre-selected defaults (confidences, a perpetrator type) do not make a slot filled in.
        return all(
            _empty(v)
            for k, v in value.items()
            if not str(k).endswith("confidence") and k not in ("perpetrator_type", "is_minor")
        )
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return value in ("", None)


def field_name(path: str) -> str:
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")


def field_errors(exc: RecordInvalid) -> dict[str, str]:
    return {field_name(e.path): e.message for e in exc.errors}


def country_choices(language: str) -> list[tuple[str, str]]:
    return list(countries.choices(language))
