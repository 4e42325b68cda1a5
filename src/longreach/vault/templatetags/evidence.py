"""Template helpers for evidence pages: what a file says about itself, and custody details, as tables."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from django import template

register = template.Library()

# Custody details in the ledger are keyed by short names; staff read them as words.
DETAIL_LABELS = {
    "sha256": _("SHA-256 of the file"),
    "cipher_sha256": _("SHA-256 as stored (encrypted)"),
    "size": _("Size (bytes)"),
    "prev": _("After ledger entry"),
    "how": _("How it arrived"),
    "from": _("From"),
    "to": _("Linked to"),
    "package": _("Package"),
    "copy": _("Viewing copy"),
    "request": _("Request"),
    "action": _("Action"),
    "problem": _("Problem"),
    "kind": _("Kind"),
    "count": _("Count"),
    "case": _("Case"),
    "import": _("Import"),
}
# Values that are codes in the ledger, shown as words.
DETAIL_VALUES = {
    ("problem", "missing"): _("the file is missing"),
    ("problem", "size"): _("a different size"),
    ("problem", "checksum"): _("changed bytes"),
    ("action", "download"): _("download"),
}
HASHES = ("sha256", "cipher_sha256")


@register.filter
def detail_label(key: str) -> str:
    return str(DETAIL_LABELS.get(key, key))


@register.filter
def detail_value(value: Any, key: str) -> Any:
    return DETAIL_VALUES.get((key, str(value)), value)


@register.filter
def is_hash(key: str) -> bool:
    return key in HASHES


@register.filter
def shape(value: Any) -> str:
    """How a metadata value is shown: ``table`` (a list of records), ``list``, ``mapping`` or ``text``."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, dict) for v in value):
            return "table"
        return "list"
    return "text"


@register.filter
def columns(rows: list[dict[str, Any]]) -> list[str]:
    """The keys of a list of records, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(str(key), None)
    return list(seen)


@register.filter
def cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key, "")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


@register.filter
def joined(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else "—"
