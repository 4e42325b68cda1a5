"""Administration in the browser: users, roles, second factors, tokens and new compartments."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from longreach.accounts import services
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import ApiToken, Compartment, Membership, User
from longreach.audit.models import AuditEntry
from longreach.keys.models import KeyGrant
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return response.content.decode()


def test_an_administrator_adds_a_user_who_can_then_log_in(cast: Any, client_for: Any) -> None:
    admin = client_for("admin")
    r = admin.post("/users/", {"username": "caseworker3", "role": "analyst"})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    page = _text(r)
    password = re.search(r'class="secret">(lr-[^<]+)<', page).group(1)
    assert "<svg" in page and "otpauth" not in page  # the link is in the QR code, not in the text
    new = User.objects.get(username="caseworker3")
    assert new.role == "analyst" and new.is_active
    assert KeyGrant.objects.filter(user=new, compartment=None).exists()  # analysts link perpetrators
    login(Client(), new, password)
    assert AuditEntry.objects.filter(
        event="user.created", object_code=new.code, actor=cast.admin.code
    ).exists()
    # Nothing of the secrets is kept for a second look.
    assert password not in _text(admin.get(f"/users/{new.code}/"))


@pytest.mark.parametrize(
    ("username", "problem"),
    [
        ("lead", "already exists"),
        ("LEAD", "already exists"),
        ("<script>", "Enter a valid username"),
        ("a" * 151, "at most 150 characters"),
        ("", "This field is required"),
    ],
)
def test_a_bad_username_is_refused_with_its_reason(client_for: Any, username: str, problem: str) -> None:
    before = User.objects.count()
    r = client_for("admin").post("/users/", {"username": username, "role": "analyst"})
    assert r.status_code == 200 and problem in _text(r)
    assert User.objects.count() == before


def test_an_unknown_role_is_refused(client_for: Any) -> None:
    r = client_for("admin").post("/users/", {"username": "x1", "role": "superuser"})
    assert "Select a valid choice" in _text(r) and not User.objects.filter(username="x1").exists()
    r = client_for("admin").get("/users/?role=superuser")
    assert "There is no role superuser" in _text(r) and "analyst2" in _text(r)


def test_the_list_filters_by_role(client_for: Any) -> None:
    page = _text(client_for("admin").get("/users/?role=volunteer"))
    assert ">volunteer<" in page and ">analyst2<" not in page


def test_deactivating_needs_a_tick_then_ends_sessions_and_tokens(
    cast: Any, client_for: Any, api: Any
) -> None:
    admin = client_for("admin")
    analyst = client_for("analyst")
    api("analyst")
    url = f"/users/{cast.analyst.code}/do/deactivate/"
    r = admin.post(url, follow=True)
    assert "Tick the box" in _text(r)
    cast.analyst.refresh_from_db()
    assert cast.analyst.is_active
    r = admin.post(url, {"confirm": "on"}, follow=True)
    assert "can no longer log in" in _text(r)
    cast.analyst.refresh_from_db()
    assert not cast.analyst.is_active
    assert not ApiToken.objects.filter(user=cast.analyst, revoked_at__isnull=True).exists()
    assert analyst.get("/cases/")["Location"] == "/login/"
    assert Membership.objects.filter(user=cast.analyst).exists()  # kept for a reactivation
    r = admin.post(f"/users/{cast.analyst.code}/do/reactivate/", follow=True)
    assert "can log in again" in _text(r)
    login(Client(), User.objects.get(pk=cast.analyst.pk))
    assert AuditEntry.objects.filter(event="user.reactivated", object_code=cast.analyst.code).exists()


def test_an_administrator_cannot_shut_themselves_out(cast: Any, client_for: Any) -> None:
    admin = client_for("admin")
    r = admin.post(f"/users/{cast.admin.code}/do/deactivate/", {"confirm": "on"}, follow=True)
    assert "cannot deactivate your own account" in _text(r)
    r = admin.post(f"/users/{cast.admin.code}/do/role/", {"role": "auditor"}, follow=True)
    assert "cannot change the role of your own account" in _text(r)
    cast.admin.refresh_from_db()
    assert cast.admin.is_active and cast.admin.role == "administrator"
    with pytest.raises(ServiceError, match="last active administrator"):
        services.user_deactivate(user=cast.admin, acting_user="cli")


def test_a_role_change_moves_the_linkage_key_and_respects_memberships(cast: Any, client_for: Any) -> None:
    admin = client_for("admin")
    r = admin.post(f"/users/{cast.volunteer.code}/do/role/", {"role": "researcher"}, follow=True)
    assert "end those memberships first" in _text(r)
    assert User.objects.get(pk=cast.volunteer.pk).role == "volunteer"
    assert not KeyGrant.objects.filter(user=cast.researcher, compartment=None).exists()
    r = admin.post(f"/users/{cast.researcher.code}/do/role/", {"role": "analyst"}, follow=True)
    assert "has the new role" in _text(r)
    assert KeyGrant.objects.filter(user=cast.researcher, compartment=None).exists()
    entry = AuditEntry.objects.filter(event="user.role_changed").latest("index")
    assert entry.detail == {"from": "researcher", "to": "analyst"}
    admin.post(f"/users/{cast.researcher.code}/do/role/", {"role": "auditor"})
    assert not KeyGrant.objects.filter(user=cast.researcher, compartment=None).exists()
    r = admin.post(f"/users/{cast.researcher.code}/do/role/", {"role": "god"})
    assert r.status_code == 200 and "Select a valid choice" in _text(r)


def test_resetting_a_factor_shows_a_new_secret_once_and_ends_sessions(cast: Any, client_for: Any) -> None:
    old = TOTPDevice.objects.get(user=cast.lead).key
    lead = client_for("lead")
    r = client_for("admin").post(f"/users/{cast.lead.code}/do/reset-factor/", {"confirm": "on"})
    new = TOTPDevice.objects.get(user=cast.lead)
    assert new.key != old and "<svg" in _text(r) and "Initial password" not in _text(r)
    assert lead.get("/")["Location"] == "/login/"
    login(Client(), cast.lead)


def test_tokens_are_revoked_one_at_a_time_or_all(cast: Any, client_for: Any, api: Any) -> None:
    api("lead")
    api("lead")
    admin = client_for("admin")
    prefix = ApiToken.objects.filter(user=cast.lead).first().prefix
    admin.post(f"/users/{cast.lead.code}/tokens/{prefix}/revoke/")
    assert ApiToken.objects.filter(user=cast.lead, revoked_at__isnull=True).count() == 1
    r = admin.post(f"/users/{cast.lead.code}/do/revoke-tokens/", follow=True)
    assert "1 token of lead revoked" in _text(r)
    assert admin.post(f"/users/{cast.lead.code}/tokens/zzzz/revoke/").status_code == 404


def test_unknown_users_and_actions_are_missing_pages(cast: Any, client_for: Any) -> None:
    admin = client_for("admin")
    assert admin.get("/users/NOPE/").status_code == 404
    assert admin.get("/users/" + "x" * 5000 + "/").status_code == 404
    assert admin.post(f"/users/{cast.lead.code}/do/promote/").status_code == 404


def test_an_administrator_creates_a_compartment_with_its_first_member(cast: Any, client_for: Any) -> None:
    admin = client_for("admin")
    r = admin.post("/compartments/new/", {"name": "Kazakh diaspora", "slug": "kz-diaspora", "lead": "lead"})
    made = Compartment.objects.get(slug="kz-diaspora")
    assert r["Location"] == f"/compartments/{made.code}/"
    assert Membership.objects.filter(user=cast.lead, compartment=made).exists()
    assert cast.keyring("lead").compartment_key(made.pk)[0] == 1
    for data, problem in (
        ({"name": "Again", "slug": "kz-diaspora", "lead": "lead"}, "already exists"),
        ({"name": "Bad", "slug": "Not a slug!", "lead": "lead"}, "Enter a valid"),
        ({"name": "Bad", "slug": "ok-slug", "lead": "volunteer"}, "Select a valid choice"),
        ({"name": "", "slug": "ok-slug", "lead": "lead"}, "This field is required"),
    ):
        r = admin.post("/compartments/new/", data)
        assert r.status_code == 200 and problem in _text(r), data
    assert Compartment.objects.count() == 3
