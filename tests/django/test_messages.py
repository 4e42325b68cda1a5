"""Messages through their services and pages: reading exports kept as evidence, campaigns, alerts, access."""

from __future__ import annotations

import io
import json
import zipfile
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from longreach.accounts.errors import ServiceError
from longreach.audit.models import AuditEntry
from longreach.audit.verify import verify_ledger
from longreach.keys.context import using_keyring
from longreach.keys.models import OrgKeys
from longreach.messages import services
from longreach.messages.models import Alert, Campaign, ChatImport, Indicator, Message, MessageIdentifier
from longreach.registry import services as registry
from longreach.vault import services as vault
from longreach.vault.models import EvidenceItem, EvidenceLink

pytestmark = pytest.mark.django_db

OFFICER = "+86 138 0013 8000"
CHAT_A = (
    # Long enough that two copies with another name share most shingles: a campaign whatever the key
    # (estimated Jaccard 0.82, so both copies share a band in all but 1 of 17,000 random keys).
    f"02/07/2019, 21:14 - {OFFICER}: Think of your family, Aziz. Your parents are getting old, and we know"
    " where they live in Kashgar.\n"
    f"02/07/2019, 21:15 - {OFFICER}: Send us a photo of your passport and your address in Istanbul.\n"
    "second line of the same message\n"
    "02/07/2019, 21:20 - Aziz: Who is this?\n"
    f"03/07/2019, 09:00 - {OFFICER}: IMG-20190703-WA0001.jpg (file attached)\n"
    f"03/07/2019, 09:01 - {OFFICER}: Log in here hxxps://accounts-google[.]com-security[.]info/login\n"
)
CHAT_B = (
    "05/08/2019, 10:00 - Officer: Think of your family, Dilnur. Your parents are getting old, and we know"
    " where they live in Kashgar!\n"
    "05/08/2019, 10:02 - Dilnur: Please stop writing to me.\n"
)


def case_in(cast: Any, who: str, compartment: str) -> Any:
    with using_keyring(cast.keyring(who)):
        return registry.case_create(
            user=cast.users[who], compartment=cast.compartments[compartment], data={"origin_state": "CN"}
        )


def keep(cast: Any, who: str, case: Any, name: str, data: bytes) -> EvidenceItem:
    with using_keyring(cast.keyring(who)):
        incoming = vault.encrypt_chunks(iter([data]), name=name)
        return vault.item_acquire(
            user=cast.users[who], compartment=case.compartment, incoming=incoming, how="upload", target=case
        ).item


def read(cast: Any, who: str, case: Any, item: EvidenceItem, **options: Any) -> ChatImport:
    with using_keyring(cast.keyring(who)):
        imp = services.chat_import_request(
            user=cast.users[who], case=case, item=item, options=services.ReadOptions(**options)
        )
        imp.refresh_from_db()
    return imp


