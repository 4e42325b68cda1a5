"""Opens the user's keys for one request and forgets them afterwards."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from longreach.keys.context import using_keyring
from longreach.keys.keyring import Keyring
from longreach.keys.session import COOKIE, SESSION_FIELD, keyring_load, set_cookie


class KeyringMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        keyring = None
        loaded = keyring_load(request)
        user = request.user
        if loaded is not None and user.is_authenticated and loaded[0] == user.pk:
            keyring = Keyring(loaded[0], loaded[1])
        elif user.is_authenticated:
            # A session whose keys cannot be opened (cookie lost or altered) is useless
            # and possibly stolen: end it rather than run without keys.
            logout(request)
        request.keyring = keyring  # type: ignore[attr-defined]
        with using_keyring(keyring):
            response = self.get_response(request)
        set_cookie(request, response)
        if (
            SESSION_FIELD not in request.session
            and COOKIE in request.COOKIES
            and not getattr(request, "_lr_cookie_key", None)
        ):
            response.delete_cookie(COOKIE, samesite="Strict")
        return response
