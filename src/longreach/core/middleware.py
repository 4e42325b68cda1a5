"""Headers that Django and django-csp do not set themselves; cleaning up after uploads."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from longreach.core import uploads


class UploadCleanupMiddleware:
    """Outermost: once a response exists, remove the temp files of uploads nobody kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            uploads.run_cleanups(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not request.path.startswith("/static/"):
            # Pages may show case data: never keep them in a shared or browser cache.
            response.headers["Cache-Control"] = "no-store"
        return response
