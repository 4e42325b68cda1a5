"""What a reporter's browser session holds: a language, a last-seen time, and after a
receipt check the report id with the reply key sealed under a key kept only in a cookie.

The receipt itself is never stored. The session row alone (server side) does
not open the reply key, and the ``lr_rk`` cookie alone opens nothing; both
cookies die with the browser session.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from longreach.keys.session import unwrap_from_cookie, wrap_for_cookie, write_key_cookie

COOKIE = "lr_rk"
FIELD = "lr_intake"


def _state(request: HttpRequest) -> dict[str, Any]:
    state = request.session.get(FIELD)
    return state if isinstance(state, dict) else {}


def touch(request: HttpRequest) -> dict[str, Any]:
    """Mark the visit as active; forget everything after INTAKE_IDLE_MINUTES of silence.

    The session row is written at most once a minute for this, not on every page.
    """
    state = _state(request)
    now = int(time.time())
    seen = int(state.get("seen", 0))
    if state and now - seen > settings.INTAKE_IDLE_MINUTES * 60:
        state = {"lang": state.get("lang", "")}
    if not state or now - seen >= 60:
        state["seen"] = now
        request.session[FIELD] = state
        request.session.set_expiry(0)  # ends when the browser closes
    if not request.session.session_key:
        request.session.save()
    return state


def language(request: HttpRequest) -> str:
    return str(_state(request).get("lang", ""))


def set_language(request: HttpRequest, code: str) -> None:
    state = touch(request)
    state["lang"] = code
    request.session[FIELD] = state


def throttle_id(request: HttpRequest) -> str:
    touch(request)
    return str(request.session.session_key)


def _context(report_id: str) -> str:
    return f"reporter-key:{report_id}"


def remember(request: HttpRequest, report_id: uuid.UUID, private_key: bytes) -> None:
    state = touch(request)
    state["report"] = str(report_id)
    state["key"], cookie_key = wrap_for_cookie(private_key, _context(str(report_id)))
    request.session[FIELD] = state
    request.session.cycle_key()  # a new session id once the visit holds a key
    request._lr_reporter_cookie = cookie_key  # type: ignore[attr-defined]


def recall(request: HttpRequest) -> tuple[uuid.UUID, bytes] | None:
    state = touch(request)
    raw_cookie = request.COOKIES.get(COOKIE, "")
    if "report" not in state or not raw_cookie:
        return None
    try:
        report_id = uuid.UUID(str(state["report"]))
    except ValueError:
        return None
    private = unwrap_from_cookie(str(state.get("key", "")), raw_cookie, _context(str(report_id)))
    return None if private is None else (report_id, private)


def forget(request: HttpRequest) -> None:
    lang = language(request)
    request.session.flush()
    if lang:
        set_language(request, lang)
    request._lr_reporter_forget = True  # type: ignore[attr-defined]


def apply_cookie(request: HttpRequest, response: HttpResponse) -> None:
    key = getattr(request, "_lr_reporter_cookie", None)
    if key is not None:
        write_key_cookie(response, COOKIE, key, path="/report/")
    elif getattr(request, "_lr_reporter_forget", False):
        response.delete_cookie(COOKIE, path="/report/", samesite="Strict")
