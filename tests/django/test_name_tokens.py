"""Likely duplicates through keyed name tokens: found across scripts, shown by code, never by name."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from longreach.keys.context import using_keyring
from longreach.registry import services
from longreach.registry.models import NameToken, Person

pytestmark = pytest.mark.django_db


def person(cast: Any, who: str, compartment: str, **data: Any) -> Person:
    with using_keyring(cast.keyring(who)):
        return services.person_create(
            user=cast.users[who], compartment=cast.compartments[compartment], data=data
        )


def likely_section(client: Any, code: str) -> str:
    page = client.get(f"/people/{code}/").content.decode()
    start = page.find('class="notice likely-same"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_the_same_person_in_another_script_is_shown_by_code_on_the_page(cast: Any, client_for: Any) -> None:
    latin = person(cast, "analyst", "demo-a", name="Ilham Tohti")
    uyghur = person(cast, "analyst", "demo-a", name="ئىلھام توختى")
    other = person(cast, "analyst", "demo-a", name="Ilham Aliyev")
    section = likely_section(client_for("analyst"), latin.code)
    assert uyghur.code in section and "the name (score" in section
    assert other.code not in section  # another man with the same given name
    assert "Ilham" not in section and "ئىلھام" not in section  # codes only: identities stay sealed


def test_the_same_phone_number_or_an_alias_shows_too(cast: Any, client_for: Any) -> None:
    first = person(cast, "analyst", "demo-a", name="Dilnur A.", phone="+90 532 111 22 33")
    second = person(cast, "analyst", "demo-a", name="D. Abdulla", phone="+90 532 111 22 33")
    third = person(cast, "analyst", "demo-a", name="Someone Else", aliases=["Чэнь Цюаньго"])
    fourth = person(cast, "analyst", "demo-a", name="陈全国")
    c = client_for("analyst")
    assert second.code in likely_section(c, first.code) and "the same phone number" in likely_section(
        c, first.code
    )
    assert third.code in likely_section(c, fourth.code)  # through an alias in Russian (Palladius) spelling


def test_a_match_in_a_compartment_the_user_cannot_read_is_only_counted(cast: Any, client_for: Any) -> None:
    mine = person(cast, "analyst", "demo-a", name="Ramzan Kadyrov")
    theirs = person(cast, "analyst2", "demo-b", name="Рамзан Кадыров")
    section = likely_section(client_for("analyst"), mine.code)
    assert theirs.code not in section
    assert "1 record in a compartment you cannot read also matches" in section


def test_tokens_are_keyed_hashes_and_follow_the_name(cast: Any) -> None:
    p = person(cast, "analyst", "demo-a", name="Chen Quanguo", aliases=["陈全国"])
    before = set(NameToken.objects.filter(person=p).values_list("token", flat=True))
    assert before and all(len(t) == 32 and int(t, 16) >= 0 for t in before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM registry_nametoken")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert not any(word in stored for word in ("chen", "quan", "guo", "陈"))
    with using_keyring(cast.keyring("analyst")):
        services.person_update(user=cast.analyst, person=p, data={"name": "Zhu Hailun", "aliases": []})
    after = set(NameToken.objects.filter(person=p).values_list("token", flat=True))
    assert after and not after & before  # the old name can no longer be found


def test_tokens_can_be_remade_for_a_compartment_by_a_member(cast: Any) -> None:
    from tests.conftest import PASSWORD
    from tests.django.test_commands import run

    p = person(cast, "analyst", "demo-a", name="Chen Quanguo")
    NameToken.objects.filter(person=p).delete()  # as after a rotation of the linkage key
    out = run(
        "reindex_names",
        "--compartment",
        "demo-a",
        "--user",
        "analyst",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert "remade the name tokens of" in out and NameToken.objects.filter(person=p).exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a member|your role"):
        run(
            "reindex_names",
            "--compartment",
            "demo-b",
            "--user",
            "analyst",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
    with pytest.raises(CommandError, match="no compartment"):
        run(
            "reindex_names",
            "--compartment",
            "nope",
            "--user",
            "analyst",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )


def test_the_incident_page_says_when_one_of_its_people_may_already_be_in_the_records(
    cast: Any, client_for: Any
) -> None:
    from tests.django.registry_data import incident_input

    known = person(cast, "analyst", "demo-a", name="Dolkun Isa")
    data = incident_input()
    data["acts"][0]["targets"] = [{"new_person": {"name": "دولقۇن ئەيسا"}}]
    with using_keyring(cast.keyring("analyst")):
        incident = services.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=data
        )
    page = client_for("analyst").get(f"/incidents/{incident.code}/").content.decode()
    start = page.find('class="notice likely-same"')
    notice = page[start : page.find("</div>", start)]
    assert start >= 0 and known.code in notice and "Dolkun" not in notice


def test_screening_a_list_against_the_perpetrators_in_the_records(cast: Any, tmp_path: Any) -> None:
    import json

    from django.core.management.base import CommandError

    from longreach.audit.models import AuditEntry
    from tests.conftest import PASSWORD
    from tests.django.registry_data import incident_input
    from tests.django.test_commands import run

    for who, compartment, name in (("analyst", "demo-a", "陈全国"), ("analyst2", "demo-b", "Рамзан Кадыров")):
        data = incident_input()
        data["acts"][0]["perpetrators"] = [
            {"new_person": {"name": name}, "perpetrator_type": "ORIGIN_POLICE"}
        ]
        with using_keyring(cast.keyring(who)):
            services.incident_create(
                user=cast.users[who], compartment=cast.compartments[compartment], data=data
            )
    victim = person(cast, "analyst", "demo-a", name="Chen Quanguo")  # a target, not a perpetrator
    batch = tmp_path / "applicants.csv"
    batch.write_text("id,name\na1,Ch'en Ch'üan-kuo\na2,Ramzan Kadyrov\na3,Jane Doe\n", encoding="utf-8")
    out = run("screen", str(batch), "--user", "analyst", "--password-stdin", stdin=PASSWORD + "\n")
    rows = {r["id"]: r for r in (json.loads(line) for line in out.splitlines())}
    assert [h["kind"] for h in rows["a1"]["hits"]] == ["person"]
    assert rows["a1"]["hits"][0]["code"] != victim.code  # only perpetrators are screened
    assert rows["a2"]["hits"] == [] and rows["a2"]["elsewhere"] == 1  # counted, never named
    assert rows["a3"]["hits"] == [] and rows["a3"]["elsewhere"] == 0
    assert "Кадыров" not in out  # the record elsewhere is neither named nor coded
    entry = AuditEntry.objects.filter(object_type="screening").latest("index")
    assert entry.detail == {"names": 3, "with_hits": 2}
    csv_out = run(
        "screen", str(batch), "--user", "analyst", "--csv", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert csv_out.splitlines()[0] == "id,name,source,record,kind,score,elsewhere"
    bad = tmp_path / "bad.csv"
    bad.write_text("label\nx\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no 'name' column"):
        run("screen", str(bad), "--user", "analyst", "--password-stdin", stdin=PASSWORD + "\n")
    with pytest.raises(CommandError, match="between 0 and 1"):
        run(
            "screen",
            str(batch),
            "--user",
            "analyst",
            "--threshold",
            "3",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
    with pytest.raises(CommandError, match="cannot read cases"):
        run("screen", str(batch), "--user", "volunteer", "--password-stdin", stdin=PASSWORD + "\n")


def test_judging_two_records_one_person_is_kept_reversible_audited_and_merges_nothing(
    cast: Any, client_for: Any
) -> None:
    from longreach.audit.models import AuditEntry
    from longreach.registry.models import SameJudgement
    from tests.django.registry_data import incident_input

    latin = person(cast, "analyst", "demo-a", name="Ilham Tohti")
    data = incident_input()
    data["acts"][0]["targets"] = [{"person": latin.code}]
    with using_keyring(cast.keyring("analyst")):
        incident = services.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=data
        )
    uyghur = person(cast, "analyst", "demo-a", name="ئىلھام توختى")
    c = client_for("analyst")
    page = c.get(f"/people/{uyghur.code}/").content.decode()
    assert 'class="inline same-judge"' in page  # a suggestion can be judged right there
    r = c.post(
        f"/people/{uyghur.code}/same/",
        {"other": latin.code, "decision": "same", "reason": "same passport scan"},
        follow=True,
    )
    page = r.content.decode()
    assert "Your judgement is saved; nothing was merged." in page
    assert "One person with the records:" in page and latin.code in page
    assert incident.code in page  # the merged view: the other record's incidents too
    c.post(
        f"/people/{latin.code}/same/",
        {"other": uyghur.code, "decision": "not_same", "reason": "different fathers"},
    )
    page = c.get(f"/people/{uyghur.code}/").content.decode()
    assert "Earlier judgements" in page and "One person with the records:" not in page  # reversed
    assert SameJudgement.objects.count() == 2  # kept, never overwritten
    assert AuditEntry.objects.filter(object_type="person", detail__decision="not_same").count() == 2
    with connection.cursor() as cur:
        cur.execute("SELECT reason FROM registry_samejudgement")
        assert b"passport" not in b"".join(bytes(row[0]) for row in cur.fetchall())
    bad = c.post(f"/people/{latin.code}/same/", {"other": uyghur.code, "decision": "maybe"}, follow=True)
    assert "decision: the same person, not the same, or unsure" in bad.content.decode()
    itself = c.post(f"/people/{latin.code}/same/", {"other": latin.code, "decision": "same"}, follow=True)
    assert "always the same person as itself" in itself.content.decode()
    theirs = person(cast, "analyst2", "demo-b", name="Ilham Tohti")
    hidden = c.post(f"/people/{latin.code}/same/", {"other": theirs.code, "decision": "same"}, follow=True)
    assert "That record is not one you may read." in hidden.content.decode()
    assert SameJudgement.objects.count() == 2


def test_the_dedup_command_finds_pairs_across_scripts_where_the_user_may_read(cast: Any) -> None:
    import json

    from django.core.management.base import CommandError

    from longreach.audit.models import AuditEntry
    from tests.conftest import PASSWORD
    from tests.django.test_commands import run

    a = person(cast, "analyst", "demo-a", name="Ilham Tohti", phone="+90 532 111 22 33")
    b = person(cast, "analyst", "demo-a", name="ئىلھام توختى", phone="+90 532 111 22 33")
    person(cast, "analyst", "demo-a", name="Jane Doe", phone="+44 20 7946 0000")
    hidden = person(cast, "analyst2", "demo-b", name="Илһам Тохти", phone="+90 532 111 22 33")
    who = ("--user", "analyst", "--password-stdin")
    out = run("dedup", *who, stdin=PASSWORD + "\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["left"], r["right"]) for r in rows] == [tuple(sorted((a.code, b.code)))]
    assert set(rows[0]["agreed"]) >= {"name", "phone"} and rows[0]["judged"] == ""
    assert hidden.code not in out and "Ilham" not in out  # codes only, and only what the user reads
    with using_keyring(cast.keyring("analyst")):
        services.same_judge(user=cast.analyst, person=a, other=b, decision="same")
    csv_out = run("dedup", *who, "--csv", "--compartment", "demo-a", stdin=PASSWORD + "\n")
    assert csv_out.splitlines()[0] == "left,right,probability,agreed,judged" and ",same" in csv_out
    assert AuditEntry.objects.filter(object_type="dedup").latest("index").detail == {"people": 3, "pairs": 1}
    with pytest.raises(CommandError, match="between 0.5 and 1"):
        run("dedup", *who, "--threshold", "2", stdin=PASSWORD + "\n")
    with pytest.raises(CommandError, match="no compartment you may read named 'demo-b'"):
        run("dedup", *who, "--compartment", "demo-b", stdin=PASSWORD + "\n")
    with pytest.raises(CommandError, match="no compartment you may read"):
        run("dedup", "--user", "volunteer", "--password-stdin", stdin=PASSWORD + "\n")