def whatsapp_zip(chat: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("WhatsApp Chat with +86 138 0013 8000.txt", chat)
        zf.writestr("IMG-20190703-WA0001.jpg", b"\xff\xd8\xff\xe0synthetic photo bytes")
    return out.getvalue()


@pytest.fixture
def case_a(cast: Any) -> Any:
    return case_in(cast, "analyst", "demo-a")


@pytest.fixture
def case_b(cast: Any) -> Any:
    return case_in(cast, "analyst2", "demo-b")


def test_a_whatsapp_zip_becomes_sealed_tagged_messages_with_their_attachment_kept_as_evidence(
    cast: Any, case_a: Any, vault_files: Path
) -> None:
    item = keep(cast, "analyst", case_a, "WhatsApp Chat.zip", whatsapp_zip(CHAT_A))
    imp = read(cast, "analyst", case_a, item)
    assert imp.state == "done" and imp.format == "whatsapp" and imp.messages == 5 and imp.attachments == 1
    rows = list(Message.objects.filter(chat_import=imp).order_by("position"))
    with using_keyring(cast.keyring("analyst")):
        assert rows[0].sender == OFFICER and rows[0].tag_list == ["FAMILY_THREAT"]
        assert rows[1].original == (
            f"02/07/2019, 21:15 - {OFFICER}: Send us a photo of your passport and your address in Istanbul.\n"
            "second line of the same message"
        )
        assert rows[1].tag_list == ["INFO_SELF"]
        assert rows[4].flag_list == ["lookalike"] and rows[4].links[0]["flags"][0]["detail"] == "google.com"
        assert rows[0].tags[0]["words"] == ["Think of your family"]
    # Nothing readable is stored in the clear: the text is not in the row's columns.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM chats_message WHERE id = %s", [rows[0].pk.hex])
        raw = bytes(cursor.fetchone()[0])
    assert b"family" not in raw and b"+86" not in raw
    # The sender's number is indexed with the linkage key, the same in every compartment.
    senders = MessageIdentifier.objects.filter(message__chat_import=imp, is_sender=True)
    assert {s.kind for s in senders} == {"phone"} and len({s.key for s in senders}) == 1
    assert senders[0].country == "CN"
    # The photo is an evidence item of the case, linked to its message, with custody from the export.
    photo = EvidenceItem.objects.get(how="attachment")
    assert photo.origin == item.code and rows[3].attachment_items.get().item == photo
    assert EvidenceLink.objects.filter(item=photo, case=case_a).exists()
    derived = AuditEntry.objects.filter(event="custody.derived", object_code=item.code).get()
    assert derived.detail["kind"] == "messages" and derived.detail["count"] == 5
    assert verify_ledger(bytes(OrgKeys.get().signing_public_key)).ok


def test_a_chat_that_cannot_be_read_leaves_only_its_reason_and_can_be_read_again_leniently(
    cast: Any, case_a: Any
) -> None:
    bad = CHAT_A.encode() + b"03/07/2019, 09:05 - Aziz: \xff\xfe broken\n"
    item = keep(cast, "analyst", case_a, "chat.txt", bad)
    imp = read(cast, "analyst", case_a, item)
    assert imp.state == "failed"
    assert not Message.objects.filter(case=case_a).exists()
    assert EvidenceItem.objects.filter(pk=item.pk, status="active").exists()  # the evidence is untouched
    # The reason is kept as a template and its values, so each reader sees it in their own language.
    from django.utils import translation

    from longreach.messages.templatetags.chats import said

    with using_keyring(cast.keyring("analyst")):
        stored = ChatImport.objects.get(pk=imp.pk).report["error"]
    assert stored["line"] == 7 and stored["t"] == "not UTF-8 text (byte %(byte)s of the line)"
    with translation.override("ru"):
        assert said(stored) == "строка 7: не текст UTF-8 (байт 27 строки)"
    with translation.override("ug"):
        assert said(stored).startswith("7-قۇر")
    again = read(cast, "analyst", case_a, item, lenient=True)
    assert again.state == "done" and again.skipped == 1 and again.messages == 6
    with pytest.raises(ServiceError, match="already been read"):
        read(cast, "analyst", case_a, item)
    # Read again on purpose (another date order): the earlier messages are replaced, not added to.
    with using_keyring(cast.keyring("analyst")):
        replaced = services.chat_import_request(
            user=cast.analyst,
            case=case_a,
            item=item,
            options=services.ReadOptions(date_order="mdy", lenient=True),
            again=True,
        )
        replaced.refresh_from_db()
    assert replaced.state == "done" and Message.objects.filter(case=case_a).count() == 6
    first = Message.objects.filter(case=case_a).order_by("sent_at").first()
    assert first is not None and first.sent_at.month == 2 and first.sent_at.day == 7  # 02/07 read as mdy


def test_telegram_and_email_exports(cast: Any, case_a: Any) -> None:
    telegram = {
        "name": "Officer",
        "type": "personal_chat",
        "id": 1,
        "messages": [
            {
                "id": 7,
                "type": "message",
                "date": "2019-07-02T21:14:00",
                "date_unixtime": "1562094840",
                "from": "Officer",
                "from_id": "user1",
                "text": ["Come back home, ", {"type": "bold", "text": "now"}],
            },
        ],
    }
    item = keep(cast, "analyst", case_a, "result.json", json.dumps(telegram).encode())
    imp = read(cast, "analyst", case_a, item)
    assert imp.state == "done" and imp.format == "telegram" and imp.messages == 1
    message = Message.objects.get(chat_import=imp)
    assert message.zone_known and message.tag_list == ["RETURN_PRESSURE"]
    mail = EmailMessage()
    mail["From"] = "Consulate <consulate@example.org>"
    mail["Date"] = "Tue, 2 Jul 2019 21:14:00 +0200"
    mail["Subject"] = "Your documents"
    mail.set_content("Send us a copy of your passport.")
    mail.add_attachment(b"%PDF-1.4 synthetic", maintype="application", subtype="pdf", filename="form.pdf")
    eml = keep(cast, "analyst", case_a, "mail.eml", mail.as_bytes())
    imp = read(cast, "analyst", case_a, eml)
    assert imp.state == "done" and imp.format == "email" and imp.attachments == 1
    m = Message.objects.get(chat_import=imp)
    with using_keyring(cast.keyring("analyst")):
        assert m.content["headers"][0] == ["From", "Consulate <consulate@example.org>"]
        assert m.tag_list == ["INFO_SELF"] and m.attachment_items.get().item.sealed["name"] == "form.pdf"
    assert m.sender_key and MessageIdentifier.objects.get(message=m, is_sender=True).kind == "email"


def test_one_script_in_two_compartments_is_a_campaign_seen_without_naming_what_is_hidden(
    cast: Any, case_a: Any, case_b: Any, client_for: Any
) -> None:
    read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode()))
    imp_b = read(cast, "analyst2", case_b, keep(cast, "analyst2", case_b, "b.txt", CHAT_B.encode()))
    campaign = Campaign.objects.get()
    assert campaign.cases == 2 and campaign.compartments == 2 and campaign.tie_list == ["sender", "text"]
    assert campaign.tag_list == ["FAMILY_THREAT", "INFO_SELF"]  # the officer's other messages join by sender
    alert = Alert.objects.get(case=case_b)
    assert alert.why == "campaign" and alert.other_cases == 1 and alert.message.chat_import == imp_b
    # analyst2 sees their own case and a count for the compartment they cannot read.
    page = client_for("analyst2").get(f"/campaigns/{campaign.code}/")
    body = page.content.decode()
    assert page.status_code == 200 and case_b.code in body and case_a.code not in body
    assert "in 1 compartment you cannot read" in body and "Aziz" not in body
    assert "Think of your family, Dilnur" in body
    listing = client_for("analyst").get("/campaigns/").content.decode()
    assert campaign.code in listing and "<svg" in listing and case_a.code in listing
    theirs = client_for("analyst2").get("/campaigns/").content.decode()
    assert campaign.code in theirs and case_b.code in theirs and case_a.code not in theirs  # graph included
    # The alert is shown on the case's messages until seen.
    analyst2 = client_for("analyst2")
    assert "also seen in 1 other case" in analyst2.get(f"/cases/{case_b.code}/messages/").content.decode()
    analyst2.post(f"/alerts/{alert.code}/seen/")
    assert "also seen in 1 other case" not in analyst2.get(f"/cases/{case_b.code}/messages/").content.decode()


