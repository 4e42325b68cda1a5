"""Every string a person reads is translated into every shipped locale."""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGS = {"zh-hans": "zh_Hans", "ug": "ug", "ru": "ru", "tr": "tr", "ar": "ar", "fa": "fa"}


def po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr from a .po file (enough of the format for our catalogs)."""
    out: dict[str, str] = {}
    key = None
    current: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r'^(msgid|msgstr) "(.*)"$', line)
        if m:
            key = m.group(1)
            if key == "msgid" and "msgstr" in current:
                out[current["msgid"]] = current["msgstr"]
                current = {}
            current[key] = m.group(2)
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
    if "msgstr" in current:
        out[current["msgid"]] = current["msgstr"]
    out.pop("", None)
    return {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in out.items()}


def test_every_shipped_language_is_configured() -> None:
    assert {code for code, _ in settings.LANGUAGES} == {"en", *LANGS}
    assert {"ar", "fa", "ug"} <= set(settings.LANGUAGES_BIDI)


@pytest.mark.parametrize("folder", list(LANGS.values()))
def test_every_string_is_translated_and_compiled(folder: str) -> None:
    po = po_entries(LOCALE / folder / "LC_MESSAGES" / "django.po")
    assert len(po) > 100
    untranslated = [k for k, v in po.items() if not v]
    assert not untranslated, untranslated
    for k, v in po.items():
        assert sorted(re.findall(r"%\(\w+\)s", k)) == sorted(re.findall(r"%\(\w+\)s", v)), (folder, k)
    with open(LOCALE / folder / "LC_MESSAGES" / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = [k for k, v in po.items() if mo.gettext(k) != v]
    assert not stale, f"django.mo is older than django.po; run `longreach compilemessages`: {stale[:3]}"


@pytest.mark.parametrize(
    ("lang", "word", "direction"),
    [("ug", "پارول", "rtl"), ("ru", "Войти", "ltr"), ("zh-hans", "登录", "ltr"), ("fa", "ورود", "rtl")],
)
def test_pages_follow_the_browser_language(db: Any, lang: str, word: str, direction: str) -> None:
    r = Client(HTTP_ACCEPT_LANGUAGE=lang).get("/login/")
    assert f'dir="{direction}"'.encode() in r.content
    assert word.encode() in r.content


def test_the_language_switcher_sets_a_strict_cookie(db: Any) -> None:
    client = Client()
    r = client.post("/i18n/setlang/", {"language": "tr", "next": "/login/"})
    assert r.status_code == 302 and r["Location"] == "/login/"
    morsel = r.cookies["lr_language"]
    assert morsel["httponly"] and morsel["samesite"] == "Strict"
    assert "Giriş yap".encode() in client.get("/login/").content
    r = client.post("/i18n/setlang/", {"language": "tr", "next": "https://evil.example/"})
    assert r["Location"] == "/"
