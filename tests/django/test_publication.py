"""The public statistics page: off unless turned on; a lead or administrator publishes a table frozen
by suppression or by OpenDP's noise, within a privacy budget; the page has no login, no scripts and
sets no cookies, in every language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from longreach.audit.models import AuditEntry
from longreach.insight.models import Publication
from tests.django.test_insight import record

pytestmark = pytest.mark.django_db

NOTE = "Incidents recorded by our caseworkers since 2024; not a census."


@pytest.fixture
def on(settings: Any) -> Any:
    settings.PUBLIC_STATISTICS = True
    settings.PUBLIC_EPSILON_BUDGET = 2.0
    return settings


@pytest.fixture
def counted(cast: Any) -> Any:
    record(cast, "analyst", "demo-a", "CN", "TR", 30, date="2024-02")
    record(cast, "analyst", "demo-a", "IR", "DE", 20, date="2025-01")
    record(cast, "analyst", "demo-a", "RU", "DE", 2, date="2025-06")
    return cast


def publish(client: Client, **data: Any) -> Any:
    form = {
        "title": "Incidents by origin",
        "note": NOTE,
        "group_by": ["origin_state"],
        "method": "suppression",
    }
    form.update(data)
    return client.post("/insight/publish/", form)


def test_the_page_is_off_by_default(client_for: Any, counted: Any) -> None:
    assert Client().get("/public/statistics/").status_code == 404
    r = publish(client_for("lead"))
    assert r.status_code == 400 and "turned off" in r.content.decode()
    assert not Publication.objects.exists()


def test_a_suppressed_table_is_published_frozen_and_withdrawn(client_for: Any, counted: Any, on: Any) -> None:
    lead = client_for("lead")
    r = publish(lead, threshold="5")
    assert r.status_code == 302
    made = Publication.objects.get()
    assert made.rows[0] == {"origin_state": "CN", "count": 30, "suppressed": False}
    assert {"origin_state": "RU", "count": None, "suppressed": True} in made.rows
    page = Client().get("/public/statistics/")
    body = page.content.decode()
    assert page.status_code == 200 and "Incidents by origin" in body and NOTE in body and "<svg" in body
    assert ">30<" in body and "Russia" in body and "fewer than 5, or withheld with one" in body
    record(counted, "analyst", "demo-a", "CN", "TR", 10, date="2024-02")
    assert ">30<" in Client().get("/public/statistics/").content.decode()  # frozen when published
    assert lead.post(f"/insight/publish/{made.code}/withdraw/").status_code == 302
    assert "Incidents by origin" not in Client().get("/public/statistics/").content.decode()
    assert lead.post(f"/insight/publish/{made.code}/withdraw/").status_code == 404
    events = set(AuditEntry.objects.filter(object_code=made.code).values_list("event", flat=True))
    assert events == {"statistics.published", "statistics.withdrawn"}


def test_a_noisy_table_spends_the_budget_and_the_budget_is_kept(
    client_for: Any, counted: Any, on: Any
) -> None:
    admin = client_for("admin")
    r = publish(
        admin,
        method="dp",
        epsilon="1.5",
        threshold="5",
        group_by=["origin_state", "year"],
        year_from="2023",
        year_to="2025",
    )
    assert r.status_code == 302, r.content.decode()
    made = Publication.objects.get()
    assert made.epsilon == 1.5 and made.scale and made.years == [2023, 2025]
    assert all(row["count"] >= 5 for row in made.rows)
    assert all(row["year"] in (2023, 2024, 2025) for row in made.rows)
    body = Client().get("/public/statistics/").content.decode()
    assert "ε = 1.50" in body and "1.50 of 2.00" in body
    over = publish(admin, method="dp", epsilon="1", title="Another")
    assert over.status_code == 400 and "only 0.50 of the privacy budget is left" in over.content.decode()
    admin.post(f"/insight/publish/{made.code}/withdraw/")
    again = publish(admin, method="dp", epsilon="1", title="Another")
    assert again.status_code == 400  # a withdrawn table was seen: its epsilon stays spent
    assert publish(admin, method="dp", epsilon="0.5", title="Fits").status_code == 302


def test_the_public_page_sets_no_cookie_runs_no_script_and_speaks_seven_languages(
    client_for: Any, counted: Any, on: Any
) -> None:
    publish(client_for("lead"), threshold="5")
    anonymous = Client()
    r = anonymous.get("/public/statistics/?lang=ug")
    body = r.content.decode()
    assert not r.cookies and "<script" not in body and "<form" not in body
    assert 'dir="rtl"' in body and 'lang="ug"' in body
    assert "script-src 'none'" in r["Content-Security-Policy"]
    for code in ("en", "fr", "zh-hans", "ug", "ru", "tr", "ar", "fa"):
        page = anonymous.get(f"/public/statistics/?lang={code}")
        if code == "fr":  # not one of ours: the browser's language, untouched
            assert page.status_code == 200
            continue
        assert f'lang="{code}"' in page.content.decode() and not page.cookies
    assert anonymous.get("/public/statistics/?lang=%3Cscript%3E").status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"note": ""}, "note"),
        ({"group_by": []}, "group_by"),
        ({"group_by": ["name"]}, "group_by"),
        ({"method": "magic"}, "method"),
        ({"threshold": "2"}, "threshold"),
        ({"threshold": "x"}, "threshold"),
        ({"method": "dp", "epsilon": "0"}, "epsilon"),
        ({"method": "dp", "epsilon": "abc"}, "epsilon"),
        ({"method": "dp", "epsilon": "nan"}, "epsilon"),
        ({"method": "dp", "epsilon": "1", "group_by": ["year"]}, "year_from"),
        (
            {"method": "dp", "epsilon": "1", "group_by": ["year"], "year_from": "1900", "year_to": "2025"},
            "year_from",
        ),
        (
            {
                "method": "dp",
                "epsilon": "1",
                "group_by": ["origin_state", "host_country", "year"],
                "year_from": "2000",
                "year_to": "2040",
            },
            "group_by",
        ),
    ],
)
def test_bad_publications_are_refused_with_the_field(
    client_for: Any, counted: Any, on: Any, data: dict[str, Any], field: str
) -> None:
    r = publish(client_for("lead"), **data)
    assert r.status_code == 400 and f"{field}:" in r.content.decode()
    assert not Publication.objects.exists()


def test_only_leads_and_administrators_publish(client_for: Any, counted: Any, on: Any) -> None:
    for who in ("analyst", "researcher", "volunteer", "auditor"):
        assert client_for(who).get("/insight/publish/").status_code == 404
        assert publish(client_for(who)).status_code == 404
    assert "Publish" in client_for("lead").get("/insight/").content.decode()
    assert ">Publish<" not in client_for("researcher").get("/insight/").content.decode()
