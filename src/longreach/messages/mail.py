"""E-mail: one ``.eml`` message or an ``.mbox`` of many, read in bounded memory. No Django.

Each e-mail becomes one ``Message``: the sender from ``From``, the time from
``Date`` (with its offset; the mbox separator line when ``Date`` is missing),
the subject as the chat, ``Message-ID`` as the ref, every header in order
(the ``Received`` chain included) and the body as text. An HTML-only body is
turned into text by a parser that runs nothing and fetches nothing; a link
whose shown text differs from where it goes keeps both, because that
difference is what phishing relies on. Attachments are named, and their
bytes are handed over only when asked for (``with_payloads``), so the vault
can keep each one as an item.

Limits are per message: the header block may not pass ``MAX_HEADER_BYTES``
and the whole message may not pass ``MAX_EMAIL_BYTES``. A message over a
limit is reported by the line it starts on and read past without being held,
so a 100 MB header costs a few kilobytes of memory.

The standard library's ``email`` package parses each message, in its
``compat32`` policy: it keeps header values as they were sent, and the
modern policy's header parser has had slow paths on hostile input.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.utils
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message as EmailMessage
from email.policy import compat32
from html.parser import HTMLParser
from typing import IO

from longreach.messages.chat import MAX_MESSAGE_CHARS, Message, ParseError, ParseReport, gettext_noop

PLATFORM = "email"
MAX_HEADER_BYTES = 1024 * 1024  # real header blocks, long Received chains included, are a few kilobytes
MAX_EMAIL_BYTES = 64 * 1024 * 1024  # providers cap messages at 25-50 MB of attachments, ~35-70 MB encoded
MAX_HEADER_CHARS = 64 * 1024  # one header's value after decoding; longer values are cut
MAX_DEPTH = 32  # multiparts nest two or three deep in real mail
MAX_PARTS = 1000
READ_BYTES = 64 * 1024  # a line is read at most this much at a time

_FROM_LINE = re.compile(rb"From \S*[ \t]+(?P<when>.*?)\s*$")
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")
_ESCAPED_FROM = re.compile(rb">+From ")
_HEADERS_EML_STARTS_WITH = (
    b"received:",
    b"return-path:",
    b"from:",
    b"to:",
    b"date:",
    b"subject:",
    b"message-id:",
    b"mime-version:",
    b"delivered-to:",
    b"x-",
    b"dkim-signature:",
    b"arc-",
    b"authentication-results:",
    b"reply-to:",
    b"content-type:",
)


@dataclass
class Payload:
    """An attachment's bytes, for the vault; never serialised with the message."""

    name: str
    content_type: str
    data: bytes


def looks_like_mbox(head: bytes) -> bool:
    return bool(_FROM_LINE.match(head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]))


