"""Legal matters in the browser: a matter recorded on a case, proceedings with their rules, events that
start deadlines, typed deadlines, the case and home pages, the calendar; sealed and scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.legal.models import LegalMatter, Proceeding
from longreach.registry import services as registry
from tests.django.test_messages import case_in

pytestmark = pytest.mark.django_db

MATTER = {
    "kind": "RED_NOTICE",
    "requesting_state": "CN",
    "host_country": "TR",
    "charges": "Organising a terrorist group (Article 120 of the Criminal Law)",
    "charge_category": "TERRORISM",
    "penalty": "10 years",
    "learned_on": "2025-11-02",
    "interpol_ref": "2025/12345",
    "status": "ACTIVE",
    "notes": "Learned at the airport in Istanbul",
}


@pytest.fixture
def case(cast: Any) -> Any:
    made = case_in(cast, "analyst", "demo-a")
    with using_keyring(cast.keyring("analyst")):
        registry.case_assign(user=cast.analyst, case=made, assignees=[cast.analyst])
    return made


def new_matter(client: Any, case: Any, **changes: Any) -> Any:
    return client.post(f"/cases/{case.code}/legal/new/", {**MATTER, **changes}, follow=True)


def test_a_matter_is_recorded_sealed_and_audited(cast: Any, client_for: Any, case: Any) -> None:
    c = client_for("analyst")
    assert "Record a legal matter" in c.get(f"/cases/{case.code}/").content.decode()
    page = new_matter(c, case).content.decode()
    matter = LegalMatter.objects.get()
    assert f"Legal matter {matter.code} recorded." in page and "INTERPOL red notice" in page
    assert "Organising a terrorist group" in page and ("Türkiye" in page or "Turkey" in page)
    with connection.cursor() as cur:
        cur.execute("SELECT charges, penalty, interpol_ref, notes FROM legal_legalmatter")
        stored = b"".join(bytes(c) for row in cur.fetchall() for c in row)
    assert b"terrorist" not in stored and b"12345" not in stored and b"Istanbul" not in stored
    entry = AuditEntry.objects.filter(object_type="legal-matter").latest("index")
    assert entry.object_code == matter.code and "terrorist" not in str(entry.detail)
    edited = c.post(f"/legal/{matter.code}/edit/", {**MATTER, "status": "CHALLENGED"}, follow=True)
    assert "Being challenged" in edited.content.decode()


def test_bad_matters_are_refused_naming_the_field(cast: Any, client_for: Any, case: Any) -> None:
    c = client_for("analyst")
    r = new_matter(c, case, kind="")
    assert r.status_code == 400 and "kind: is required" in r.content.decode()
    assert "requesting_state" in new_matter(c, case, requesting_state="ZZ").content.decode()
    assert "learned_on" in new_matter(c, case, learned_on="yesterday").content.decode()
    assert "charges" in new_matter(c, case, charges="x" * 5_001).content.decode()
    assert not LegalMatter.objects.exists()
    assert "kind" in new_matter(c, case, kind="WITCH_HUNT").content.decode()
    other = case_in(cast, "analyst", "demo-a")
    with using_keyring(cast.keyring("analyst")):
        from tests.django.registry_data import incident_input

        data = incident_input()
        data["case"] = other.code
        incident = registry.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=data
        )
    r = c.post(f"/cases/{case.code}/legal/new/", {**MATTER, "incidents": [incident.code]})
    assert r.status_code == 400 and "not one of this case" in r.content.decode()
    assert not LegalMatter.objects.exists()


def test_deadlines_follow_the_rules_and_events(cast: Any, client_for: Any, case: Any) -> None:
    c = client_for("analyst")
    new_matter(c, case)
    matter = LegalMatter.objects.get()
    r = c.post(
        f"/legal/{matter.code}/proceedings/",
        {"kind": "CCF_DELETION", "forum": "CCF, Lyon", "rules": ["ccf-deletion", "ccf-revision"]},
        follow=True,
    )
    assert "Proceeding added." in r.content.decode()
    proceeding = Proceeding.objects.get()
    assert proceeding.rule_list == ["ccf-deletion", "ccf-revision"]
    c.post(f"/legal/proceedings/{proceeding.code}/events/", {"what": "SUBMITTED", "on": "2025-12-01"})
    page = c.post(
        f"/legal/proceedings/{proceeding.code}/events/",
        {"what": "ADMISSIBLE", "on": "2026-01-15"},
        follow=True,
    ).content.decode()
    assert "2026-10-15" in page and "Article 40(2)" in page  # nine months from admissibility
    assert "overdue" in page  # the CCF has not decided by then (today is later)
    case_page = c.get(f"/cases/{case.code}/").content.decode()
    assert "2026-10-15" in case_page and "overdue" in case_page
    home = c.get("/").content.decode()
    assert "Deadlines on your cases" in home and matter.code in home
    c.post(f"/legal/proceedings/{proceeding.code}/events/", {"what": "DECISION", "on": "2026-11-20"})
    page = c.get(f"/legal/{matter.code}/").content.decode()
    assert "met" in page and "2026-11-20" in page
    assert "Deadlines on your cases" not in c.get("/").content.decode()  # nothing open any more
    typed = c.post(
        f"/legal/proceedings/{proceeding.code}/deadlines/",
        {
            "due": (dt.date.today() + dt.timedelta(days=5)).isoformat(),
            "what": "Reply to the NCB's observations",
        },
        follow=True,
    ).content.decode()
    assert "Deadline added, marked as typed in." in typed and "typed in by a user; no sourced rule" in typed
    calendar = c.get("/legal/calendar.ics")
    body = calendar.content.decode()
    assert "BEGIN:VCALENDAR" in body and "BEGIN:VEVENT" in body and matter.code in body
    assert "NCB" not in body and "terrorist" not in body  # codes only, never what the case is about


def test_bad_proceedings_and_events_are_refused(cast: Any, client_for: Any, case: Any) -> None:
    c = client_for("analyst")
    new_matter(c, case)
    matter = LegalMatter.objects.get()
    r = c.post(
        f"/legal/{matter.code}/proceedings/", {"kind": "CCF_DELETION", "rules": ["ccf-deletoin"]}, follow=True
    )
    assert "ccf-deletoin is not a deadline rule" in r.content.decode()
    r = c.post(f"/legal/{matter.code}/proceedings/", {"kind": "DUEL"}, follow=True)
    assert "kind: must be one of" in r.content.decode()
    assert not Proceeding.objects.exists()
    c.post(f"/legal/{matter.code}/proceedings/", {"kind": "ECHR", "rules": ["echr-application"]})
    proceeding = Proceeding.objects.get()
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = c.post(
        f"/legal/proceedings/{proceeding.code}/events/", {"what": "SUBMITTED", "on": future}, follow=True
    )
    assert "on: is in the future" in r.content.decode()
    r = c.post(
        f"/legal/proceedings/{proceeding.code}/events/",
        {"what": "SUBMITTED", "on": "31/12/2025"},
        follow=True,
    )
    assert "on:" in r.content.decode()
    r = c.post(f"/legal/proceedings/{proceeding.code}/deadlines/", {"due": "", "what": ""}, follow=True)
    assert "due:" in r.content.decode()
    assert not proceeding.events.exists() and not proceeding.typed_deadlines.exists()


def test_another_compartment_and_other_roles_get_nothing(cast: Any, client_for: Any, case: Any) -> None:
    new_matter(client_for("analyst"), case)
    matter = LegalMatter.objects.get()
    for who in ("analyst2", "volunteer", "researcher"):
        c = client_for(who)
        assert c.get(f"/legal/{matter.code}/").status_code == 404
        assert c.post(f"/cases/{case.code}/legal/new/", MATTER).status_code == 404
    assert matter.code not in client_for("analyst2").get("/legal/calendar.ics").content.decode()


def test_an_organisations_own_rules_are_offered_and_computed(
    cast: Any, client_for: Any, case: Any, settings: Any, tmp_path: Any
) -> None:
    ours = tmp_path / "ours.toml"
    ours.write_text(
        '[kz-extradition-appeal]\ntitle = "Kazakhstan: appeal against an extradition decision"\n'
        'period = "15 days"\ncounting = "after"\nruns_from = "decision_served"\nbinds = "filing"\n'
        'source = "Typed from the organisation\'s own counsel; see their memo"\n',
        encoding="utf-8",
    )
    settings.LEGAL_RULES = [ours]
    c = client_for("analyst")
    new_matter(c, case)
    matter = LegalMatter.objects.get()
    assert "kz-extradition-appeal" in c.get(f"/legal/{matter.code}/").content.decode()
    c.post(
        f"/legal/{matter.code}/proceedings/",
        {"kind": "EXTRADITION_APPEAL", "rules": ["kz-extradition-appeal"]},
    )
    proceeding = Proceeding.objects.get()
    page = c.post(
        f"/legal/proceedings/{proceeding.code}/events/",
        {"what": "DECISION_SERVED", "on": "2026-11-30"},
        follow=True,
    ).content.decode()
    assert "2026-12-15" in page and "own counsel" in page


def test_the_api_lists_reads_creates_and_updates_matters_with_deadlines(
    cast: Any, case: Any, api: Any
) -> None:
    import json

    from django.test import Client

    auth = api("analyst")

    def send(method: str, path: str, body: Any) -> Any:
        return getattr(Client(), method)(path, json.dumps(body), content_type="application/json", **auth)

    r = send("post", f"/api/v1/cases/{case.code}/legal-matters", {**MATTER, "incidents": []})
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert r.json()["charges"].startswith("Organising") and r.json()["deadlines"] == []
    r = send(
        "post", f"/api/v1/legal-matters/{code}/proceedings", {"kind": "CCF_ACCESS", "rules": "ccf-access"}
    )
    assert r.status_code == 201
    proceeding = r.json()["proceedings"][0]["code"]
    r = send(
        "post", f"/api/v1/legal-proceedings/{proceeding}/events", {"what": "ADMISSIBLE", "on": "2026-01-31"}
    )
    deadline = r.json()["deadlines"][0]
    assert (
        deadline["due"] == "2026-05-31"
        and deadline["rule"] == "ccf-access"
        and "Article 40(1)" in deadline["source"]
    )
    r = send("put", f"/api/v1/legal-matters/{code}", {**MATTER, "status": "DELETED"})
    assert r.status_code == 200 and r.json()["status"] == "DELETED"
    listed = Client().get("/api/v1/legal-matters", **auth).json()
    assert [m["code"] for m in listed] == [code]
    assert Client().get(f"/api/v1/legal-matters/{code}", **auth).json()["deadlines"][0]["due"] == "2026-05-31"
    # Bad input is named; another compartment's matter is a 404; no token is a 401.
    bad = send("post", f"/api/v1/cases/{case.code}/legal-matters", {**MATTER, "kind": "WITCH_HUNT"})
    assert bad.status_code == 422 and "kind" in bad.content.decode()
    assert (
        send("post", f"/api/v1/cases/{case.code}/legal-matters", {**MATTER, "colour": "red"}).status_code
        == 422
    )
    unknown_rule = send(
        "post", f"/api/v1/legal-matters/{code}/proceedings", {"kind": "ECHR", "rules": "echr"}
    )
    assert unknown_rule.status_code == 422 and "not a deadline rule" in unknown_rule.content.decode()
    assert Client().get(f"/api/v1/legal-matters/{code}", **api("analyst2")).status_code == 404
    assert Client().get("/api/v1/legal-matters", **api("analyst2")).json() == []
    assert Client().get(f"/api/v1/legal-matters/{code}").status_code == 401


def test_the_review_shows_which_grounds_are_met_with_the_evidence(
    cast: Any, client_for: Any, case: Any
) -> None:
    from longreach.legal.models import ReviewAnswer

    c = client_for("analyst")
    new_matter(c, case)
    matter = LegalMatter.objects.get()
    page = c.get(f"/legal/{matter.code}/review/").content.decode()
    assert "Article 3" in page and "Not met on these answers" in page and "1,270 of 23,716" in page
    assert "refugee" in page.lower()  # the refugee policy applies to a red notice
    r = c.post(
        f"/legal/{matter.code}/review/",
        {
            "answer:article-3.peaceful-activity": "yes",
            "evidence:article-3.peaceful-activity": "Charged for a WeChat post about a mosque",
            "answer:minimum-criteria.penalty-threshold": "yes",
            "answer:refugee-policy.refugee-status": "unknown",
        },
        follow=True,
    )
    page = r.content.decode()
    assert "2 answer(s) saved." in page
    met = page.split("<h2>Grounds</h2>", 1)[1].split("</ul>", 1)[0]
    assert "<strong>Met</strong>: Predominantly political" in met
    assert "Met</strong>: Does not meet the minimum criteria" not in met  # the penalty threshold is met
    with connection.cursor() as cur:
        cur.execute("SELECT evidence FROM legal_reviewanswer")
        assert b"mosque" not in b"".join(bytes(row[0]) for row in cur.fetchall())
    c.post(f"/legal/{matter.code}/review/", {"answer:article-3.peaceful-activity": "no"})
    assert ReviewAnswer.objects.count() == 3  # a changed answer is a new row; the earlier one stays
    bad = c.post(f"/legal/{matter.code}/review/", {"answer:article-3.peaceful-activity": "maybe"})
    assert bad.status_code == 400 and "answer yes, no or not known" in bad.content.decode()
    bad = c.post(f"/legal/{matter.code}/review/", {"answer:article-99.x": "yes"})
    assert bad.status_code == 400 and "not a question of the review" in bad.content.decode()
    assert client_for("analyst2").get(f"/legal/{matter.code}/review/").status_code == 404


def test_published_counts_of_matters_suppress_small_cells(cast: Any, case: Any) -> None:
    import csv
    import io

    from django.core.management.base import CommandError

    from longreach.legal import services
    from tests.conftest import PASSWORD
    from tests.django.test_commands import run

    with using_keyring(cast.keyring("analyst")):
        for _ in range(12):
            services.matter_create(user=cast.analyst, case=case, data={**MATTER, "charges": "secret"})
        for _ in range(2):
            services.matter_create(
                user=cast.analyst,
                case=case,
                data={"kind": "DIFFUSION", "requesting_state": "TJ", "host_country": "RU"},
            )
    out = run("legal_stats", "--user", "researcher", "--password-stdin", stdin=PASSWORD + "\n")
    table = list(csv.DictReader(io.StringIO(out.strip())))
    rows = {(r["requesting_state"].strip(), r["host_country"].strip()): r for r in table}
    assert rows[("TJ", "RU")]["diffusion"] == "suppressed" and rows[("ALL", "ALL")]["matters"] == "14"
    assert "secret" not in out
    # No line with exactly one hidden cell: it could be recovered from the line's total.
    columns = [c for c in table[0] if c not in ("requesting_state", "host_country")]
    for row in table:
        assert sum(row[c] == "suppressed" for c in columns) != 1
    for column in columns:
        assert sum(row[column] == "suppressed" for row in table) != 1
    with pytest.raises(CommandError, match="at least 1"):
        run(
            "legal_stats",
            "--user",
            "researcher",
            "--threshold",
            "0",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
    with pytest.raises(CommandError, match="cannot see statistics"):
        run("legal_stats", "--user", "volunteer", "--password-stdin", stdin=PASSWORD + "\n")
