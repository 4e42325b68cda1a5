"""Who and where a message points at: phone numbers, @handles, e-mail addresses and links. No Django.

Phone numbers are normalised to E.164 with ``phonenumbers`` (and the country
they belong to), so "+86 138-0013-8000" and "+8613800138000" are one sender.
Links are found after undoing the usual ways of writing them so they do not
click (``hxxp``, ``[.]``, ``(dot)``), and split into host and registrable
domain with tldextract's bundled suffix list; nothing here touches the
network, and no link is ever fetched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import phonenumbers
import tldextract

MAX_SCAN_CHARS = 100_000  # of one message: identifiers past this are not looked for

_DEFANG: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\bhxxp(s?)\b", re.IGNORECASE), r"http\1"),
    (re.compile(r"\bfxp\b", re.IGNORECASE), "ftp"),
    (re.compile(r"\s?[\[\(\{]\s?(?:\.|dot)\s?[\]\)\}]\s?", re.IGNORECASE), "."),
    (re.compile(r"\[:\]|\[://\]"), lambda m: m.group(0)[1:-1]),
    (re.compile(r"\[@\]|\(at\)|\[at\]", re.IGNORECASE), "@"),
]
_URL = re.compile(
    r"(?P<url>(?:https?|ftp)://[^\s<>\"'`]+|www\.[^\s<>\"'`]+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?:/[^\s<>\"'`]*)?)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[a-z0-9-]{1,63}\.)+[a-z]{2,24}\b", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@/.])@([A-Za-z][A-Za-z0-9_]{3,31})\b")
_TRAILING = ".,;:!?)]}>'\"»”’"


@cache
def _extract() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list only


def defang_undo(text: str) -> str:
    """The text with obfuscated links and addresses written plainly again."""
    for pattern, repl in _DEFANG:
        text = pattern.sub(repl, text)
    return text


@dataclass(frozen=True)
class Phone:
    e164: str
    country: str  # ISO 3166-1 alpha-2, "" when the number belongs to no one country (+800, +882...)


def phone(raw: str, region: str | None = None) -> Phone | None:
    """A phone number written any way (with ``region`` for numbers without a country code), or None."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), _country(number))


@dataclass(frozen=True)
class Link:
    url: str  # as written once de-obfuscated, without trailing punctuation
    host: str  # lower case, without port
    domain: str  # registrable domain ("example.co.uk"), or the host when it has no public suffix
    defanged: bool  # it was written so as not to click


@dataclass(frozen=True)
class Found:
    phones: list[Phone]
    handles: list[str]  # without the @, lower case
    emails: list[str]  # lower case
    links: list[Link]


def find(text: str, region: str | None = None) -> Found:
    """Every identifier in a message's text, each once, in the order first written."""
    text = text[:MAX_SCAN_CHARS]
    plain = defang_undo(text)
    emails = list(dict.fromkeys(m.group(0).lower() for m in _EMAIL.finditer(plain)))
    without_emails = _EMAIL.sub(" ", plain)
    links = _links(without_emails, original=text)
    phones = list(
        dict.fromkeys(
            Phone(
                phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164),
                _country(m.number),
            )
            for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
        )
    )
    handles = list(dict.fromkeys(m.group(1).lower() for m in _HANDLE.finditer(text)))
    return Found(phones, handles, emails, links)


def _country(number: phonenumbers.PhoneNumber) -> str:
    country = phonenumbers.region_code_for_number(number) or ""
    return "" if country == "001" else country


def _links(text: str, *, original: str) -> list[Link]:
    out: dict[str, Link] = {}
    for m in _URL.finditer(text):
        url = m.group("url").rstrip(_TRAILING)
        link = link_of(url, defanged=url not in original)
        if link is not None and link.url not in out:
            out[link.url] = link
    return list(out.values())


def link_of(url: str, *, defanged: bool = False) -> Link | None:
    """Host and registrable domain of a link; None when what looks like one has no known suffix."""
    bare = re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE)
    host = re.split(r"[/?#]", bare, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    if not host:
        return None
    parts = _extract()(host)
    has_scheme = "://" in url[:10] or url.lower().startswith("www.")
    if not parts.suffix and not has_scheme:
        return None  # "file.txt" or "v1.2" in text is not a link
    domain = f"{parts.domain}.{parts.suffix}" if parts.suffix and parts.domain else host
    return Link(url, host, domain, defanged)