def looks_like_eml(head: bytes) -> bool:
    """True when the file opens with a header block that names at least one e-mail header."""
    lines = head.lstrip(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").split(b"\n")[:40]
    seen = False
    for line in lines:
        if not line:
            return seen
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        seen = seen or line.lower().startswith(_HEADERS_EML_STARTS_WITH)
    return seen


def parse(
    open_file: Callable[[], IO[bytes]],
    *,
    lenient: bool = False,
    report: ParseReport | None = None,
    with_payloads: bool = False,
) -> Iterator[tuple[Message, list[Payload]]]:
    """Each e-mail in the file (one for .eml, all for .mbox) with its attachments' bytes if asked for."""
    report = report if report is not None else ParseReport()
    with open_file() as fh:
        first = fh.readline(1024)
    with open_file() as fh:
        if looks_like_mbox(first):
            collected: Iterator[_Collector] = _mbox_messages(fh, report, lenient)
        else:
            one = _bounded(fh, report, lenient)
            collected = iter([one] if one else [])
        for current in collected:
            parsed = _message(current, report, lenient, with_payloads)
            if parsed is not None:
                yield parsed


def _lines(fh: IO[bytes]) -> Iterator[bytes]:
    """Lines with their endings, each at most READ_BYTES (a longer line comes in pieces)."""
    while True:
        piece = fh.readline(READ_BYTES)
        if not piece:
            return
        yield piece


class _Collector:
    """The bytes of one message while its limits hold; past a limit, only what went wrong."""

    def __init__(self, line: int, fallback_time: str | None = None) -> None:
        self.line = line
        self.fallback_time = fallback_time
        self.parts: list[bytes] = []
        self.size = 0
        self.in_headers = True
        self.at_line_start = True
        self.error: tuple[str, dict[str, str | int]] | None = None

    def add(self, piece: bytes, unescape: bool) -> None:
        if self.error:
            return
        starts = self.at_line_start
        self.at_line_start = piece.endswith(b"\n")
        if starts and self.in_headers and piece in (b"\n", b"\r\n"):
            self.in_headers = False
        if unescape and starts and _ESCAPED_FROM.match(piece):
            piece = piece[1:]  # mboxrd: ">From " in a body was written for "From "
        self.size += len(piece)
        if self.in_headers and self.size > MAX_HEADER_BYTES:
            self.fail(
                gettext_noop(
                    "the e-mail starting here was not read: its header is longer than %(limit)s bytes"
                ),
                limit=f"{MAX_HEADER_BYTES:,}",
            )
        elif self.size > MAX_EMAIL_BYTES:
            self.fail(
                gettext_noop("the e-mail starting here was not read: it is larger than %(limit)s bytes"),
                limit=f"{MAX_EMAIL_BYTES:,}",
            )
        else:
            self.parts.append(piece)

    def fail(self, template: str, **params: str | int) -> None:
        self.error = (template, params)
        self.parts = []


def _mbox_messages(fh: IO[bytes], report: ParseReport, lenient: bool) -> Iterator[_Collector]:
    """Each message, from its separator line; messages over a limit are reported, not held."""
    number = 0
    current: _Collector | None = None
    at_line_start = True
    blank_before = True
    for piece in _lines(fh):
        starts = at_line_start
        at_line_start = piece.endswith(b"\n")
        if starts:
            number += 1
            if number == 1:
                piece = piece.removeprefix(b"\xef\xbb\xbf")
            # A separator starts a line that follows a blank one (or the file's start).
            if blank_before and _FROM_LINE.match(piece):
                if current is not None:
                    yielded = _finish(current, report, lenient)
                    if yielded is not None:
                        yield yielded
                current = _Collector(number, _from_line_time(piece))
                blank_before = False
                continue
            blank_before = piece in (b"\n", b"\r\n")
        if current is None:
            report.problem(
                ParseError(number, gettext_noop("an mbox must start with a 'From ' separator line")), lenient
            )
            return
        current.add(piece, unescape=True)
    if current is not None:
        yielded = _finish(current, report, lenient)
        if yielded is not None:
            yield yielded


def _bounded(fh: IO[bytes], report: ParseReport, lenient: bool) -> _Collector | None:
    current = _Collector(1)
    for piece in _lines(fh):
        current.add(piece, unescape=False)
        if current.error:
            break
    return _finish(current, report, lenient)


def _finish(current: _Collector, report: ParseReport, lenient: bool) -> _Collector | None:
    if current.error:
        template, params = current.error
        report.problem(ParseError(current.line, template, **params), lenient)
        return None
    return current


def _message(
    current: _Collector, report: ParseReport, lenient: bool, with_payloads: bool
) -> tuple[Message, list[Payload]] | None:
    line = current.line
    raw = b"".join(current.parts)
    current.parts = []
    raw = raw.removesuffix(b"\n").removesuffix(b"\r") + b"\n"  # the blank line before the next separator
    if not raw.strip():
        report.problem(ParseError(line, gettext_noop("an empty e-mail")), lenient)
        return None
    try:
        msg = email.message_from_bytes(raw, policy=compat32)
    except RecursionError:  # the standard parser recurses once per nested multipart
        report.problem(
            ParseError(line, gettext_noop("its MIME parts are nested too deeply to read")), lenient
        )
        return None
    headers = [(name, _header(value)) for name, value in msg.items()]
    if not headers:
        report.problem(ParseError(line, gettext_noop("no e-mail headers")), lenient)
        return None
    when = _when(msg.get("Date")) or current.fallback_time
    if when is None:
        report.problem(ParseError(line, gettext_noop("the e-mail has no readable Date header")), lenient)
        return None
    texts: list[str] = []
    htmls: list[str] = []
    names: list[str] = []
    payloads: list[Payload] = []
    for part in _leaves(msg, line, report):
        kind = part.get_content_type()
        name = _attachment_name(part)
        disposition = (part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
        if name or disposition == "attachment" or not kind.startswith("text/"):
            name = name or f"part-{len(names) + 1}"
            names.append(name)
            if with_payloads:
                payloads.append(Payload(name, kind, _bytes(part)))
        elif kind == "text/html":
            htmls.append(_decoded(part))
        else:
            texts.append(_decoded(part))
    text = "\n\n".join(t.strip("\n") for t in texts) if texts else "\n\n".join(html_text(h) for h in htmls)
    if len(text) > MAX_MESSAGE_CHARS:
        report.note(
            gettext_noop("the e-mail's text was cut at %(limit)s characters"),
            line,
            limit=f"{MAX_MESSAGE_CHARS:,}",
        )
        text = text[:MAX_MESSAGE_CHARS]
    subject = _header(msg.get("Subject")) or None
    message = Message(
        timestamp=when,
        sender=_header(msg.get("From")) or None,
        text=text,
        platform=PLATFORM,
        line=line,
        attachments=names,
        chat=subject,
        ref=_header(msg.get("Message-ID")).strip("<> "),
        headers=headers,
    )
    report.messages += 1
    return message, payloads


def _leaves(msg: EmailMessage, line: int, report: ParseReport) -> Iterator[EmailMessage]:
    """The parts that hold content, in order, down to MAX_DEPTH levels and up to MAX_PARTS parts."""
    stack: list[tuple[int, EmailMessage]] = [(0, msg)]
    seen = 0
    while stack:
        depth, part = stack.pop()
        if not part.is_multipart():
            seen += 1
            if seen > MAX_PARTS:
                report.note(
                    gettext_noop("only the e-mail's first %(limit)s parts were read"), line, limit=MAX_PARTS
                )
                return
            yield part
        elif depth >= MAX_DEPTH:
            report.note(
                gettext_noop("parts nested deeper than %(limit)s levels were left out"), line, limit=MAX_DEPTH
            )
        else:
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend(
                    (depth + 1, child) for child in reversed(children) if isinstance(child, EmailMessage)
                )


def _header(value: object) -> str:
    """A header's value as text: encoded words decoded, folding undone, cut at MAX_HEADER_CHARS."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        value = str(value)
    raw = str(value)[:MAX_HEADER_CHARS]
    try:
        decoded = str(email.header.make_header(email.header.decode_header(raw)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        decoded = raw
    return re.sub(r"\r?\n[ \t]+", " ", decoded).strip()


def _when(value: str | None) -> str | None:
    """``Date`` as ISO 8601 with the sender's offset (UTC when the header says -0000)."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(str(value)[:200])
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat()


def _attachment_name(part: EmailMessage) -> str:
    name = part.get_filename()
    if not name:
        return ""
    name = _header(name)
    # Only the last path component, and nothing that is not printable: names are shown and used for files.
    name = re.split(r"[\\/]", name)[-1]
    return "".join(c for c in name if c.isprintable()).strip()[:255]


def _bytes(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _decoded(part: EmailMessage) -> str:
    data = _bytes(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        text = data.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        text = data.decode("utf-8", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "object"})
_BLOCK = frozenset(
    {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr"}
)


class _TextOf(HTMLParser):
    """Text of an HTML body: markup dropped, nothing run or fetched, links kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.href: str | None = None
        self.anchor: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.out.append("\n")
        elif tag == "a":
            self.href = next((v for k, v in attrs if k == "href" and v), None)
            self.anchor = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.out.append("\n")
        elif tag == "a" and self.href is not None:
            shown = "".join(self.anchor).strip()
            # A link whose text is not where it goes keeps both: that gap is what phishing relies on.
            if self.href.strip() != shown and not self.href.startswith(("mailto:", "#")):
                self.out.append(f" <{self.href.strip()}>")
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.out.append(data)
        if self.href is not None:
            self.anchor.append(data)


def html_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html[: MAX_MESSAGE_CHARS * 4])
    parser.close()
    text = "".join(parser.out)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def _from_line_time(line: bytes) -> str | None:
    """The time on an mbox separator (asctime, as the delivering host saw it, taken as UTC)."""
    found = _FROM_LINE.match(line)
    if not found:
        return None
    try:
        when = datetime.strptime(found["when"].decode("ascii", "replace").strip(), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return None
    return when.replace(tzinfo=UTC).isoformat()
