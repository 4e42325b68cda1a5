"""Reporter pages: their own language, no scripts at all, and the reply-key cookie."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from longreach.intake import reporter_session

PREFIX = "/report/"
# Nothing executes on a reporter's page, whatever the rest of the site allows.
REPORTER_CSP = {"script-src": ["'none'"], "connect-src": ["'none'"], "img-src": ["'self'"]}


class ReporterPagesMiddleware:
    """Placed after LocaleMiddleware (to override its choice) and after CSPMiddleware in
    the list (so that, on the way out, it marks the response before CSP writes the header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        lang = reporter_session.language(request)
        if lang:
            translation.activate(lang)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response._csp_replace = REPORTER_CSP  # type: ignore[attr-defined]
        reporter_session.apply_cookie(request, response)
        return response
