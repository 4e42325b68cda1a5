"""Screening in the browser and on the command line: lists imported whole or not at all, batches
screened against lists and the records, hits reviewed and exported, other compartments' leads asked;
names sealed throughout."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import connection

from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.registry import services as registry
from longreach.screening.models import LeadQuestion, Review, Screening, Watchlist
from tests.conftest import PASSWORD
from tests.django.registry_data import incident_input
from tests.django.test_commands import run

pytestmark = pytest.mark.django_db

LIST_CSV = (
    "id,name,aliases,birth_date,nationality\n"
    "UN-1,Chen Quanguo,Ch'en Ch'üan-kuo,1955-11,CN\n"
    "UN-2,Ramzan Kadyrov,Рамзан Кадыров,1976-10-05,RU\n"
    "UN-3,Muhammad Ali Hassan,,1970,SY\n"
)
BATCH_CSV = (
    "id,name,birth_date,nationality\n"
    "a1,陈全国,1955-11-05,CN\n"
    "a2,Кадыров Рамзан,1976-10-05,RU\n"
    "a3,Jane Doe,,\n"
    'a4,=HYPERLINK("http://x"),,\n'
)


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def import_list(client: Any, text: str = LIST_CSV, **extra: Any) -> Any:
    data = {"compartment": "demo-a", "title": "UN test list", "file": upload("list.csv", text), **extra}
    return client.post("/screening/lists/import/", data, follow=True)


def perpetrator(cast: Any, who: str, compartment: str, name: str) -> None:
    data = incident_input()
    data["acts"][0]["perpetrators"] = [{"new_person": {"name": name}, "perpetrator_type": "ORIGIN_POLICE"}]
    with using_keyring(cast.keyring(who)):
        registry.incident_create(user=cast.users[who], compartment=cast.compartments[compartment], data=data)


def raw(table: str, *columns: str) -> bytes:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608 (test: fixed names)
        return b"".join(bytes(c) if c is not None else b"" for row in cur.fetchall() for c in row)


def test_a_list_is_imported_whole_sealed_refreshed_and_retired(cast: Any, client_for: Any) -> None:
    c = client_for("analyst")
    dry = import_list(c, dry_run="on")
    assert "Dry run: 5 names of 3 people read" in dry.content.decode()
    assert not Watchlist.objects.exists()
    bad = import_list(c, LIST_CSV + "UN-4,Someone,,19-7,XX\n")
    assert "list.csv: line 5: birth_date" in bad.content.decode()
    assert not Watchlist.objects.exists()  # nothing of a bad file is kept
    page = import_list(c, source="https://example.org/un.xml", listed_on="2026-11-30").content.decode()
    watchlist = Watchlist.objects.get()
    assert "Imported: 5 names of 3 people" in page and watchlist.code in page
    assert "Рамзан Кадыров" in page  # the list's page shows its first names to its members
    stored = raw("screening_watchlist", "title", "source", "entries")
    assert b"Kadyrov" not in stored and b"UN test list" not in stored and b"example.org" not in stored
    assert watchlist.listed_on.isoformat() == "2026-11-30"
    refreshed = c.post(
        f"/screening/lists/{watchlist.code}/refresh/",
        {
            "file": upload(
                "list.csv", LIST_CSV.replace("UN-3,Muhammad Ali Hassan,,1970,SY\n", "UN-9,Dolkun Isa,,,DE\n")
            )
        },
        follow=True,
    ).content.decode()
    assert "Refreshed: 5 names of 3 people; 1 added, 1 removed." in refreshed
    watchlist.refresh_from_db(fields=["version"])
    assert watchlist.version == 2
    imports = AuditEntry.objects.filter(object_code=watchlist.code, event="records.imported")
    assert imports.count() == 2 and "Kadyrov" not in json.dumps([e.detail for e in imports])
    c.post(f"/screening/lists/{watchlist.code}/retire/")
    watchlist.refresh_from_db(fields=["retired_at"])
    assert watchlist.retired_at is not None
    assert "Refresh from a newer file" not in c.get(f"/screening/lists/{watchlist.code}/").content.decode()


def test_bad_list_uploads_are_named_and_nothing_is_kept(cast: Any, client_for: Any, settings: Any) -> None:
    c = client_for("analyst")
    no_name = import_list(c, "id,label\n1,x\n").content.decode()
    assert "no &#x27;name&#x27; column" in no_name
    not_utf8 = c.post(
        "/screening/lists/import/",
        {
            "compartment": "demo-a",
            "title": "t",
            "file": SimpleUploadedFile("l.csv", "name\nJosé\n".encode("latin-1")),
        },
        follow=True,
    ).content.decode()
    assert "not UTF-8" in not_utf8
    hostile_xml = import_list(
        c, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><CONSOLIDATED_LIST/>', kind="un"
    )
    assert "refused" in hostile_xml.content.decode() or "not the UN list" in hostile_xml.content.decode()
    untitled = import_list(c, title="  ").content.decode()
    assert "give the list a title" in untitled
    elsewhere = import_list(c, compartment="demo-b").content.decode()
    assert "Choose a compartment you may keep lists in." in elsewhere
    settings.SCREENING_MAX_LIST_BYTES = 100
    too_big = import_list(c).content.decode()
    assert "too large" in too_big.lower() or "larger" in too_big.lower()
    assert not Watchlist.objects.exists()


def screen(client: Any, text: str = BATCH_CSV, **extra: Any) -> Any:
    data = {"compartment": "demo-a", "registry": "on", "file": upload("batch.csv", text), **extra}
    return client.post("/screening/new/", data, follow=True)


def test_a_batch_is_screened_reviewed_and_exported(cast: Any, client_for: Any) -> None:
    perpetrator(cast, "analyst", "demo-a", "Chen Quanguo")
    c = client_for("analyst")
    import_list(c)
    watchlist = Watchlist.objects.get()
    page = screen(c, watchlist=watchlist.code).content.decode()
    screening = Screening.objects.get()
    assert "4 names screened; 2 with a hit." in page
    with using_keyring(cast.keyring("analyst")):
        rows = {r["ref"]: r for r in Screening.objects.get().rows}
    sources = sorted(h["source"] for h in rows["a1"]["hits"])
    assert sources == sorted(["registry", watchlist.code])  # the record and the list
    listed = next(h for h in rows["a2"]["hits"] if h["source"] == watchlist.code)
    assert listed["ref"] == "UN-2" and "same birth date" in listed["adjustments"]
    assert rows["a3"]["hits"] == [] and rows["a4"]["hits"] == []
    # The record's name is never copied into the screening: only its code.
    registry_hit = next(h for h in rows["a1"]["hits"] if h["source"] == "registry")
    assert set(registry_hit) == {"key", "source", "code", "kind", "score", "screened_as"}
    assert b"Kadyrov" not in raw("screening_screening", "rows", "title")
    # The page explains each hit through which key its parts met.
    assert "pinyin" in page and "the same birth date" in page
    key = listed["key"]
    c.post(f"/screening/{screening.code}/review/", {"row": 2, "hit": key, "decision": "unsure"})
    c.post(
        f"/screening/{screening.code}/review/",
        {"row": 2, "hit": key, "decision": "match", "reason": "same passport number"},
    )
    assert [r.decision for r in Review.objects.order_by("at")] == ["unsure", "match"]  # kept, not overwritten
    detail = c.get(f"/screening/{screening.code}/").content.decode()
    assert "Earlier reviews" in detail
    bad = c.post(
        f"/screening/{screening.code}/review/", {"row": 2, "hit": key, "decision": "maybe"}, follow=True
    )
    assert "decision: match, no match or unsure" in bad.content.decode()
    missing = c.post(
        f"/screening/{screening.code}/review/", {"row": 99, "hit": key, "decision": "match"}, follow=True
    )
    assert "row 99 is not in this screening" in missing.content.decode()
    export = c.get(f"/screening/{screening.code}/export.csv")
    body = export.content.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(body)))
    matched = next(line for line in lines if line["hit_ref"] == "UN-2")
    assert matched["decision"] == "match" and matched["reason"] == "same passport number"
    hostile = next(line for line in lines if line["id"] == "a4")
    assert hostile["name"].startswith("'=")  # a formula in a screened name is made inert
    assert AuditEntry.objects.filter(object_type="screening", event="records.exported").exists()


def test_bad_batches_get_clear_errors_and_nothing_is_kept(cast: Any, client_for: Any, settings: Any) -> None:
    c = client_for("analyst")
    assert "line 3: nationality" in screen(c, "name,nationality\nA B,CN\nC D,Narnia\n").content.decode()
    assert (
        "no name to screen"
        in c.post(
            "/screening/new/", {"compartment": "demo-a", "registry": "on", "names": " \n "}, follow=True
        ).content.decode()
    )
    assert "threshold: a number between 0.5 and 1" in screen(c, threshold="high").content.decode()
    assert "threshold: between 0.5 and 1" in screen(c, threshold="0.1").content.decode()
    assert (
        "choose a list to screen against"
        in c.post("/screening/new/", {"compartment": "demo-a", "names": "A B"}, follow=True).content.decode()
    )
    assert "Choose a compartment you may screen in." in screen(c, compartment="demo-b").content.decode()
    assert "A chosen list is not available" in screen(c, watchlist="NOPE-1").content.decode()
    long_name = c.post(
        "/screening/new/", {"compartment": "demo-a", "registry": "on", "names": "x" * 301}, follow=True
    ).content.decode()
    assert "line 1: a name is at most 300 characters" in long_name

    settings.SCREENING_MAX_WEB_NAMES = 2
    assert "at most 2 in one screening; split the batch" in screen(c).content.decode()
    settings.SCREENING_MAX_BATCH_BYTES = 50
    assert "larger" in screen(c).content.decode().lower() or "too large" in screen(c).content.decode().lower()
    assert not Screening.objects.exists()


def test_a_list_of_another_compartment_cannot_be_used(cast: Any, client_for: Any) -> None:
    import_list(client_for("analyst"))
    watchlist = Watchlist.objects.get()
    other = client_for("analyst2")
    assert other.get(f"/screening/lists/{watchlist.code}/").status_code == 404
    page = other.post(
        "/screening/new/",
        {"compartment": "demo-b", "registry": "on", "names": "Chen Quanguo", "watchlist": watchlist.code},
        follow=True,
    ).content.decode()
    assert "A chosen list is not available" in page


def test_roles_without_screening_get_no_page(cast: Any, client_for: Any) -> None:
    for who in ("volunteer", "researcher", "auditor"):
        c = client_for(who)
        assert c.get("/screening/").status_code in (403, 404)
        assert c.post("/screening/new/", {"names": "x"}).status_code in (403, 404)
    import_list(client_for("analyst"))
    screen(client_for("analyst"))
    code = Screening.objects.get().code
    assert client_for("analyst2").get(f"/screening/{code}/").status_code == 404  # another compartment's


def test_a_match_elsewhere_is_asked_of_its_leads_who_answer_in_one_word(cast: Any, client_for: Any) -> None:
    perpetrator(cast, "analyst", "demo-a", "陈全国")
    asker = client_for("analyst2")  # a member of demo-b only
    page = asker.post(
        "/screening/new/", {"compartment": "demo-b", "registry": "on", "names": "Chen Quanguo"}, follow=True
    ).content.decode()
    assert "1 record in a compartment you cannot read also matches." in page
    screening = Screening.objects.get()
    asked = asker.post(f"/screening/{screening.code}/ask/", {"row": 1}, follow=True).content.decode()
    assert "their answers appear here" in asked and "Asked; no answer yet." in asked
    question = LeadQuestion.objects.get()
    record = question.person
    assert record is not None and record.code not in asked and "陈全国" not in asked
    lead = client_for("lead")
    inbox = lead.get("/screening/").content.decode()
    assert record.code in inbox and "Questions from other compartments" in inbox
    lead.post(f"/screening/questions/{question.code}/answer/", {"answer": "not_same"})
    question.refresh_from_db()
    assert question.answer == "not_same"
    after = asker.get(f"/screening/{screening.code}/").content.decode()
    assert "answered: Not the same person" in after and record.code not in after
    # The asker cannot answer, nor can anyone outside the record's compartment.
    assert asker.post(f"/screening/questions/{question.code}/answer/", {"answer": "same"}).status_code == 404
    bad = lead.post(f"/screening/questions/{question.code}/answer/", {"answer": "perhaps"}, follow=True)
    assert "answer: the same person, not the same, or talk" in bad.content.decode()
    again = asker.post(f"/screening/{screening.code}/ask/", {"row": 1}, follow=True)
    assert LeadQuestion.objects.count() == 1 and again.status_code == 200  # asked once per record
    nothing = asker.post(f"/screening/{screening.code}/ask/", {"row": 7}, follow=True).content.decode()
    assert "row 7 is not in this screening" in nothing


def test_the_commands_import_list_refresh_retire_and_screen(cast: Any, tmp_path: Any) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(LIST_CSV, encoding="utf-8")
    stdin = PASSWORD + "\n"
    who = ("--user", "analyst", "--password-stdin")
    out = run(
        "watchlist",
        "import",
        str(listed),
        "--compartment",
        "demo-a",
        "--title",
        "UN",
        "--dry-run",
        *who,
        stdin=stdin,
    )
    assert "5 names of 3 people" in out and "dry run" in out and not Watchlist.objects.exists()
    run("watchlist", "import", str(listed), "--compartment", "demo-a", "--title", "UN", *who, stdin=stdin)
    code = Watchlist.objects.get().code
    assert code in run("watchlist", "list", *who, stdin=stdin)
    Watchlist.objects.filter(code=code).update(code="-dash-first")  # a code may start with "-"
    code = "-dash-first"
    assert "0 added, 0 removed; now version 2" in run(
        "watchlist", "refresh", f"--list={code}", str(listed), *who, stdin=stdin
    )
    batch = tmp_path / "batch.csv"
    batch.write_text(BATCH_CSV, encoding="utf-8")
    out = run("screen", str(batch), "--compartment", "demo-a", f"--watchlist={code}", *who, stdin=stdin)
    rows = {r["id"]: r for r in (json.loads(line) for line in out.splitlines())}
    assert rows["a2"]["hits"][0]["ref"] == "UN-2" and rows["a2"]["hits"][0]["why"]["pairs"]
    assert Screening.objects.count() == 1  # kept, to be reviewed in the browser
    with pytest.raises(CommandError, match="need --compartment"):
        run("screen", str(batch), f"--watchlist={code}", *who, stdin=stdin)
    with pytest.raises(CommandError, match="no current watchlist NOPE"):
        run("screen", str(batch), "--compartment", "demo-a", "--watchlist", "NOPE", *who, stdin=stdin)
    with pytest.raises(CommandError, match="line 2: birth_date"):
        bad = tmp_path / "bad.csv"
        bad.write_text("name,birth_date\nA B,yesterday\n", encoding="utf-8")
        run("watchlist", "import", str(bad), "--compartment", "demo-a", "--title", "x", *who, stdin=stdin)
    with pytest.raises(CommandError, match="no compartment 'demo-b'"):
        run("watchlist", "import", str(listed), "--compartment", "demo-b", "--title", "x", *who, stdin=stdin)
    with pytest.raises(CommandError, match="not a date"):
        run("watchlist", "refresh", f"--list={code}", str(listed), "--listed-on", "soon", *who, stdin=stdin)
    assert "retired" in run("watchlist", "retire", f"--list={code}", *who, stdin=stdin)
    with pytest.raises(CommandError, match="retired"):
        run("watchlist", "refresh", f"--list={code}", str(listed), *who, stdin=stdin)
    with pytest.raises(CommandError, match="no watchlist 'NOPE'"):
        run("watchlist", "retire", "--list=NOPE", *who, stdin=stdin)


def test_the_api_screens_keeps_reads_and_reviews(cast: Any, client_for: Any, api: Any) -> None:
    from django.test import Client

    import_list(client_for("analyst"))
    code = Watchlist.objects.get().code
    auth = api("analyst")

    def post(path: str, body: Any) -> Any:
        return Client().post(path, json.dumps(body), content_type="application/json", **auth)

    body = {
        "names": [{"id": "a2", "name": "Кадыров Рамзан", "birth_date": "1976-10-05", "nationality": ["RU"]}],
        "compartment": "demo-a",
        "watchlists": [code],
    }
    r = post("/api/v1/screenings", body)
    assert r.status_code == 200, r.content
    kept = r.json()
    hit = kept["results"][0]["hits"][0]
    assert hit["ref"] == "UN-2" and "same birth date" in hit["adjustments"] and hit["why"]["pairs"]
    read = Client().get(f"/api/v1/screenings/{kept['screening']}", **auth).json()
    assert read["results"][0]["hits"][0]["key"] == hit["key"]
    reviewed = post(
        f"/api/v1/screenings/{kept['screening']}/reviews",
        {"row": 1, "hit": hit["key"], "decision": "no_match"},
    )
    assert reviewed.json() == {"row": 1, "hit": hit["key"], "decision": "no_match"}
    again = Client().get(f"/api/v1/screenings/{kept['screening']}", **auth).json()
    assert again["results"][0]["hits"][0]["decision"] == "no_match"
    assert (
        post(
            f"/api/v1/screenings/{kept['screening']}/reviews", {"row": 1, "hit": "x", "decision": "yes"}
        ).status_code
        == 422
    )
    assert (
        post(
            f"/api/v1/screenings/{kept['screening']}/reviews", {"row": 1, "hit": "x", "decision": "match"}
        ).status_code
        == 400
    )
    no_compartment = post("/api/v1/screenings", {**body, "compartment": ""})
    assert no_compartment.status_code == 400 and "need a compartment" in no_compartment.json()["detail"]
    assert post("/api/v1/screenings", {**body, "compartment": "demo-b"}).status_code == 404
    unknown_list = post("/api/v1/screenings", {**body, "watchlists": ["NOPE"]})
    assert unknown_list.status_code == 400
    bad_country = post("/api/v1/screenings", {**body, "names": [{"name": "A B", "nationality": ["Narnia"]}]})
    assert bad_country.status_code == 400 and "names[0].nationality" in bad_country.json()["detail"]
    assert (
        post("/api/v1/screenings", {**body, "names": [{"name": "A B", "birth_date": "soon"}]}).status_code
        == 422
    )
    assert (
        post("/api/v1/screenings", {**body, "names": [{"name": "A", "aliases": ["x"] * 21}]}).status_code
        == 422
    )
    assert Client().get(f"/api/v1/screenings/{kept['screening']}", **api("analyst2")).status_code == 404


def test_a_record_elsewhere_counts_only_when_tokens_meet_its_own_parts_too(cast: Any) -> None:
    # It cannot be scored (its name stays sealed): "Jane Doe" run together has the consonants of
    # "County", one part of four, which is not a match; the same man in Cyrillic is.
    data = incident_input()
    data["acts"][0]["perpetrators"] = [
        {"new_organisation": {"name": "County public security bureau"}, "perpetrator_type": "ORIGIN_POLICE"},
        {"new_person": {"name": "Рамзан Кадыров"}, "perpetrator_type": "ORIGIN_POLICE"},
    ]
    with using_keyring(cast.keyring("analyst2")):
        registry.incident_create(user=cast.analyst2, compartment=cast.compartments["demo-b"], data=data)
    from longreach.registry import name_tokens

    with using_keyring(cast.keyring("analyst")):
        assert name_tokens.screen_perpetrators(user=cast.analyst, name="Jane Doe").elsewhere == 0
        assert name_tokens.screen_perpetrators(user=cast.analyst, name="Ramzan Kadyrov").elsewhere == 1
