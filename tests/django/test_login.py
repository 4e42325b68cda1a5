"""Logging in: password, then TOTP; one failure message; lockout; sessions end."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from longreach.accounts import services
from longreach.audit.models import AuditEntry
from longreach.keys.session import COOKIE
from tests.conftest import PASSWORD, login, totp_code

FAILURE = "Those details were not accepted"


def test_it_logs_in_with_password_then_code(cast: Any) -> None:
    client = login(Client(), cast.analyst)
    r = client.get("/")
    assert r.status_code == 200
    assert b"Welcome, analyst" in r.content
    assert AuditEntry.objects.filter(event="login.success", actor=cast.analyst.code).exists()


def test_the_password_alone_does_not_open_the_site(cast: Any) -> None:
    client = Client()
    client.post("/login/", {"username": "analyst", "password": PASSWORD})
    assert client.get("/")["Location"] == "/login/"
    assert client.get("/compartments/").status_code == 302


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("analyst", "wrong password"),
        ("nobody", PASSWORD),
        ("", ""),
        ("a" * 151, "x"),
        ("analyst", "x" * 1025),
        ("analyst\x00", PASSWORD),
        ("' OR 1=1 --", "x"),
    ],
)
def test_every_password_failure_reads_the_same(cast: Any, username: str, password: str) -> None:
    r = Client().post("/login/", {"username": username, "password": password})
    assert r.status_code == 200
    assert FAILURE.encode() in r.content


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", "1" * 50, ""])
def test_a_wrong_code_reads_the_same_and_does_not_log_in(cast: Any, code: str) -> None:
    client = Client()
    client.post("/login/", {"username": "analyst", "password": PASSWORD})
    r = client.post("/login/code/", {"code": code})
    assert FAILURE.encode() in r.content
    assert client.get("/")["Location"] == "/login/"


def test_it_locks_out_a_username_after_five_failures_with_the_same_message(cast: Any) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "analyst", "password": "wrong"})
    r = client.post("/login/", {"username": "analyst", "password": PASSWORD})
    assert r.status_code == 200 and FAILURE.encode() in r.content
    assert AuditEntry.objects.filter(event="login.locked").exists()
    r = Client().post("/login/", {"username": "lead", "password": PASSWORD})
    assert r.status_code == 302  # other users are unaffected


def test_a_locked_username_looks_and_costs_like_a_wrong_password(
    cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, item 11: a lock answered ten times faster, with an empty form."""
    import re

    from django.contrib.auth.hashers import Argon2PasswordHasher

    hashed: list[str] = []
    for name in ("encode", "verify"):
        real = getattr(Argon2PasswordHasher, name)
        monkeypatch.setattr(
            Argon2PasswordHasher,
            name,
            lambda self, *a, _real=real, _name=name, **kw: hashed.append(_name) or _real(self, *a, **kw),
        )

    def attempt(username: str) -> tuple[int, bytes]:
        hashed.clear()
        r = Client().post("/login/", {"username": username, "password": "wrong"})
        return len(hashed), re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", r.content)

    for _ in range(5):
        Client().post("/login/", {"username": "analyst", "password": "wrong"})
    locked_work, locked_page = attempt("analyst")
    open_work, open_page = attempt("lead")
    assert locked_work == open_work >= 1
    assert locked_page.replace(b"analyst", b"NAME") == open_page.replace(b"lead", b"NAME")
    assert b'value="analyst"' in locked_page


def test_wrong_codes_count_towards_lockout(cast: Any) -> None:
    client = Client()
    client.post("/login/", {"username": "analyst", "password": PASSWORD})
    for _ in range(5):
        client.post("/login/code/", {"code": "000000"})
    r = Client().post("/login/", {"username": "analyst", "password": PASSWORD})
    assert FAILURE.encode() in r.content


def test_a_session_without_its_key_cookie_is_ended(cast: Any) -> None:
    client = login(Client(), cast.analyst)
    client.cookies.pop(COOKIE)
    assert client.get("/")["Location"] == "/login/"


def test_a_tampered_key_cookie_ends_the_session(cast: Any) -> None:
    client = login(Client(), cast.analyst)
    client.cookies[COOKIE] = "A" * 44
    assert client.get("/")["Location"] == "/login/"


def test_the_session_store_holds_no_private_key(cast: Any) -> None:
    login(Client(), cast.analyst)
    private = cast.privates["analyst"]
    for s in Session.objects.all():
        assert private not in s.session_data.encode()
        assert private.hex() not in s.session_data
        assert private not in str(s.get_decoded()).encode()


def test_password_change_logs_out_everywhere(cast: Any) -> None:
    a, b = login(Client(), cast.analyst), login(Client(), cast.analyst)
    r = a.post(
        "/account/",
        {
            "old_password": PASSWORD,
            "new_password": "brand new passphrase 9",
            "new_password2": "brand new passphrase 9",
        },
    )
    assert r["Location"] == "/login/"
    assert a.get("/")["Location"] == "/login/"
    assert b.get("/")["Location"] == "/login/"
    login(Client(), cast.analyst, password="brand new passphrase 9")


def test_password_change_revokes_every_api_token_and_says_so(cast: Any, api: Any) -> None:
    """Issue 14, item 10: tokens outlived a password change that claimed to end every session."""
    auth = api("analyst")
    api("analyst")
    assert Client().get("/api/v1/me", **auth).status_code == 200
    a = login(Client(), cast.analyst)
    r = a.post(
        "/account/",
        {
            "old_password": PASSWORD,
            "new_password": "brand new passphrase 9",
            "new_password2": "brand new passphrase 9",
        },
        follow=True,
    )
    assert "Your 2 API tokens were revoked" in r.content.decode()
    assert Client().get("/api/v1/me", **auth).status_code == 401
    assert AuditEntry.objects.filter(event="token.revoked").count() == 2


def test_password_change_form_errors_name_the_field(cast: Any, client_for: Any) -> None:
    c = client_for("analyst")
    r = c.post("/account/", {"old_password": PASSWORD, "new_password": "x", "new_password2": "y"})
    assert b"The two new passwords differ" in r.content
    r = c.post(
        "/account/",
        {
            "old_password": "bad",
            "new_password": "a long new passphrase",
            "new_password2": "a long new passphrase",
        },
    )
    assert b"current password is not correct" in r.content
    assert c.get("/").status_code == 200


def test_deactivation_logs_out_everywhere(cast: Any) -> None:
    client = login(Client(), cast.analyst)
    services.user_deactivate(user=cast.analyst, acting_user=cast.admin)
    assert client.get("/")["Location"] == "/login/"
    r = Client().post("/login/", {"username": "analyst", "password": PASSWORD})
    assert FAILURE.encode() in r.content


def test_logout_needs_post_and_ends_the_session(cast: Any) -> None:
    client = login(Client(), cast.analyst)
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert client.get("/")["Location"] == "/login/"
    assert totp_code(cast.analyst)


def test_tokens_from_the_account_page(cast: Any, client_for: Any) -> None:
    c = client_for("analyst")
    r = c.post("/account/tokens/", {"name": "laptop", "password": "wrong"})
    assert b"password is not correct" in r.content
    r = c.post("/account/tokens/", {"name": "laptop", "password": PASSWORD})
    token = r.context["new_token"]
    assert token.startswith("lr_")
    api = Client()
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()["username"] == "analyst"
    prefix = token.split("_")[1]
    c.post(f"/account/tokens/{prefix}/revoke/")
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client_for("analyst2").post(f"/account/tokens/{prefix}/revoke/").status_code == 404
