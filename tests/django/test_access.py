"""Who may see what: scoping, one 404 for absent and forbidden, the API, documented actions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from longreach.accounts.roles import ACTIONS, Role, allowed
from longreach.audit.models import AuditEntry

ROLES = ["admin", "lead", "analyst", "analyst2", "volunteer", "researcher", "auditor"]


# Which role gets which page, for every route, is tests/django/test_access_matrix.py.


def test_another_compartment_answers_404_and_is_audited(cast: Any, client_for: Any) -> None:
    a = cast.compartments["demo-a"]
    r = client_for("analyst2").get(f"/compartments/{a.code}/")
    assert r.status_code == 404
    denied = AuditEntry.objects.filter(event="authz.denied", actor=cast.analyst2.code, compartment=a.code)
    assert denied.count() == 1


def test_a_missing_compartment_answers_the_same_404(cast: Any, client_for: Any) -> None:
    c = client_for("analyst2")
    missing = c.get("/compartments/doesnotexist/")
    other = c.get(f"/compartments/{cast.compartments['demo-a'].code}/")
    assert missing.status_code == other.status_code == 404

    # Identical but for the per-response CSRF mask and the page's own address.
    def strip(b: bytes) -> bytes:
        return re.sub(rb'name="(csrfmiddlewaretoken|next)" value="[^"]+"', b"", b)

    assert strip(missing.content) == strip(other.content)


def test_lists_show_only_own_compartments(cast: Any, client_for: Any) -> None:
    r = client_for("analyst2").get("/compartments/")
    assert b"demo-b" in r.content and b"demo-a" not in r.content


def test_api_scoping_matches_the_ui(cast: Any) -> None:
    from longreach.accounts import services

    a = cast.compartments["demo-a"]
    token = services.token_create(user=cast.analyst2, private_key=cast.privates["analyst2"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    c = Client()
    assert [x["slug"] for x in c.get("/api/v1/compartments", **auth).json()] == ["demo-b"]
    assert c.get(f"/api/v1/compartments/{a.code}", **auth).status_code == 404
    assert (
        c.get(f"/api/v1/compartments/{cast.compartments['demo-b'].code}", **auth).json()["slug"] == "demo-b"
    )
    assert AuditEntry.objects.filter(event="authz.denied", actor=cast.analyst2.code).exists()


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer x", "Basic YTpi", "Bearer " + "lr_" + "0" * 12 + "_" + "A" * 43]
)
def test_api_refuses_missing_and_bad_tokens(cast: Any, header: str) -> None:
    r = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert r.status_code == 401


def test_roles_deny_unknown_actions_and_inactive_users(cast: Any) -> None:
    with pytest.raises(KeyError):
        allowed(cast.admin, "no.such.action")
    cast.lead.is_active = False
    assert not allowed(cast.lead, "compartment.view")
    assert all(isinstance(r, Role) for roles in ACTIONS.values() for r in roles)


def test_every_action_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "admin-guide.md").read_text()
    missing = [a for a in ACTIONS if f"`{a}`" not in doc]
    assert not missing, f"actions missing from docs/admin-guide.md: {missing}"


def test_a_role_refused_a_page_is_audited(cast: Any, client_for: Any) -> None:
    assert client_for("researcher").get("/audit/").status_code == 404
    entry = AuditEntry.objects.filter(event="authz.denied", actor=cast.researcher.code).get()
    assert entry.detail == {"action": "audit.view"} and entry.outcome == "denied"


def test_the_openapi_document_is_published(cast: Any) -> None:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert {"/api/v1/me", "/api/v1/compartments", "/api/v1/compartments/{code}"} <= set(spec["paths"])
    schema = spec["components"]["schemas"]["CompartmentOut"]["properties"]
    assert "intake_private_sealed" not in schema


@pytest.mark.parametrize("code", ["x" * 5000, "%00", "..%2f..%2f", "\u202e", "1 OR 1=1"])
def test_api_hostile_codes_answer_404(cast: Any, code: str) -> None:
    from longreach.accounts import services

    token = services.token_create(user=cast.analyst, private_key=cast.privates["analyst"], name="t")
    r = Client().get(f"/api/v1/compartments/{code}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 404


@pytest.mark.parametrize("code", ["%00", "a%00b", "x" * 5000, "..%2f", "%E2%80%AE"])
def test_hostile_codes_in_page_addresses_answer_404(cast: Any, client_for: Any, code: str) -> None:
    lead = client_for("lead")
    a = cast.compartments["demo-a"].code
    for url in [
        f"/compartments/{code}/",
        f"/approvals/{code}/approve/",
        f"/account/tokens/{code}/revoke/",
        f"/compartments/{a}/members/{code}/revoke/",
        f"/messages/{code}/",
        f"/campaigns/{code}/",
        f"/cases/{code}/messages/",
        f"/alerts/{code}/seen/",
        f"/cases/{code}/messages/read/",
    ]:
        posted = "revoke" in url or "approve" in url or url.endswith(("/seen/", "/read/"))
        r = lead.post(url) if posted else lead.get(url)
        assert r.status_code == 404, url
