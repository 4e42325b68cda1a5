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


def keyring_store(request: HttpRequest, user_id: int, private_key: bytes) -> None:
    """Seal the key into the session; the middleware sets the cookie on the way out."""
    cookie_key = envelope.new_key()
    blob = ck.wrap_with_key(private_key, cookie_key, _context(user_id))
    request.session[SESSION_FIELD] = {"user": user_id, "blob": base64.b64encode(blob).decode("ascii")}
    request._lr_cookie_key = cookie_key  # type: ignore[attr-defined]


def keyring_load(request: HttpRequest) -> tuple[int, bytes] | None:
    data = request.session.get(SESSION_FIELD)
    raw_cookie = request.COOKIES.get(COOKIE, "")
    if not data or not raw_cookie:
        return None
    try:
        cookie_key = base64.urlsafe_b64decode(raw_cookie.encode("ascii"))
        blob = base64.b64decode(data["blob"])
        return int(data["user"]), ck.unwrap_with_key(blob, cookie_key, _context(int(data["user"])))
    except (CryptoError, binascii.Error, ValueError, KeyError, TypeError, UnicodeEncodeError):
        return None


def set_cookie(request: HttpRequest, response: HttpResponse) -> None:
    key = getattr(request, "_lr_cookie_key", None)
    if key is not None:
        response.set_cookie(
            COOKIE,
            base64.urlsafe_b64encode(key).decode("ascii"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
