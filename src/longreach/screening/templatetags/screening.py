"""The scorer's words (``names.score`` and ``names.screen`` are pure and speak English), translated."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from django import template

register = template.Library()


def _through() -> dict[str, str]:
    return {
        "characters": _("the same characters"),
        "pinyin": _("pinyin"),
        "pinyin sounds": _("pinyin, spelled near"),
        "phonetic": _("the same sounds"),
        "consonants": _("the same consonants"),
        "consonants of the Han rendering": _("the consonants of the Chinese rendering"),
        "same sound, other characters": _("the same sound, other characters"),
    }


@register.filter
def through_label(key: str) -> str:
    return _through().get(key, key)


_BORN = re.compile(r"^born (\d{4}), listed as born (\d{4})$")


@register.filter
def adjustment_label(note: str) -> str:
    known = {
        "same birth date": _("the same birth date"),
        "same birth year": _("the same birth year"),
        "a nationality in common": _("a nationality in common"),
        "no nationality in common": _("no nationality in common"),
        "only common parts or patronymics agree": _("only common name parts or patronymics agree"),
    }
    if note in known:
        return known[note]
    found = _BORN.match(note)
    if found:
        return _("born %(born)s, listed as born %(listed)s") % {"born": found[1], "listed": found[2]}
    return note
