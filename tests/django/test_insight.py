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
    assert shown["RU"]["suppressed"] == "True" and shown["RU"]["Incidents"] == ""  # 2 and 3: withheld
    assert shown["EG"]["suppressed"] == "True"
    withheld = [r for r in rows if r["suppressed"] == "True"]
    assert len(withheld) != 1  # with the total published, one alone would be given away
    r = c.get("/insight/?date_from=2024-01-01")
    assert r.status_code == 400 and "cut only by origin state" in r.content.decode()
    sliced = c.get("/insight/?origin_state=IR").content.decode()
    assert "/incidents/?" not in sliced
    entry = AuditEntry.objects.filter(event="statistics.downloaded").latest("index")
    assert entry.object_code == "origins" and entry.detail["format"] == "csv"


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


def test_the_statistics_api_groups_suppresses_and_cannot_be_undone_from_margins(cast: Any, api: Any) -> None:
    from itertools import combinations

    from django.test import Client

    record(cast, "analyst", "demo-a", "CN", "TR", 30, date="2024-02")
    record(cast, "analyst", "demo-a", "IR", "DE", 20, date="2025-01")
    record(cast, "analyst", "demo-a", "RU", "DE", 2, date="2025-06")
    c = Client()
    auth = api("researcher")
    both = c.get("/api/v1/statistics?group_by=origin_state,host_country", **auth).json()
    assert both["threshold"] == 5 and both["group_by"] == ["origin_state", "host_country"]
    cells = {(r["origin_state"], r["host_country"]): r for r in both["rows"]}
    assert cells[("RU", "DE")] == {
        "origin_state": "RU",
        "host_country": "DE",
        "count": None,
        "suppressed": True,
    }
    assert cells[("IR", "DE")]["suppressed"] is True  # RU alone would be DE's margin minus IR's cell
    assert cells[("CN", "TR")]["count"] == 30
    # The attack: every query over the three additive dimensions, then every line of cells that share all
    # coordinates but one, with its margin from the coarser query; subtracting the visible cells from the
    # margin must never leave exactly one withheld count.
    dims = ("origin_state", "host_country", "year")
    seen: dict[tuple[Any, ...], int | None] = {}
    for n in (1, 2, 3):
        for group in combinations(dims, n):
            for row in c.get(f"/api/v1/statistics?group_by={','.join(group)}", **auth).json()["rows"]:
                seen[tuple(row.get(d, "*") for d in dims)] = row["count"]
    assert len(seen) > 10
    for key in seen:
        for d in range(3):
            if key[d] == "*":
                continue
            line = {
                k: v
                for k, v in seen.items()
                if k[d] != "*" and all(k[j] == key[j] for j in range(3) if j != d)
            }
            margin = seen.get(key[:d] + ("*",) + key[d + 1 :], "absent")
            withheld = [k for k, v in line.items() if v is None]
            if margin not in (None, "absent") and len(withheld) == 1:
                pytest.fail(f"{withheld[0]} = {margin} - the rest of its line")
    years = c.get("/api/v1/statistics?group_by=year,tactic_family&k=6", **auth).json()
    assert years["threshold"] == 6 and {r["tactic_family"] for r in years["rows"]} <= {
        "DIRECT_ATTACK",
        "CO_OPTING",
        "MOBILITY",
        "THREAT_AT_DISTANCE",
    }
    assert AuditEntry.objects.filter(event="statistics.downloaded", object_code="year:tactic_family").exists()
    sliced = c.get("/api/v1/statistics?group_by=host_country&origin_state=CN", **auth).json()
    assert sliced["rows"] == [{"host_country": "TR", "count": 30, "suppressed": False}]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=", "group_by"),
        ("group_by=name", "group_by"),
        ("group_by=year,year", "group_by"),
        ("group_by=year&k=2", "k"),
        ("group_by=year&origin_state=ZZ", "origin_state"),
        ("group_by=year&date_from=2024-01-01", "date_from"),
        ("group_by=year&year=20x4", "year"),
        ("group_by=year&year=2024", "year"),
        ("group_by=origin_state&tactic_family=%3Cscript%3E", "tactic_family"),
        ("group_by=year&nonsense=1", "nonsense"),
        ("group_by=" + "year," * 2000, "group_by"),
    ],
)
def test_bad_statistics_requests_name_the_field(api: Any, incidents: Any, query: str, field: str) -> None:
    from django.test import Client

    r = Client().get(f"/api/v1/statistics?{query}", **api("researcher"))
    assert r.status_code == 422 and field in r.content.decode()


def test_statistics_are_for_researchers_and_staff_only(api: Any, incidents: Any) -> None:
    from django.test import Client

    assert Client().get("/api/v1/statistics?group_by=year", **api("auditor")).status_code == 404
    assert Client().get("/api/v1/statistics?group_by=year").status_code == 401
    own = Client().get("/api/v1/statistics?group_by=origin_state", **api("analyst2")).json()
    assert {r["origin_state"] for r in own["rows"]} == {"EG"}  # staff count their own compartments
    assert own["rows"][0]["suppressed"] is True  # three incidents: fewer than five


def test_a_wave_of_incidents_is_found_stored_once_and_shown_to_the_leads(cast: Any, client_for: Any) -> None:
    import datetime as dt
    import io as stdio

    from django.core.management import call_command

    from longreach.insight import services as insight
    from longreach.insight.models import SurgeAlert

    today = dt.date(2026, 12, 7)
    # A quiet two years (one incident every five weeks), then eight in the last week.
    for k in range(2, 100, 5):
        day = today - dt.timedelta(weeks=k)
        record(cast, "analyst", "demo-a", "CN", "TR", 1, date=day.isoformat())
    record(
        cast,
        "analyst",
        "demo-a",
        "CN",
        "TR",
        8,
        date=(today - dt.timedelta(days=today.weekday())).isoformat(),
    )
    found = insight.watch(today=today)
    assert {(a.origin_state, a.host_country, a.tactic_family) for a in found.new} == {
        ("CN", "TR", ""),
        ("CN", "TR", "THREAT_AT_DISTANCE"),
        ("CN", "TR", "DIRECT_ATTACK"),  # the test incident's acts: a threat and a detention
    }
    alert = next(a for a in found.new if a.tactic_family == "")
    assert alert.observed == 8 and alert.expected < 1 and alert.week.weekday() == 0
    assert list(alert.compartments.values_list("slug", flat=True)) == ["demo-a"]
    assert insight.watch(today=today).new == []  # stored once
    out = stdio.StringIO()
    call_command("insight", "surges", stdout=out)
    assert "series of 156 weeks judged" in out.getvalue()
    assert AuditEntry.objects.filter(event="insight.surge").count() == 3
    assert "Surges in your compartments" in client_for("lead").get("/insight/").content.decode()
    # The analyst is not a lead; analyst2 leads demo-b, which had no part in it.
    assert "Surges in your compartments" not in client_for("analyst").get("/insight/").content.decode()
    assert "Surges in your compartments" not in client_for("analyst2").get("/insight/").content.decode()
    assert SurgeAlert.objects.count() == 3


def test_the_surge_command_refuses_a_bad_window(cast: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--weeks"):
        call_command("insight", "surges", "--weeks", "3")


def test_charts_and_maps_download_as_png(client_for: Any, incidents: Any) -> None:
    c = client_for("analyst")
    for name in ("hosts", "over_time", "map-hosts"):
        r = c.get(f"/insight/{name}.png?origin_state=CN")
        assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.content[:4] == b"\x89PNG"
    assert c.get("/insight/hosts.gif").status_code == 404
