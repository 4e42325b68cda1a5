"""What every chat parser yields, and the bounded text reader they share. No Django.

A parser reads an export as bytes and yields ``Message`` objects one at a
time, so a chat of any size is parsed in bounded memory. Bad input raises
``ParseError`` naming the line and the reason; with ``lenient`` a parser
skips what it cannot read and counts it in its ``ParseReport`` instead.

Reasons and notes are ``Said``: an English template marked for translation
and its values, so the command line prints English and the web pages show
the same words in the reader's language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

MAX_LINE_BYTES = 1024 * 1024  # WhatsApp caps a message at 65,536 characters; a longer line is not a chat line
MAX_MESSAGE_CHARS = 1_000_000  # one message, all its lines together
KEEP_PROBLEMS = 20  # problems a lenient parse keeps word for word (all are counted)


def gettext_noop(message: str) -> str:
    """Marks a template for ``makemessages`` (which looks for this name); translated where it is shown."""
    return message


@dataclass(frozen=True)
class Said:
    """A sentence for a person: a template with ``%(name)s`` places, and what goes in them."""

    template: str
    params: dict[str, str | int] = field(default_factory=dict)
    line: int = 0  # where in the export, when a line is to blame

    def __str__(self) -> str:
        text = self.template % self.params if self.params else self.template
        return f"line {self.line}: {text}" if self.line else text

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "t": self.template, "p": self.params}


def said(template: str, line: int = 0, **params: str | int) -> Said:
    return Said(template, params, line)


class ParseError(ValueError):
    """The export cannot be read at ``line`` (1-based; 0 when no line is to blame)."""

    def __init__(self, line: int, template: str, **params: str | int) -> None:
        self.said = Said(template, params, line)
        super().__init__(str(self.said))
        self.line = line
        self.reason = str(Said(template, params))


@dataclass
class Message:
    timestamp: str  # ISO 8601, local time of the exporting phone unless the format gives a zone
    sender: str | None  # None for system messages (encryption notice, joins, number changes)
    text: str
    platform: str
    line: int  # where the message starts in a text export, for showing the original (0: not a text file)
    system: bool = False
    attachments: list[str] = field(default_factory=list)  # file names the export refers to
    omitted: list[str] = field(default_factory=list)  # media the export left out ("media", "image", ...)
    # Where the format gives them (Telegram): the chat's name, the message's own id,
    # whom it was forwarded from, and when it was last edited.
    chat: str | None = None
    ref: str = ""
    forwarded_from: str | None = None
    edited: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)  # e-mail: every header in order, as sent

    def as_json(self) -> str:
        out: dict[str, Any] = {
            "timestamp": self.timestamp,
            "sender": self.sender,
            "text": self.text,
            "attachments": self.attachments,
            "system": self.system,
            "platform": self.platform,
            "line": self.line,
        }
        if self.omitted:
            out["omitted"] = self.omitted
        for key in ("chat", "ref", "forwarded_from", "edited"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.headers:
            out["headers"] = [list(pair) for pair in self.headers]
        return json.dumps(out, ensure_ascii=False)


@dataclass
class ParseReport:
    """What a parse decided and what it skipped."""

    messages: int = 0
    bad_lines: int = 0
    problems: list[Said] = field(default_factory=list)
    notes: list[Said] = field(default_factory=list)  # decisions worth telling the user (e.g. a date order)

    def problem(self, error: ParseError, lenient: bool) -> None:
        if not lenient:
            raise error
        self.bad_lines += 1
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(error.said)

    def note(self, template: str, line: int = 0, **params: str | int) -> None:
        self.notes.append(Said(template, params, line))


BLOCK_BYTES = 1024 * 1024


def text_chunks(fh: IO[bytes], report: ParseReport, lenient: bool) -> Iterator[tuple[int, str]]:
    """(number of the first line, text) for runs of whole lines, each ending in "\n".

    Line breaks may be LF, CRLF or a lone CR. Text is decoded a megabyte at a
    time, so parsers work on large strings instead of line by line. A line
    longer than MAX_LINE_BYTES is reported by number (leniently: left out and
    counted) and never held whole; a line that is not UTF-8 is reported too
    (leniently: kept with U+FFFD for the bad bytes, and counted).
    """
    number = 1
    carry = b""
    first = True
    skipping = False  # inside an overlong line, reading on to its end
    while True:
        block = fh.read(BLOCK_BYTES)
        data = carry + block
        if not block and not data:
            return
        if block and data.endswith(b"\r"):  # a CRLF may be cut between two blocks
            data, carry = data[:-1], b"\r"
        else:
            carry = b""
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in data else data
        cut = data.rfind(b"\n") + 1 if block else len(data)
        if skipping:
            end = data.find(b"\n")
            if end < 0:
                continue
            data, cut, skipping = data[end + 1 :], cut - end - 1, False
            number += 1
        if cut == 0:
            if len(data) > MAX_LINE_BYTES:
                report.problem(
                    ParseError(
                        number, gettext_noop("longer than %(limit)s bytes"), limit=f"{MAX_LINE_BYTES:,}"
                    ),
                    lenient,
                )
                skipping, carry = True, b""
            else:
                carry = data + carry
            continue
        whole, carry = data[:cut], data[cut:] + carry
        if not whole.endswith(b"\n"):
            whole += b"\n"
        if first:
            whole, first = whole.removeprefix(b"\xef\xbb\xbf"), False
        text = _decode(whole, number, report, lenient)
        yield number, text
        number += whole.count(b"\n")
        if not block:
            return


def _decode(whole: bytes, number: int, report: ParseReport, lenient: bool) -> str:
    try:
        return whole.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Rare: find the lines at fault and name them. Leniently, such a line is kept with
    # U+FFFD in place of the bytes that are not UTF-8 (and counted): nothing else is lost.
    lines = []
    for k, raw in enumerate(whole.split(b"\n")[:-1]):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            report.problem(
                ParseError(
                    number + k, gettext_noop("not UTF-8 text (byte %(byte)s of the line)"), byte=exc.start + 1
                ),
                lenient,
            )
            lines.append(raw.decode("utf-8", "replace"))
    return "\n".join(lines) + "\n"
