""".eml and .mbox files in the shapes mail systems write (synthetic text, real structure)."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from typing import IO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.messages import mail
from longreach.messages.chat import Message, ParseError, ParseReport


def source(data: bytes | str) -> Callable[[], IO[bytes]]:
    raw = data.encode() if isinstance(data, str) else data
    return lambda: io.BytesIO(raw)


DATED = b"From: a@example.com\nDate: Tue, 2 Jul 2019 21:14:00 +0000\n"


def parse(data: bytes | str, **kw: object) -> list[Message]:
    return [m for m, _ in mail.parse(source(data), **kw)]  # type: ignore[arg-type]


PHISH = """Received: from mx.example.net (mx.example.net [192.0.2.7])
\tby mail.example.org with ESMTPS; Tue, 2 Jul 2019 21:14:03 +0200
Received: from [198.51.100.4] by mx.example.net; Tue, 2 Jul 2019 21:14:01 +0200
From: =?UTF-8?B?0JjQstCw0L0=?= <ivan@example.com>
To: exile@example.org
Subject: =?UTF-8?Q?Think_of_your_family?=
Date: Tue, 2 Jul 2019 21:14:00 +0200
Message-ID: <abc123@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/html; charset=utf-8

<html><head><title>t</title><script>alert("x")</script><style>p{}</style></head>
<body><p>Your mother&nbsp;is waiting.</p><p>Log in: <a href="hxxp://accounts-google.example/login">https://accounts.google.com</a>
or <a href="https://example.org/same">https://example.org/same</a></p><img src="https://tracker.example/p.gif"></body></html>
--XX
Content-Type: application/pdf; name="invite.pdf"
Content-Disposition: attachment; filename="../../etc/invite.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--XX--
"""


def test_an_eml_keeps_every_header_the_received_chain_and_a_safe_text_of_its_html() -> None:
    [(got, payloads)] = list(mail.parse(source(PHISH), with_payloads=True))
    assert got.platform == "email" and got.line == 1
    assert got.timestamp == "2019-07-02T21:14:00+02:00"
    assert got.sender == "Иван <ivan@example.com>"
    assert got.chat == "Think of your family" and got.ref == "abc123@example.com"
    assert [name for name, _ in got.headers][:3] == ["Received", "Received", "From"]
    assert got.headers[0][1].startswith("from mx.example.net (mx.example.net [192.0.2.7]) by mail.example")
    # Script, style and title are gone; the link that lies about where it goes keeps both.
    assert got.text == (
        "Your mother is waiting.\n"
        "Log in: https://accounts.google.com <hxxp://accounts-google.example/login>\n"
        "or https://example.org/same"
    )
    assert "alert" not in got.text and "tracker" not in got.text
    assert got.attachments == ["invite.pdf"]  # the path in the name is dropped
    assert payloads == [mail.Payload("invite.pdf", "application/pdf", b"%PDF-1.4\n")]
    assert '"headers": [["Received"' in got.as_json()


def test_plain_text_is_preferred_over_its_html_alternative_and_charsets_are_honoured() -> None:
    msg = EmailMessage()
    msg["From"] = "Officer <officer@example.cn>"
    msg["Date"] = "Wed, 03 Jul 2019 09:00:00 +0800"
    msg["Subject"] = "家人"
    msg.set_content("你的家人很好。\n回来吧。", charset="gb18030")
    msg.add_alternative("<p>HTML copy</p>", subtype="html")
    [got] = parse(msg.as_bytes(policy=SMTP))
    assert got.text == "你的家人很好。\n回来吧。" and got.chat == "家人"
    assert got.timestamp == "2019-07-03T09:00:00+08:00"


def test_an_unknown_charset_is_read_as_utf8_with_replacements() -> None:
    raw = DATED + b"Content-Type: text/plain; charset=x-nonsense\n\nhi \xff\n"
    [got] = parse(raw)
    assert got.text == "hi \ufffd"


MBOX = (
    "From ivan@example.com Tue Jul  2 19:14:00 2019\n"
    "From: ivan@example.com\nDate: Tue, 2 Jul 2019 21:14:00 +0200\nSubject: one\n\n"
    "first body\n>From here on, a line that began with From\n>>From twice\n\n"
    "From nobody Wed Jul  3 08:00:00 2019\n"
    "From: second@example.com\nSubject: two, no Date header\n\nsecond body\n\n"
    "From third@example.com Thu Jul  4 08:00:00 2019\r\n"
    "From: third@example.com\r\nDate: Thu, 4 Jul 2019 10:00:00 +0200\r\n\r\nthird\r\n"
)


def test_an_mbox_gives_each_message_its_line_unescapes_from_and_falls_back_to_the_separator_time() -> None:
    got = parse(MBOX)
    assert [m.line for m in got] == [1, 10, 16]
    assert got[0].text == "first body\nFrom here on, a line that began with From\n>From twice"
    assert got[1].timestamp == "2019-07-03T08:00:00+00:00"  # from the separator line
    assert got[2].text.strip() == "third" and got[2].timestamp == "2019-07-04T10:00:00+02:00"


def test_an_mbox_body_line_starting_with_from_after_text_is_not_a_separator() -> None:
    raw = b"From a Tue Jul  2 19:14:00 2019\n" + DATED + b"\nline\nFrom the start\n"
    [got] = parse(raw)
    assert got.text == "line\nFrom the start"


def test_a_message_without_any_date_is_named_and_skipped_leniently() -> None:
    raw = "From: a@example.com\nSubject: undated\n\nbody\n"
    with pytest.raises(ParseError, match="line 1: the e-mail has no readable Date header"):
        parse(raw)
    report = ParseReport()
    assert parse(raw, lenient=True, report=report) == [] and report.bad_lines == 1


def test_an_mbox_must_start_with_a_separator() -> None:
    with pytest.raises(ParseError, match="line 1"):
        list(mail.parse(source("From: a@example.com\n\n")))  # an .eml, read as one, has no date
    report = ParseReport()
    assert list(mail.parse(source(""), lenient=True, report=report)) == [] and report.bad_lines == 1


class Stream(io.RawIOBase):
    """Pieces of bytes, some given and some made up as read (``(byte, count)``) without being held."""

    def __init__(self, *pieces: bytes | tuple[bytes, int]) -> None:
        self.pieces = list(pieces)

    def readable(self) -> bool:
        return True

    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        while self.pieces:
            piece = self.pieces[0]
            if isinstance(piece, bytes):
                n = min(len(buf), len(piece))
                buf[:n] = piece[:n]
                self.pieces[0] = piece[n:]
            else:
                fill, left = piece
                n = min(len(buf), left)
                buf[:n] = fill * n
                self.pieces[0] = (fill, left - n)
            if n:
                return n
            self.pieces.pop(0)
        return 0


def test_a_100_mb_header_is_refused_by_line_without_being_held_and_the_next_message_is_read() -> None:
    def hostile() -> IO[bytes]:
        return io.BufferedReader(
            Stream(
                b"From a Tue Jul  2 19:14:00 2019\nFrom: a@example.com\nX-Pad: ",
                (b"x", 100 * 1024 * 1024),
                b"\nDate: Tue, 2 Jul 2019 21:14:00 +0000\n\nlost\n\n",
                b"From b Tue Jul  2 19:15:00 2019\nFrom: b@example.com\n",
                b"Date: Tue, 2 Jul 2019 21:15:00 +0000\n\nkept\n",
            )
        )

    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match=r"line 1: .*header is longer than 1,048,576 bytes"):
            list(mail.parse(hostile))
        report = ParseReport()
        got = [m for m, _ in mail.parse(hostile, lenient=True, report=report)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(m.sender, m.text) for m in got] == [("b@example.com", "kept")] and report.bad_lines == 1
    assert peak < 8 * 1024 * 1024  # a header's worth at most, never the 100 MB


def test_a_100_mb_header_in_an_eml_and_a_file_of_nul_bytes_get_clear_errors() -> None:
    def hostile() -> IO[bytes]:
        return io.BufferedReader(Stream(b"Subject: ", (b"y", 100 * 1024 * 1024), b"\n\nbody\n"))

    with pytest.raises(ParseError, match="header is longer than"):
        list(mail.parse(hostile))
    with pytest.raises(ParseError, match="line 1: no e-mail headers|no readable Date"):
        parse(b"\x00" * 100_000)


def test_an_oversized_message_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail, "MAX_EMAIL_BYTES", 10_000)
    raw = "From: a@example.com\nDate: Tue, 2 Jul 2019 21:14:00 +0000\n\n" + "z" * 20_000 + "\n"
    with pytest.raises(ParseError, match="larger than 10,000 bytes"):
        parse(raw)


def _nested(levels: int) -> bytes:
    head = DATED + b"Content-Type: multipart/mixed; boundary=b0\n\n"
    part = b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n"
    body = b"".join(part % (i, i + 1) for i in range(levels))
    body += b"--b%d\nContent-Type: text/plain\n\ndeep\n" % levels
    body += b"".join(b"--b%d--\n" % i for i in range(levels, -1, -1))
    return head + body


def test_multiparts_nested_thousands_deep_are_refused_and_moderately_deep_ones_cut() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        parse(_nested(5000))
    report = ParseReport()
    [got] = parse(_nested(40), report=report)
    assert got.text == "" and any("nested deeper than 32" in str(n) for n in report.notes)
    [shallow] = parse(_nested(5))
    assert shallow.text == "deep"


def test_hostile_attachment_names_are_reduced_to_a_printable_base_name() -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.com"
    msg["Date"] = "Tue, 2 Jul 2019 21:14:00 +0000"
    msg.set_content("see attached")
    evil = "C:\\x\\..\\evil\x07.exe"
    msg.add_attachment(b"MZ", maintype="application", subtype="octet-stream", filename=evil)
    msg.add_attachment(b"PK", maintype="application", subtype="zip")  # no name at all
    [got] = parse(msg.as_bytes())
    assert got.attachments == ["evil.exe", "part-2"] and got.text == "see attached"


# Round trip: random e-mails written by the standard library into an mbox, read back exactly.

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80).filter(
    lambda s: s.strip() == s and s != ""
)
_body = st.lists(_text, min_size=1, max_size=6).map("\n".join)
_name = st.from_regex(r"[a-z][a-z0-9_-]{0,12}\.(pdf|jpg|apk|zip)", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            _text,
            _text,
            _body,
            st.integers(0, 2**31 - 1),
            st.sampled_from(["+0000", "+0800", "-0500", "+0330"]),
            st.lists(_name, max_size=2),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_random_mailboxes_read_back_exactly(
    mails: list[tuple[str, str, str, int, str, list[str]]],
) -> None:
    import datetime as dt
    import email.utils

    out = io.BytesIO()
    expected = []
    for sender_name, subject, body, seconds, offset, names in mails:
        zone = dt.timezone(dt.timedelta(hours=int(offset[:3]), minutes=int(offset[0] + offset[3:])))
        when = dt.datetime(2000, 1, 1, tzinfo=zone) + dt.timedelta(seconds=seconds)
        msg = EmailMessage()
        msg["From"] = email.utils.formataddr((sender_name, "someone@example.org"))
        msg["Subject"] = subject
        msg["Date"] = email.utils.format_datetime(when)
        msg.set_content(body + "\nFrom here\n")
        for name in names:
            msg.add_attachment(b"data", maintype="application", subtype="octet-stream", filename=name)
        raw = msg.as_bytes(policy=SMTP.clone(linesep="\n"))
        lines = raw.split(b"\n")
        raw = b"\n".join(b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in lines)
        out.write(b"From someone@example.org Sat Jan  1 00:00:00 2000\n" + raw + b"\n")
        expected.append((when.isoformat(), subject, body + "\nFrom here", names))
    got = parse(out.getvalue())
    assert [(m.timestamp, m.chat, m.text.rstrip("\n"), m.attachments) for m in got] == expected
    assert all(m.sender and m.sender.endswith("<someone@example.org>") for m in got)