def test_the_same_sender_in_another_case_raises_a_sender_alert(cast: Any, case_a: Any) -> None:
    other = case_in(cast, "analyst", "demo-a")
    read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode()))
    later = f"01/09/2019, 08:00 - {OFFICER}: Hello again.\n"
    read(cast, "analyst", other, keep(cast, "analyst", other, "later.txt", later.encode()))
    alert = Alert.objects.get(case=other, why="sender")
    assert alert.other_cases == 1
    assert Campaign.objects.get().tie_list == ["sender"]


def test_the_timeline_filters_and_the_message_page_shows_the_original_and_its_evidence(
    cast: Any, case_a: Any, client_for: Any
) -> None:
    item = keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode())
    read(cast, "analyst", case_a, item)
    c = client_for("analyst")
    assert "5 messages read from chat exports" in c.get(f"/cases/{case_a.code}/").content.decode()
    page = c.get(f"/cases/{case_a.code}/messages/").content.decode()
    assert page.count('class="said"') == 5 and "Your parents are getting old" in page
    only = c.get(f"/cases/{case_a.code}/messages/", {"tag": "INFO_SELF"}).content.decode()
    assert only.count('class="said"') == 1 and "passport" in only
    flagged = c.get(f"/cases/{case_a.code}/messages/", {"flag": "lookalike"}).content.decode()
    assert flagged.count('class="said"') == 1
    dated = c.get(f"/cases/{case_a.code}/messages/", {"since": "2019-07-03"}).content.decode()
    assert dated.count('class="said"') == 2
    officer = Message.objects.get(case=case_a, position=0)
    by_number = c.get(f"/cases/{case_a.code}/messages/", {"sender": officer.code}).content.decode()
    assert by_number.count('class="said"') == 4
    aziz = Message.objects.get(case=case_a, position=2)
    by_sender = c.get(f"/cases/{case_a.code}/messages/", {"sender": aziz.code}).content.decode()
    assert by_sender.count('class="said"') == 1 and "Who is this?" in by_sender
    bad = c.get(
        f"/cases/{case_a.code}/messages/", {"since": "2019-13-45", "tag": "x" * 5000}
    ).content.decode()
    assert "is not a date" in bad
    m = Message.objects.get(case=case_a, position=1)
    detail = c.get(f"/messages/{m.code}/").content.decode()
    assert "second line of the same message" in detail and item.code in detail and "line 2" in detail
    assert "Send us a photo of your passport" in detail and "<mark" in detail
    assert AuditEntry.objects.filter(
        event="record.viewed", object_type="message", object_code=m.code
    ).exists()


