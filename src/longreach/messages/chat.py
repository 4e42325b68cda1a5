"""What every chat parser yields, and the bounded line reader they share. No Django.

A parser reads an export as bytes and yields ``Message`` objects one at a
time, so a chat of any size is parsed in bounded memory. Bad input raises
``ParseError`` naming the line and the reason; with ``lenient`` a parser
skips what it cannot read and counts it in its ``ParseReport`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

MAX_LINE_BYTES = 1024 * 1024  # WhatsApp caps a message at 65,536 characters; a longer line is not a chat line
MAX_MESSAGE_CHARS = 1_000_000  # one message, all its lines together
KEEP_PROBLEMS = 20  # problems a lenient parse keeps word for word (all are counted)


class ParseError(ValueError):
    """The export cannot be read at ``line`` (1-based; 0 when no line is to blame)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.line = line
        self.reason = reason


@dataclass
class Message:
    timestamp: str  # ISO 8601, local time of the exporting phone unless the format gives a zone
    sender: str | None  # None for system messages (encryption notice, joins, number changes)
    text: str
    platform: str
    line: int  # where the message starts in the export, for showing the original
    system: bool = False
    attachments: list[str] = field(default_factory=list)  # file names the export refers to
    omitted: list[str] = field(default_factory=list)  # media the export left out ("media", "image", ...)

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
        return json.dumps(out, ensure_ascii=False)


@dataclass
class ParseReport:
    """What a parse decided and what it skipped."""

    messages: int = 0
    bad_lines: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # decisions worth telling the user (e.g. a date order)

    def problem(self, error: ParseError, lenient: bool) -> None:
        if not lenient:
            raise error
        self.bad_lines += 1
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(str(error))


def text_lines(fh: IO[bytes], report: ParseReport, lenient: bool) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line, split at LF, CRLF or a lone CR, decoded as UTF-8.

    A line longer than MAX_LINE_BYTES or not valid UTF-8 is a problem of its
    own line: reported (or, leniently, skipped and counted), never held whole.
    """
    number = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # read past the rest of it, a piece at a time
                raw = fh.readline(MAX_LINE_BYTES)
            report.problem(ParseError(number, f"longer than {MAX_LINE_BYTES:,} bytes"), lenient)
            continue
        raw = raw.rstrip(b"\n")
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        pieces = raw.split(b"\r") if b"\r" in raw else [raw]
        for k, piece in enumerate(pieces):
            if k:
                number += 1
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError as exc:
                report.problem(
                    ParseError(number, f"not UTF-8 text (byte {exc.start + 1} of the line)"), lenient
                )
                continue
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield number, text
