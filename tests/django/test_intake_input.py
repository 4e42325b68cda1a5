"""Hostile and malformed input to the public intake (SECURITY.md's list), and what stays private."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from longreach.intake import receipts
from longreach.intake.models import Report, ReportFile
from tests.django.test_intake_flow import ANSWERS, _named, receipt_from, walk

pytestmark = pytest.mark.django_db


def files_left(intake_dir: Path) -> list[str]:
    return sorted(p.name for p in intake_dir.rglob("*") if p.is_file())


# Receipts ---------------------------------------------------------------------------------


@pytest.fixture
def filed(routed: Any) -> str:
    return receipt_from(walk(Client(), ANSWERS))


def test_receipt_typed_in_other_digit_systems_opens_the_report(filed: str) -> None:
    arabic = "".join(chr(0x660 + int(d)) for d in filed)
    persian = "-".join("".join(chr(0x6F0 + int(d)) for d in filed[i : i + 4]) for i in range(0, 20, 4))
    fullwidth = "\u3000".join(chr(0xFF10 + int(d)) for d in filed)
    for typed in (arabic, persian, fullwidth):
        assert Client().post("/report/status/", {"receipt": typed}).status_code == 302


def test_wrong_unknown_overlong_mixed_and_expired_receipts_answer_alike(
    filed: str, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    calls: list[str] = []
    real_open = receipts.open_receipt
    monkeypatch.setattr(receipts, "open_receipt", lambda *a: calls.append("argon2id") or real_open(*a))
    wrong = filed[:-1] + str((int(filed[-1]) + 1) % 10)
    mixed = filed[:10] + "".join(chr(0x660 + int(d)) for d in filed[10:15]) + "abcde"
    bodies = []
    for typed in (wrong, "1" * 20, "9" * 5000, mixed, "", "\x00" * 20, "١٢٣"):
        calls.clear()
        r = Client().post("/report/status/", {"receipt": typed})
        assert r.status_code == 400
        assert calls == ["argon2id"], typed[:30]  # the same work for every kind of wrong
        bodies.append(re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", r.content))
    Report.objects.update(last_activity="2000-01-01T00:00:00Z")
    r = Client().post("/report/status/", {"receipt": filed})
    bodies.append(re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", r.content))
    assert r.status_code == 400
    assert len(set(bodies)) == 1


def _wrong(n: int) -> str:
    return f"{n:020d}"


def test_a_spray_of_wrong_receipts_never_locks_out_the_right_one(filed: str, settings: Any) -> None:
    """Issue 14, item 4: 100 wrong receipts used to lock every reporter out for ten minutes."""
    settings.INTAKE_STATUS_FAILURES = 3
    for n in range(12):  # each from a fresh visit, as a sprayer without cookies sends them
        assert Client().post("/report/status/", {"receipt": _wrong(n)}).status_code == 400
    r = Client().post("/report/status/", {"receipt": filed})
    assert r.status_code == 302
    from longreach.intake import services

    settings.INTAKE_STATUS_MAX_PAUSE_MS = 10_000
    assert services.status_pause() == 2.0 * 12 / 3  # wrong answers now wait, up to 10 s


def test_a_visit_that_keeps_failing_is_refused_before_any_check(
    filed: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.INTAKE_STATUS_SESSION_FAILURES = 5
    sprayer = Client()
    sprayer.get("/report/status/")
    for n in range(5):
        assert sprayer.post("/report/status/", {"receipt": _wrong(n)}).status_code == 400
    calls: list[str] = []
    real_open = receipts.open_receipt
    monkeypatch.setattr(receipts, "open_receipt", lambda *a: calls.append("argon2id") or real_open(*a))
    r = sprayer.post("/report/status/", {"receipt": filed})
    assert r.status_code == 429 and b"ten minutes" in r.content and calls == []
    assert Client().post("/report/status/", {"receipt": filed}).status_code == 302  # anyone else gets in


def test_one_receipt_typed_wrong_from_many_visits_is_refused_cheaply(
    filed: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.INTAKE_STATUS_RECEIPT_FAILURES = 3
    guess = filed[:-1] + str((int(filed[-1]) + 1) % 10)
    for _ in range(3):
        assert Client().post("/report/status/", {"receipt": guess}).status_code == 400
    calls: list[str] = []
    real_open = receipts.open_receipt
    monkeypatch.setattr(receipts, "open_receipt", lambda *a: calls.append("argon2id") or real_open(*a))
    assert Client().post("/report/status/", {"receipt": guess}).status_code == 429
    assert calls == []
    assert Client().post("/report/status/", {"receipt": filed}).status_code == 302
    from longreach.intake.models import Counter

    assert not any(guess in key or filed in key for key in Counter.objects.values_list("key", flat=True))


# The report form ---------------------------------------------------------------------------


def test_honeypot_stores_nothing(routed: Any, intake_files: Path) -> None:
    client = Client()
    with pytest.raises(AssertionError):
        walk(client, {**ANSWERS, "website": "http://spam.example"}, [("a.txt", b"x")])
    assert Report.objects.count() == 0 and files_left(intake_files) == []


def test_double_submit_keeps_one_report(routed: Any) -> None:
    client = Client()
    page = client.get("/report/form/")
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page.content).group(1).decode()  # type: ignore[union-attr]
    post = {**ANSWERS, "nonce": nonce, "step": "send", "go": "next"}
    first = client.post("/report/form/", post)
    second = client.post("/report/form/", post)
    assert first.status_code == 200 and b"<span>" in first.content
    assert second.status_code == 409 and b"already received" in second.content
    assert b"<span>" not in second.content  # no receipt for the second press
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("origin_state", "XX", b"Select a valid choice"),
        ("host_country", "", b"This field is required"),
        ("tactics", ["NOT_A_TACTIC"], b"Select a valid choice"),
        ("story", "x" * 20_001, b"at most 20000 characters"),
        ("year", "2999", b"Ensure this value is less than or equal to 2100"),
        ("day", "31", b"Give the year"),
        ("nonce", "../../etc/passwd", b"out of date"),
    ],
)
def test_tampered_or_bad_answers_are_refused_on_their_step(
    routed: Any, field: str, value: Any, message: bytes
) -> None:
    client = Client()
    page = client.get("/report/form/")
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page.content).group(1).decode()  # type: ignore[union-attr]
    post = {**ANSWERS, "nonce": nonce, field: value, "step": "send", "go": "next"}
    if field == "day":
        post.pop("month")
    r = client.post("/report/form/", post)
    assert r.status_code == 400 and message in r.content, r.content[:3000]
    assert Report.objects.count() == 0


def test_immediate_danger_shows_the_emergency_number_and_stops(routed: Any) -> None:
    client = Client()
    page = client.get("/report/form/")
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page.content).group(1).decode()  # type: ignore[union-attr]
    r = client.post(
        "/report/form/", {"nonce": nonce, "step": "safety", "host_country": "GB", "danger": "yes"}
    )
    assert r.status_code == 200 and b"999" in r.content and b"Nothing has been sent yet" in r.content
    assert Report.objects.count() == 0
    go_on = client.post(
        "/report/form/",
        {"nonce": nonce, "step": "safety", "host_country": "GB", "danger": "yes", "safe_to_continue": "1"},
    )
    assert b"About you" in go_on.content


def test_per_session_report_limit(routed: Any, settings: Any) -> None:
    settings.INTAKE_REPORTS_PER_SESSION = 1
    client = Client()
    walk(client, ANSWERS)
    page = client.get("/report/form/")
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page.content).group(1).decode()  # type: ignore[union-attr]
    r = client.post("/report/form/", {**ANSWERS, "nonce": nonce, "step": "send", "go": "next"})
    assert r.status_code == 429 and b"Nothing was saved" in r.content
    assert Report.objects.count() == 1


# Files ---------------------------------------------------------------------------------------


def _send(client: Client, files: list[tuple[str, bytes]]) -> Any:
    page = client.get("/report/form/")
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page.content).group(1).decode()  # type: ignore[union-attr]
    return client.post(
        "/report/form/",
        {**ANSWERS, "nonce": nonce, "step": "send", "go": "next", "files": [_named(n, b) for n, b in files]},
    )


def pixel_flood_png() -> bytes:
    """A tiny PNG that claims 100,000 x 100,000 pixels: decoding it would need ~30 GB."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