def test_who_may_see_and_do_what(cast: Any, case_a: Any, client_for: Any) -> None:
    item = keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode())
    read(cast, "analyst", case_a, item)
    m = Message.objects.filter(case=case_a).first()
    assert m is not None
    for who, expected in (
        ("analyst", 200),
        ("lead", 200),
        ("analyst2", 404),
        ("volunteer", 404),
        ("researcher", 404),
    ):
        c = client_for(who)
        assert c.get(f"/messages/{m.code}/").status_code == expected, who
        assert c.get(f"/cases/{case_a.code}/messages/").status_code == expected, who
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(f"/messages/{m.code}/")["Location"] == "/login/"
    assert anonymous.get("/campaigns/")["Location"] == "/login/"
    assert client_for("analyst").get("/messages/%00nul/").status_code == 404
    assert client_for("analyst").get("/messages/" + "x" * 3000 + "/").status_code == 404
    assert AuditEntry.objects.filter(event="authz.denied", object_type="message", object_code=m.code).exists()


def test_reading_refuses_other_compartments_unknown_options_and_hostile_fields(
    cast: Any, case_a: Any, case_b: Any, client_for: Any
) -> None:
    theirs = keep(cast, "analyst2", case_b, "b.txt", CHAT_B.encode())
    c = client_for("analyst")
    assert c.post(f"/cases/{case_a.code}/messages/read/", {"item": theirs.code}).status_code == 404
    assert c.post(f"/cases/{case_b.code}/messages/read/", {"item": theirs.code}).status_code == 404
    mine = keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode())
    for data, error in (
        ({"format": "pdf"}, "unknown chat format"),
        ({"date_order": "xyz"}, "unknown date order"),
        ({"format": "\x00" * 10_000}, "unknown chat format"),
    ):
        r = c.post(f"/cases/{case_a.code}/messages/read/", {"item": mine.code, **data}, follow=True)
        assert error in r.content.decode(), data
    assert not ChatImport.objects.exists()
    volunteer = client_for("volunteer")
    assert volunteer.post(f"/cases/{case_a.code}/messages/read/", {"item": mine.code}).status_code == 404
    r = c.post(f"/cases/{case_a.code}/messages/read/", {"item": mine.code}, follow=True)
    assert "5 messages read from the chat" in r.content.decode()
    not_a_chat = keep(cast, "analyst", case_a, "photo.jpg", b"\xff\xd8\xff\xe0 not a chat at all")
    r = c.post(f"/cases/{case_a.code}/messages/read/", {"item": not_a_chat.code}, follow=True)
    assert "not a chat export this version reads" in r.content.decode()


