"""``longreach parse-chat``: JSON lines out, one clear line when the file cannot be read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from longreach.messages.parse_cli import main

ANDROID = "02/07/2019, 21:14 - +86 138 0013 8000: Think of your family.\n14/07/2019, 08:02 - Dilnur: ok\n"
IOS = (
    "\u200e[02/07/2019, 21:14:05] Police: \u200eMessages and calls are end-to-end encrypted.\n"
    "\u200e[02/07/2019, 21:15:00] Police: \u200e<attached: 00000012-PHOTO-2019-07-02-21-15-00.jpg>\n"
)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_a_text_export_becomes_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chat = tmp_path / "WhatsApp Chat with Police.txt"
    chat.write_text(ANDROID, encoding="utf-8")
    code, rows, err = run([str(chat)], capsys)
    assert code == 0 and "2 messages (whatsapp)" in err
    assert rows[0] == {
        "timestamp": "2019-07-02T21:14:00",
        "sender": "+86 138 0013 8000",
        "text": "Think of your family.",
        "attachments": [],
        "system": False,
        "platform": "whatsapp",
        "line": 1,
    }


def test_an_export_with_media_is_read_out_of_its_zip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "WhatsApp Chat - Police.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("00000012-PHOTO-2019-07-02-21-15-00.jpg", b"\xff\xd8\xff\xe0 not really a photo")
        zf.writestr("_chat.txt", IOS)
    code, rows, _ = run([str(archive)], capsys)
    assert code == 0
    assert rows[0]["system"] is True and rows[1]["attachments"] == ["00000012-PHOTO-2019-07-02-21-15-00.jpg"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a chat export"),
        (b"\x00" * 100_000, "not a chat export"),
        (b"%PDF-1.7\n", "not a chat export"),
        (ANDROID.encode() + b"14/07/2019, 08:03 - Dilnur: \xff\xfe\n", "line 3: not UTF-8 text"),
        (
            b"02/07/2019, 21:14 - A: one\n31/31/2019, 21:14 - A: two\n",
            "line 2: the date or time cannot be read",
        ),
    ],
)
def test_what_cannot_be_read_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    bad = tmp_path / "chat.txt"
    bad.write_bytes(content)
    code, rows, err = run([str(bad)], capsys)
    assert code == 1  # messages before the bad line were already written out
    assert f"parse-chat: {bad}: " in err and message in err


def test_lenient_goes_on_and_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "chat.txt"
    bad.write_bytes(
        ANDROID.encode() + b"14/07/2019, 08:03 - Dilnur: \xff\xfe\n14/07/2019, 08:04 - Dilnur: after\n"
    )
    code, rows, err = run([str(bad), "--lenient"], capsys)
    assert code == 0 and [r["text"] for r in rows][-1] == "after"
    assert "1 lines could not be read" in err and "line 3: not UTF-8 text" in err


def test_a_zip_without_a_chat_and_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "x")
        zf.writestr("b.txt", "y")
    code, _, err = run([str(archive)], capsys)
    assert code == 1 and "no WhatsApp chat text" in err
    code, _, err = run([str(tmp_path / "absent.txt")], capsys)
    assert code == 2 and "no such file" in err


def test_the_installed_command_needs_no_settings_or_database(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text(ANDROID, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "LONGREACH"))}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("longreach")), "parse-chat", str(chat), "--date-order", "dmy"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["sender"] for line in done.stdout.splitlines()] == [
        "+86 138 0013 8000",
        "Dilnur",
    ]


def test_a_telegram_export_is_recognised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "result.json"
    export.write_text(
        json.dumps(
            {
                "name": "Officer Wang",
                "messages": [
                    {
                        "id": 7,
                        "type": "message",
                        "date_unixtime": "1562094900",
                        "from": "Officer Wang",
                        "text": "hi",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    code, rows, err = run([str(export)], capsys)
    assert code == 0 and "1 messages (telegram)" in err
    assert rows == [
        {
            "timestamp": "2019-07-02T19:15:00+00:00",
            "sender": "Officer Wang",
            "text": "hi",
            "attachments": [],
            "system": False,
            "platform": "telegram",
            "line": 0,
            "chat": "Officer Wang",
            "ref": "7",
        }
    ]
    code, _, err = run([str(export), "--format", "whatsapp"], capsys)
    assert code == 1 and "no WhatsApp messages found" in err


def test_eml_and_mbox_files_are_recognised_and_bad_mail_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eml = tmp_path / "threat.eml"
    eml.write_text(
        "Received: from mx.example.net by mail.example.org; Tue, 2 Jul 2019 21:14:03 +0200\n"
        "From: Officer <officer@example.com>\nDate: Tue, 2 Jul 2019 21:14:00 +0200\n"
        "Subject: hello\n\nCome home.\n",
        encoding="utf-8",
    )
    code, rows, err = run([str(eml)], capsys)
    assert code == 0 and "1 messages (email)" in err
    assert rows[0]["sender"] == "Officer <officer@example.com>" and rows[0]["text"] == "Come home."
    assert rows[0]["headers"][0][0] == "Received"  # type: ignore[index]
    box = tmp_path / "inbox"  # no suffix: recognised by its separator line
    box.write_text(
        "From x Tue Jul  2 19:14:00 2019\nFrom: a@example.com\n"
        "Date: Tue, 2 Jul 2019 21:14:00 +0000\n\none\n\n"
        "From y Tue Jul  2 19:15:00 2019\nFrom: b@example.com\nDate: nonsense\n\ntwo\n",
        encoding="utf-8",
    )
    code, rows, err = run([str(box)], capsys)
    assert code == 0 and [r["text"] for r in rows] == ["one", "two"]  # the separator's time stands in
    box.write_text("Received: by a\nSubject: no date\n\nbody\n", encoding="utf-8")
    code, rows, err = run([str(box)], capsys)
    assert code == 1 and "line 1: the e-mail has no readable Date header" in err
    code, rows, err = run([str(box), "--lenient"], capsys)
    assert code == 0 and rows == [] and "1 e-mails could not be read" in err


def test_the_date_in_the_file_name_decides_the_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "01/02/19, 9:05 pm - A: a\n02/03/19, 9:05 pm - A: b\n"
    named = tmp_path / "WhatsApp Chat 2019-02-10.txt"
    named.write_text(text, encoding="utf-8")
    code, rows, err = run([str(named)], capsys)
    assert code == 0 and [r["timestamp"] for r in rows] == ["2019-01-02T21:05:00", "2019-02-03T21:05:00"]
    assert "reads both ways" not in err
    # Inside a .zip, the chat's own name is used when the archive's says nothing.
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("WhatsApp Chat 20190210.txt", text)
    code, rows, err = run([str(archive)], capsys)
    assert code == 0 and rows[1]["timestamp"] == "2019-02-03T21:05:00"
    plain = tmp_path / "WhatsApp Chat.txt"
    plain.write_text(text, encoding="utf-8")
    code, rows, err = run([str(plain)], capsys)
    assert code == 0 and "reads both ways" in err