HOSTILE = [
    ("../../../etc/passwd", b"root:x:0:0"),
    ("evil\u202egnp.exe", b"MZ not really"),
    ("x" * 900 + ".png", b"long name"),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("page.html", b"<html><script>fetch('/triage/')</script></html>"),
    ("doc.pdf", b"%PDF-1.7\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj"),
    ("flood.png", pixel_flood_png()),
]


def test_hostile_files_are_stored_and_only_ever_downloaded(routed: Any, client_for: Any) -> None:
    r = _send(Client(), HOSTILE)
    assert r.status_code == 200, r.content[:2000]
    report = Report.objects.get()
    volunteer = client_for("volunteer")
    page = volunteer.get(f"/triage/{report.code}/").content.decode()
    assert "\u202e" not in page and "../" not in page and "<script>alert" not in page
    assert "evilgnp.exe" in page and "passwd" in page
    for (name, _content), row in zip(
        HOSTILE, ReportFile.objects.order_by("received_at", "code"), strict=False
    ):
        del name
        got = volunteer.get(f"/triage/files/{row.code}/")
        assert got["Content-Type"] == "application/octet-stream"
        assert got["Content-Disposition"].startswith("attachment")
        assert got["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in got["Content-Security-Policy"]
    contents = {
        b"".join(volunteer.get(f"/triage/files/{row.code}/").streaming_content)
        for row in ReportFile.objects.all()
    }
    assert contents == {c for _n, c in HOSTILE}
    names = [len(n) for n in re.findall(r"<bdi>(x+\.png)</bdi>", page)]
    assert names and max(names) <= 200


def test_ten_kilobyte_file_name_gets_a_clear_refusal(routed: Any, intake_files: Path) -> None:
    r = _send(Client(), [("x" * 10_000 + ".png", b"content"), ("ok.txt", b"fine")])
    assert r.status_code == 400 and b"could not be read" in r.content and b"Nothing was saved" in r.content
    assert Report.objects.count() == 0 and files_left(intake_files) == []


def test_empty_file_is_refused_by_name_and_nothing_is_kept(routed: Any, intake_files: Path) -> None:
    r = _send(Client(), [("empty.jpg", b""), ("fine.txt", b"hello")])
    assert r.status_code == 400 and b"empty.jpg" in r.content and b"is empty" in r.content
    assert Report.objects.count() == 0 and files_left(intake_files) == []


def test_file_over_the_limit_is_refused_and_nothing_is_kept(
    routed: Any, intake_files: Path, settings: Any
) -> None:
    settings.INTAKE_MAX_FILE_BYTES = 100_000
    r = _send(Client(), [("big.mp4", b"\0" * 300_000)])
    assert r.status_code == 400 and b"big.mp4" in r.content and b"larger than 0.1 MB" in r.content
    assert Report.objects.count() == 0 and files_left(intake_files) == []


def test_too_many_files(routed: Any, settings: Any, intake_files: Path) -> None:
    settings.INTAKE_MAX_FILES = 2
    r = _send(Client(), [(f"{i}.txt", b"x") for i in range(3)])
    assert r.status_code == 400 and b"only 2 files" in r.content
    assert files_left(intake_files) == []


def test_aborted_upload_leaves_no_file_and_no_report(routed: Any, intake_files: Path) -> None:
    client = Client()
    client.get("/report/form/")
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="step"\r\n\r\nsend\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"A" * 200_000  # the connection drops here: no closing boundary
    r = client.generic(
        "POST", "/report/form/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert r.status_code in (400, 403)
    assert Report.objects.count() == 0 and files_left(intake_files) == []


# Headers and cookies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/report/", "/report/form/", "/report/status/", "/report/where/", "/report/nowhere/"]
)
def test_reporter_pages_forbid_every_script(routed: Any, path: str) -> None:
    r = Client().get(path)
    csp = r["Content-Security-Policy"]
    assert "script-src 'none'" in csp and "connect-src 'none'" in csp
    assert b"<script" not in r.content


def test_no_cookie_outlives_the_browser_session(routed: Any, filed: str) -> None:
    client = Client()
    client.post("/report/language/", {"language": "ug"})
    client.get("/report/form/")
    client.post("/report/status/", {"receipt": filed})
    for morsel in client.cookies.values():
        assert not morsel["expires"] and not morsel["max-age"], morsel.key
    assert filed not in str(client.cookies)


def test_language_is_kept_for_the_visit(routed: Any) -> None:
    client = Client()
    client.post("/report/language/", {"language": "ug"})
    page = client.get("/report/form/")
    assert b'lang="ug" dir="rtl"' in page.content
    client.post("/report/language/", {"language": "xx-not"})
    assert b'lang="ug"' in client.get("/report/").content


# Access ------------------------------------------------------------------------------------


def test_triage_is_scoped_to_compartments(filed: str, client_for: Any) -> None:
    report = Report.objects.get()
    row_code = None
    other = client_for("analyst2")  # member of demo-b only
    assert other.get(f"/triage/{report.code}/").status_code == 404
    assert report.code.encode() not in other.get("/triage/").content
    assert other.post(f"/triage/{report.code}/reply/", {"text": "hi"}).status_code == 404
    assert client_for("researcher").get("/triage/").status_code == 404
    assert Client().get("/triage/").status_code == 302
    assert other.get(f"/triage/files/{row_code or 'U-NOTHERE'}/").status_code == 404


# Nothing in the clear --------------------------------------------------------------------------


def test_database_logs_and_files_hold_no_receipt_name_or_message(
    routed: Any, client_for: Any, intake_files: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    secret_words = ["Nur (synthetic)", "think of your family", "They called three times", "7700 900123"]
    reporter = Client()
    receipt = receipt_from(walk(reporter, ANSWERS, [("threat.png", b"SECRET-FILE-CONTENT" * 50)]))
    back = Client()
    back.post("/report/status/", {"receipt": receipt})
    back.post("/report/status/message/", {"message": "A second secret message"})
    volunteer = client_for("volunteer")
    report = Report.objects.get()
    volunteer.post(f"/triage/{report.code}/reply/", {"text": "A reply only they read"})
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names come from introspection)
            dump.extend(repr(row) for row in cursor.fetchall())
    text = "\n".join(dump) + caplog.text
    stored = b"".join(p.read_bytes() for p in intake_files.rglob("*") if p.is_file())
    for needle in [
        receipt,
        receipts.grouped(receipt),
        *secret_words,
        "A second secret message",
        "A reply only they read",
    ]:
        assert needle not in text, needle
    assert b"SECRET-FILE-CONTENT" not in stored


def test_a_step_just_reached_shows_no_errors(routed: Any) -> None:
    client = Client()
    page = client.get("/report/form/")
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page.content).group(1).decode()  # type: ignore[union-attr]
    r = client.post("/report/form/", {"nonce": nonce, "step": "safety", "host_country": "GB", "danger": "no"})
    assert b"About you" in r.content and b'class="error"' not in r.content
    r = client.post("/report/form/", {"nonce": nonce, "step": "you", "host_country": "GB", "danger": "no"})
    assert r.status_code == 400 and b'class="error"' in r.content  # now origin_state was asked for