def test_indicators_are_imported_listed_checked_at_reading_and_removed(
    cast: Any, case_a: Any, tmp_path: Path, capsys: Any
) -> None:
    listing = tmp_path / "campaign-x.txt"
    listing.write_text("# synthetic\ncom-security.info\n", encoding="utf-8")
    call_command("indicators", "import", str(listing))
    assert "1 indicators added" in capsys.readouterr().out
    call_command("indicators", "import", str(listing))  # the same again adds nothing
    assert Indicator.objects.count() == 1
    read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode()))
    flagged = Message.objects.get(case=case_a, position=4)
    assert flagged.flag_list == ["indicator", "lookalike"]
    with using_keyring(cast.keyring("analyst")):
        assert flagged.links[0]["indicators"] == [
            {"label": "campaign-x", "source": "campaign-x.txt", "matched": "com-security.info"}
        ]
    call_command("indicators", "list")
    assert "campaign-x.txt\thost\t1" in capsys.readouterr().out
    bad = tmp_path / "bad.txt"
    bad.write_text("not a domain at all\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.txt: line 1"):
        call_command("indicators", "import", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("indicators", "import", str(tmp_path / "missing.json"))
    call_command("indicators", "remove", "campaign-x.txt")
    assert not Indicator.objects.exists()
    with pytest.raises(CommandError, match="no indicators came from"):
        call_command("indicators", "remove", "campaign-x.txt")
    assert AuditEntry.objects.filter(event="records.imported", object_type="indicators").count() == 2


def test_deleting_the_export_deletes_its_messages_and_campaigns_but_not_its_attachments(
    cast: Any, case_a: Any, case_b: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from longreach.accounts.models import PendingAction

    item = keep(cast, "analyst", case_a, "WhatsApp Chat.zip", whatsapp_zip(CHAT_A))
    read(cast, "analyst", case_a, item)
    read(cast, "analyst2", case_b, keep(cast, "analyst2", case_b, "b.txt", CHAT_B.encode()))
    assert Campaign.objects.exists() and Alert.objects.exists()
    client_for("analyst").post(f"/evidence/{item.code}/do/delete/")
    action = PendingAction.objects.get(kind="vault.delete")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("lead").post(f"/approvals/{action.code}/approve/")
    assert not Message.objects.filter(case=case_a).exists()
    assert not ChatImport.objects.filter(item=item).exists()
    assert not Campaign.objects.exists() and not Alert.objects.exists()  # case B alone is no campaign
    photo = EvidenceItem.objects.get(how="attachment")
    assert photo.status == "active"  # evidence of its own, deleted only under its own two-person rule
    assert AuditEntry.objects.filter(
        event="record.updated", object_type="chat_import", detail__because="evidence_deleted"
    ).exists()


def test_one_number_written_two_ways_is_one_sender_and_names_are_grouped_as_written(
    cast: Any, case_a: Any
) -> None:
    from longreach.messages import selectors

    chat = (
        "02/07/2019, 21:14 - +86 138 0013 8000: one\n"
        "02/07/2019, 21:15 - +8613800138000: two\n"
        "02/07/2019, 21:16 - Officer Wang: three\n"
        "02/07/2019, 21:17 - officer wang: four\n"
    )
    read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "chat.txt", chat.encode()))
    with using_keyring(cast.keyring("analyst")):
        senders = [(name, n) for name, _code, n in selectors.case_senders(case_a)]
    assert senders == [("+86 138 0013 8000", 2), ("Officer Wang", 2)]


def _bomb(lines: int) -> bytes:
    """A tiny zip whose chat expands to ``lines`` messages: the same line over and over."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        line = "02/07/2019, 21:14 - Officer: Think of your family.\n"
        zf.writestr("WhatsApp Chat with Officer.txt", line * lines)
    return out.getvalue()


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("MESSAGES_MAX_PER_IMPORT", 1_000, "limit of 1,000 messages"),
        ("MESSAGES_MAX_TEXT_BYTES", 20_000, "limit of 0 MB of text"),
        ("MESSAGES_MAX_EXPANSION", 2, "times the size of the file"),
    ],
)
def test_a_chat_bomb_stops_at_a_limit_says_what_was_read_and_keeps_the_item(
    cast: Any,
    case_a: Any,
    settings: Any,
    setting: str,
    value: int,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14, item 3: a 153 KB zip gave 50,000 messages and 103 MB of database."""
    setattr(settings, setting, value)
    if setting == "MESSAGES_MAX_EXPANSION":
        monkeypatch.setattr(services, "RATIO_FROM_BYTES", 1_000)
    blob = _bomb(5_000)
    assert len(blob) < 5_000
    item = keep(cast, "analyst", case_a, "bomb.zip", blob)
    imp = read(cast, "analyst", case_a, item)
    assert imp.state == "failed" and Message.objects.count() == 0
    with using_keyring(cast.keyring("analyst")):
        error = imp.report["error"]
        text = error["t"] % error["p"]
        assert said in text and "messages and" in text and "evidence item is unchanged" in text
        item.refresh_from_db()
        assert item.status == "active"
        assert b"".join(vault.plaintext(item)) == blob


