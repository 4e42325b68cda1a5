"""The dashboard at /insight/: staff count what they may read, with links to the records; researchers
count the organisation's incidents de-identified, small cells withheld with their complements; charts as
SVG with a table, their numbers as CSV; filters checked like the incident list's."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.registry import services as registry
from tests.django.registry_data import incident_input

pytestmark = pytest.mark.django_db


def record(
    cast: Any, who: str, compartment: str, origin: str, host: str, n: int, *, date: str = "2024-03"
) -> None:
    with using_keyring(cast.keyring(who)):
        for _ in range(n):
            data = incident_input(origin_state=origin, host_country=host, date=date)
            data.pop("until", None)
            for act in data["acts"]:
                act["origin_state"], act["host_country"] = origin, host
            registry.incident_create(
                user=cast.users[who], compartment=cast.compartments[compartment], data=data
            )


@pytest.fixture
def incidents(cast: Any) -> Any:
    record(cast, "analyst", "demo-a", "CN", "TR", 6)
    record(cast, "analyst", "demo-a", "IR", "DE", 7, date="2025-01")
    record(cast, "analyst", "demo-a", "RU", "DE", 2, date="2025-06")
    record(cast, "analyst2", "demo-b", "EG", "FR", 3)
    return cast


def test_staff_see_their_incidents_with_links_charts_and_tables(client_for: Any, incidents: Any) -> None:
    page = client_for("analyst").get("/insight/").content.decode()
    assert "15 incidents match the filters." in page  # demo-b's three are not counted
    assert 'href="/incidents/?origin_state=RU"' in page and "<svg" in page and "<table>" in page
    assert "Egypt: 3" not in page and "origin_state=EG" not in page  # another compartment's
    assert "Incidents by month, by tactic family" in page  # 2024-03 to 2025-06: months
    assert "Cases by state" in page and "Open deadlines and overdue tasks" in page
    filtered = client_for("analyst").get("/insight/?origin_state=CN").content.decode()
    assert "6 incidents match the filters." in filtered
    assert 'href="/incidents/?origin_state=CN&amp;host_country=TR"' in filtered


def test_researchers_count_everything_de_identified_with_complements_withheld(
    client_for: Any, incidents: Any
) -> None:
    c = client_for("researcher")
    page = c.get("/insight/").content.decode()
    assert "18 incidents match the filters." in page  # the organisation's, every compartment
    assert "/incidents/?" not in page and "Cases by state" not in page and "Campaigns" not in page
    rows = list(csv.DictReader(io.StringIO(c.get("/insight/origins.csv").content.decode())))
    shown = {r["code"]: r for r in rows}
    # RU (2) and EG (3) are under 5; nothing is left to recover, since both are withheld.
    assert shown["RU"]["suppressed"] == "True" and shown["RU"]["Incidents"] == ""
    assert shown["EG"]["suppressed"] == "True"
    assert shown["IR"]["Incidents"] == "7" and shown["CN"]["Incidents"] == "6"
    total_visible = sum(int(r["Incidents"]) for r in rows if r["Incidents"])
    assert 18 - total_visible == 5  # the margin gives the two withheld cells together, never one alone
    entry = AuditEntry.objects.filter(event="statistics.downloaded").latest("index")
    assert entry.object_code == "origins" and entry.detail["format"] == "csv"


def test_a_single_small_cell_takes_its_complement_with_it(client_for: Any, cast: Any) -> None:
    record(cast, "analyst", "demo-a", "CN", "TR", 6)
    record(cast, "analyst", "demo-a", "IR", "DE", 7)
    record(cast, "analyst", "demo-a", "RU", "DE", 2)
    rows = list(
        csv.DictReader(io.StringIO(client_for("researcher").get("/insight/origins.csv").content.decode()))
    )
    shown = {r["code"]: r["Incidents"] for r in rows}
    # The total (15) is published: RU alone withheld would be 15 - 6 - 7. CN, the smallest visible, goes too.
    assert shown == {"RU": "", "CN": "", "IR": "7"}


def test_charts_download_as_svg_and_csv_and_bad_requests_are_refused(client_for: Any, incidents: Any) -> None:
    c = client_for("analyst")
    svg = c.get("/insight/hosts.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    assert b"<title>Host countries</title>" in svg.content
    world = c.get("/insight/map-hosts.svg").content.decode()
    assert "Türkiye: 6" in world or "Turkey: 6" in world
    data = c.get("/insight/over_time.csv").content.decode().splitlines()
    assert data[0].startswith("Period,") and any(line.startswith("2024-03,") for line in data)
    assert not AuditEntry.objects.filter(event="statistics.downloaded").exists()  # staff: not a publication
    for path in (
        "/insight/nothing.csv",
        "/insight/hosts.exe",
        "/insight/..%2fhosts.csv",
        "/insight/hosts.csv.svg",
    ):
        assert c.get(path).status_code == 404, path
    for query, field in (
        ("date_from=garbage", "date_from"),
        ("origin_state=ZZ", "origin_state"),
        ("tactic=%00", "tactic"),
    ):
        r = c.get(f"/insight/?{query}")
        assert r.status_code == 400 and field in r.content.decode(), query
        assert c.get(f"/insight/hosts.csv?{query}").status_code == 400


def test_the_dashboard_reads_right_to_left_in_uyghur(client_for: Any, incidents: Any) -> None:
    c = client_for("analyst")
    c.cookies["lr_language"] = "ug"
    page = c.get("/insight/").content.decode()
    assert 'dir="rtl"' in page and "<svg" in page


def test_who_may_see_the_dashboard(client_for: Any, incidents: Any) -> None:
    assert client_for("volunteer").get("/insight/").status_code in (403, 404)
    assert client_for("auditor").get("/insight/").status_code in (403, 404)
    from django.test import Client

    assert Client().get("/insight/").status_code == 302
