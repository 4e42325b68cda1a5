"""The unlocked private key between requests: sealed in the session, key in a cookie.

The session row (server side) holds the private key encrypted under a random
key; that key lives only in the ``lr_keys`` cookie. A copy of the session
table, or of the cookie alone, reveals nothing.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from longreach.crypto import CryptoError, envelope
from longreach.crypto import keys as ck

COOKIE = "lr_keys"
SESSION_FIELD = "lr_keyring"


def _context(user_id: int) -> str:
    return f"session-keyring:{user_id}"


# The pattern both the staff keyring and a reporter's reply key use: the
# secret is wrapped under a fresh key; the wrap goes into the server-side
# session, the key into a cookie.


def wrap_for_cookie(secret: bytes, context: str) -> tuple[str, bytes]:
    """(the wrap for the session, as text; the key for the cookie)."""
    cookie_key = envelope.new_key()
    return base64.b64encode(ck.wrap_with_key(secret, cookie_key, context)).decode("ascii"), cookie_key


def unwrap_from_cookie(blob: str, raw_cookie: str, context: str) -> bytes | None:
    """The secret, or None for a missing, altered or foreign cookie or wrap."""
    try:
        cookie_key = base64.urlsafe_b64decode(raw_cookie.encode("ascii"))
        return ck.unwrap_with_key(base64.b64decode(blob), cookie_key, context)
    except (CryptoError, binascii.Error, ValueError, TypeError, UnicodeEncodeError):
        return None


def write_key_cookie(response: HttpResponse, name: str, key: bytes, path: str = "/") -> None:
    response.set_cookie(
        name,
        base64.urlsafe_b64encode(key).decode("ascii"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
        path=path,
    )


def keyring_store(request: HttpRequest, user_id: int, private_key: bytes) -> None:
    """Seal the key into the session; the middleware sets the cookie on the way out."""
    blob, cookie_key = wrap_for_cookie(private_key, _context(user_id))
    request.session[SESSION_FIELD] = {"user": user_id, "blob": blob}
    request._lr_cookie_key = cookie_key  # type: ignore[attr-defined]


def keyring_load(request: HttpRequest) -> tuple[int, bytes] | None:
    data = request.session.get(SESSION_FIELD)
    raw_cookie = request.COOKIES.get(COOKIE, "")
    if not isinstance(data, dict) or not raw_cookie:
        return None
    try:
        user_id = int(data["user"])
    except (KeyError, TypeError, ValueError):
        return None
    private = unwrap_from_cookie(str(data.get("blob", "")), raw_cookie, _context(user_id))
    return None if private is None else (user_id, private)


def set_cookie(request: HttpRequest, response: HttpResponse) -> None:
    key = getattr(request, "_lr_cookie_key", None)
    if key is not None:
        write_key_cookie(response, COOKIE, key)
