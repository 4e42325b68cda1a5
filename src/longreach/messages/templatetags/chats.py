"""Parser reasons and notes, stored as English templates with values, shown in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from django import template

register = template.Library()


@register.filter
def said(value: Any) -> str:
    """``{"line", "t", "p"}`` as a sentence in the active language."""
    if not isinstance(value, dict) or not isinstance(value.get("t"), str):
        return str(value or "")
    params = dict(value.get("p") or {})
    if isinstance(params.get("order"), str):  # "day/month/year" is itself a translated phrase
        params["order"] = _(params["order"])
    try:
        text = _(value["t"]) % params if params else _(value["t"])
    except (KeyError, TypeError, ValueError):
        text = value["t"]
    line = value.get("line") or 0
    return _("line %(n)s: %(text)s") % {"n": line, "text": text} if line else text