def test_a_long_import_stops_at_its_time_limit(
    cast: Any, case_a: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MESSAGES_MAX_SECONDS = 10
    clock = iter(range(0, 10**6, 7))  # seven "seconds" pass at every look at the clock
    monkeypatch.setattr(services.time, "monotonic", lambda: float(next(clock)))
    item = keep(cast, "analyst", case_a, "long.zip", _bomb(3_000))
    imp = read(cast, "analyst", case_a, item)
    assert imp.state == "failed"
    with using_keyring(cast.keyring("analyst")):
        assert "limit of 10 seconds" in imp.report["error"]["t"] % imp.report["error"]["p"]


def test_an_undecidable_date_order_is_said_on_the_page_and_fixed_with_one_click(
    cast: Any, case_a: Any, client_for: Any
) -> None:
    chat = "5/10/22, 9:05 PM - Officer: call your mother\n5/11/22, 8:00 AM - Aziz: no\n"
    item = keep(cast, "analyst", case_a, "chat.txt", chat.encode())
    c = client_for("analyst")
    c.post(f"/cases/{case_a.code}/messages/read/", {"item": item.code})
    page = c.get(f"/cases/{case_a.code}/messages/").content.decode()
    assert "read as month/day/year" in page and "2022-05-10 21:05" in page
    assert 'name="date_order" value="dmy"' in page and "Read again as day/month/year" in page
    c.post(f"/cases/{case_a.code}/messages/read/", {"item": item.code, "again": "1", "date_order": "dmy"})
    page = c.get(f"/cases/{case_a.code}/messages/").content.decode()
    assert "2022-10-05 21:05" in page and "2022-05-10 21:05" not in page
    assert Message.objects.filter(case=case_a).count() == 2


def test_the_date_in_the_kept_file_name_decides_the_order(cast: Any, case_a: Any) -> None:
    text = b"01/02/19, 9:05 pm - A: a\n02/03/19, 9:05 pm - A: b\n"
    imp = read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "WhatsApp Chat 2019-02-10.txt", text))
    rows = Message.objects.filter(chat_import=imp).order_by("position")
    assert [m.sent_at.date().isoformat() for m in rows] == ["2019-01-02", "2019-02-03"]
    with using_keyring(cast.keyring("analyst")):
        assert not imp.report.get("notes")  # decided, not guessed


def test_a_chat_being_read_has_a_page_that_reloads_itself_until_done(
    cast: Any, case_a: Any, client_for: Any
) -> None:
    imp = read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode()))
    analyst = client_for("analyst")
    page = analyst.get(f"/imports/{imp.code}/").content.decode()
    assert 'http-equiv="refresh"' not in page and "Done: " in page and "messages read." in page
    # While the job runs: the count so far, and a reload without any script.
    ChatImport.objects.filter(pk=imp.pk).update(state=ChatImport.State.QUEUED, messages=500)
    page = analyst.get(f"/imports/{imp.code}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "500 messages read so far" in page
    assert client_for("analyst2").get(f"/imports/{imp.code}/").status_code == 404
    assert analyst.get("/imports/" + "x" * 3000 + "/").status_code == 404


def test_images_and_voice_notes_show_in_the_timeline_as_viewing_copies_with_custody(
    cast: Any, case_a: Any, client_for: Any, vault_files: Path
) -> None:
    import struct
    import wave

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, "JPEG")
    voice = io.BytesIO()
    with wave.open(voice, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", (k * 397) % 20000 - 10000) for k in range(8000)))
    chat = CHAT_A + f"03/07/2019, 09:02 - {OFFICER}: AUD-20190703-WA0002.wav (file attached)\n"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("WhatsApp Chat with +86 138 0013 8000.txt", chat)
        zf.writestr("IMG-20190703-WA0001.jpg", photo.getvalue())
        zf.writestr("AUD-20190703-WA0002.wav", voice.getvalue())
    read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "WhatsApp Chat.zip", out.getvalue()))
    image_item = EvidenceItem.objects.get(how="attachment", sniffed_type="image/jpeg")
    sound_item = EvidenceItem.objects.get(how="attachment", sniffed_type="audio/wav")
    analyst = client_for("analyst")
    page = analyst.get(f"/cases/{case_a.code}/messages/").content.decode()
    copy_url = f"/evidence/{image_item.code}/copy/image/"
    assert f'<img src="{copy_url}"' in page and 'class="waveform"' in page
    assert f"/evidence/{image_item.code}/download/" not in page  # never the original inline
    # The waveform was read to draw the page: a custody view of that item, naming the copy.
    viewed = AuditEntry.objects.filter(event="custody.viewed", object_code=sound_item.code)
    assert viewed.count() == 1 and viewed.get().detail["copy"] == "waveform"
    r = analyst.get(copy_url)
    assert r["Content-Type"] == "image/png" and r.content.startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(event="custody.viewed", object_code=image_item.code).count() == 1
    # Someone who may not read evidence there sees no media and reaches no copy.
    assert client_for("analyst2").get(copy_url).status_code == 404
