"""Security headers on every route, error pages without internals."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from tests.conftest import login


def every_route(cast: Any) -> list[str]:
    fill = {
        "code": cast.compartments["demo-a"].code,
        "prefix": "000000000000",
        "user_code": cast.lead.code,
        "decision": "approve",
    }
    out = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                for name, value in fill.items():
                    route = route.replace(f"<str:{name}>", value)
                out.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


def check_headers(r: Any, route: str) -> None:
    csp = r.headers.get("Content-Security-Policy", "")
    assert csp, route
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, route
    assert "frame-ancestors 'none'" in csp, route
    # Reporter pages run no script at all; everywhere else only our own files.
    expected = "script-src 'none'" if route.split(" ", 1)[-1].startswith("/report/") else "script-src 'self'"
    assert expected in csp, route
    assert r.headers["X-Frame-Options"] == "DENY", route
    assert r.headers["X-Content-Type-Options"] == "nosniff", route
    assert r.headers["Referrer-Policy"] == "same-origin", route
    assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin", route
    assert "camera=()" in r.headers["Permissions-Policy"], route
    assert r.headers["Cache-Control"] == "no-store", route


def test_routes_are_found(cast: Any) -> None:
    routes = every_route(cast)
    assert "/login/" in routes and "/audit/" in routes and any(r.startswith("/api/v1/") for r in routes)


@pytest.mark.parametrize("who", [None, "analyst", "admin", "auditor"])
def test_every_route_sends_the_security_headers(cast: Any, who: str | None) -> None:
    client = Client()
    if who:
        login(client, cast.users[who])
    for route in every_route(cast):
        for method in ("get", "post"):
            if route == "/logout/" and who:
                continue  # would end the session mid-loop
            r = getattr(client, method)(route)
            assert r.status_code < 500, (method, route, r.status_code)
            check_headers(r, f"{method} {route}")


def test_static_files_carry_nosniff_and_csp(cast: Any) -> None:
    r = Client().get("/static/longreach/site.css")
    assert r.status_code == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_404_is_generic(cast: Any) -> None:
    r = Client().get("/no/such/page/<script>")
    assert r.status_code == 404
    check_headers(r, "404")
    assert b"Traceback" not in r.content and b"<script>" not in r.content
    assert b"urlpatterns" not in r.content


def _boom(request: Any) -> Any:
    raise RuntimeError("secret internals: Mihrigul")


urlpatterns = [path("boom/", _boom), *get_resolver().url_patterns]
handler500 = "longreach.core.views.error_500"


@override_settings(ROOT_URLCONF=__name__)
def test_500_is_generic(cast: Any) -> None:
    r = Client(raise_request_exception=False).get("/boom/")
    assert r.status_code == 500
    check_headers(r, "500")
    assert b"Something went wrong" in r.content
    assert b"Mihrigul" not in r.content and b"Traceback" not in r.content and b"RuntimeError" not in r.content


def test_cookies_are_httponly_and_strict(cast: Any) -> None:
    client = Client()
    r = client.post("/login/", {"username": "analyst", "password": "correct horse battery staple 7"})
    for name in ("lr_session", "lr_keys"):
        morsel = r.cookies[name]
        assert morsel["httponly"] and morsel["samesite"] == "Strict", name


def test_oversized_bodies_are_refused_cleanly(cast: Any) -> None:
    r = Client().post("/login/", {"username": "u" * 3_000_000, "password": "x"})
    assert r.status_code in (200, 400)
    assert b"Traceback" not in r.content
