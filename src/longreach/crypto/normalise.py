"""Normalisers that turn identifiers into one canonical spelling before blind indexing.

Two people typing the same phone number, e-mail or name differently must land
on the same index value, or a victim's second report will not match the first.
Each function returns the canonical string or raises NormaliseError with the
reason, never guesses silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import phonenumbers


class NormaliseError(ValueError):
    """The value cannot be normalised; the message says why."""


MAX_INPUT = 2048


def _guard(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise NormaliseError(f"{what} must be text")
    if len(value) > MAX_INPUT:
        raise NormaliseError(f"{what} is longer than {MAX_INPUT} characters")
    value = unicodedata.normalize("NFKC", value).strip()
    if not value:
        raise NormaliseError(f"{what} is empty")
    return value


def phone(value: str, default_region: str | None = None) -> str:
    """E.164 form (``+8613800138000``); ``default_region`` is an ISO code for local numbers."""
    value = _guard(value, "phone number")
    try:
        parsed = phonenumbers.parse(value, default_region.upper() if default_region else None)
    except phonenumbers.NumberParseException as exc:
        raise NormaliseError(f"not a phone number: {exc}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise NormaliseError("not a possible phone number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_region(e164: str) -> str | None:
    """ISO country code a number belongs to, or None when shared or unknown."""
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value: str) -> str:
    value = _guard(value, "e-mail address")
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if not _EMAIL.match(value):
        raise NormaliseError("not an e-mail address")
    local, _, domain = value.rpartition("@")
    try:
        domain = domain.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise NormaliseError("e-mail domain is not a valid host name") from exc
    # Local parts are case-sensitive in theory, never in the services people use.
    return f"{local.casefold()}@{domain.lower()}"


_HANDLE = re.compile(r"^[\w.\-]{1,100}$")


def handle(value: str) -> str:
    """An account handle without the leading @, case-folded (``@Ali_K`` → ``ali_k``)."""
    value = _guard(value, "handle").lstrip("@")
    if not _HANDLE.match(value):
        raise NormaliseError("a handle may hold letters, digits, '.', '-' and '_' only")
    return value.casefold()


def url(value: str) -> str:
    """Scheme and host lower-cased, default port and fragment dropped, IDNA host."""
    value = _guard(value, "URL")
    if "://" not in value:
        value = "http://" + value
    try:
        parts = urlsplit(value)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise NormaliseError(f"not a URL: {exc}") from exc
    if not host:
        raise NormaliseError("URL has no host")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "ftp"):
        raise NormaliseError(f"unsupported URL scheme {scheme!r}")
    try:
        host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise NormaliseError("URL host is not a valid host name") from exc
    default = {"http": 80, "https": 443, "ftp": 21}[scheme]
    netloc = host if port in (None, default) else f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def name(value: str) -> str:
    """A personal name: NFKC, case-folded, marks kept, punctuation and spacing collapsed.

    Diacritics are kept on purpose: in Uyghur and Turkish they distinguish
    letters (ü/u, ş/s), so stripping them would merge different names.
    Cross-script matching is a separate, later capability.
    """
    value = _guard(value, "name")
    folded = unicodedata.normalize("NFKC", value.casefold())
    # Letters, marks and digits stay; everything else (punctuation, spaces,
    # bidi controls, symbols) separates words.
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in folded)
    collapsed = " ".join(kept.split())
    if not collapsed:
        raise NormaliseError("name has no letters")
    return collapsed


NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": phone,
    "email": email,
    "handle": handle,
    "url": url,
    "name": name,
}
