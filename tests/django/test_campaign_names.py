"""Analysts name campaigns: each compartment its own name, sealed; no other compartment reads it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from longreach.audit.models import AuditEntry
from longreach.messages.models import Campaign, CampaignName
from tests.django.test_messages import CHAT_A, CHAT_B, case_in, keep, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(cast: Any) -> Campaign:
    a, b = case_in(cast, "analyst", "demo-a"), case_in(cast, "analyst2", "demo-b")
    read(cast, "analyst", a, keep(cast, "analyst", a, "a.txt", CHAT_A.encode()))
    read(cast, "analyst2", b, keep(cast, "analyst2", b, "b.txt", CHAT_B.encode()))
    return Campaign.objects.get()


def test_a_name_is_seen_by_its_compartment_only(cast: Any, campaign: Campaign, client_for: Any) -> None:
    analyst = client_for("analyst")
    url = f"/campaigns/{campaign.code}/"
    r = analyst.post(
        url + "name/",
        {"compartment": cast.compartments["demo-a"].code, "name": "  Officer  Kaysar's\\n letters "},
        follow=True,
    )
    assert "Name saved." in r.content.decode()
    assert "Officer Kaysar&#x27;s\\n letters" in analyst.get(url).content.decode()
    assert "Officer Kaysar" in analyst.get("/campaigns/").content.decode()
    assert "Officer Kaysar" in client_for("lead").get(url).content.decode()  # same compartment
    for other in ("analyst2",):
        assert "Officer Kaysar" not in client_for(other).get(url).content.decode()
        assert "Officer Kaysar" not in client_for(other).get("/campaigns/").content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM chats_campaignname")
        (stored,) = cursor.fetchone()
    assert b"Kaysar" not in bytes(stored)  # sealed under the compartment key
    entry = AuditEntry.objects.filter(object_type="campaign", event="record.updated").latest("index")
    assert entry.detail == {"named": True}
    # Empty: the name is taken back.
    analyst.post(url + "name/", {"compartment": cast.compartments["demo-a"].code, "name": ""})
    assert not CampaignName.objects.exists()


@pytest.mark.parametrize(
    ("data", "status", "problem"),
    [
        ({"name": "x"}, 400, "Choose one of your compartments"),
        ({"compartment": "demo-b", "name": "x"}, 400, "Choose one of your compartments"),
        ({"compartment": "B", "name": "y" * 121}, 400, "at most 120 characters"),
    ],
)
def test_bad_names_are_refused_and_keep_what_was_typed(
    cast: Any, campaign: Campaign, client_for: Any, data: dict[str, str], status: int, problem: str
) -> None:
    if data.get("compartment") == "B":
        data = {**data, "compartment": cast.compartments["demo-b"].code}
    r = client_for("analyst2").post(f"/campaigns/{campaign.code}/name/", data)
    assert r.status_code == status and problem in r.content.decode()
    if "compartment" in data and len(data["name"]) > 120:
        assert "y" * 121 in r.content.decode()
    assert not CampaignName.objects.exists()


def test_who_may_name(cast: Any, campaign: Campaign, client_for: Any) -> None:
    # analyst2 cannot name it for demo-a, whose messages they cannot read: that compartment is not offered.
    r = client_for("analyst2").post(
        f"/campaigns/{campaign.code}/name/", {"compartment": cast.compartments["demo-a"].code, "name": "x"}
    )
    assert r.status_code == 400 and not CampaignName.objects.exists()
    for who in ("researcher", "volunteer", "auditor", "admin"):
        assert client_for(who).post(f"/campaigns/{campaign.code}/name/", {"name": "x"}).status_code == 404
