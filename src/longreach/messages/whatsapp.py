"""WhatsApp "Export chat" text files, from Android and iOS, in any locale's date shape. No Django.

A message starts with a header line and runs until the next header:

    Android  ``31/12/2019, 21:05 - Name: text``   ``12/31/19, 9:05 PM - Name: text``
             ``2019/7/2 下午9:14 - Name: text``     ``31.12.19, 21:05 - text`` (a system line)
    iOS      ``[31/12/2019, 21:05:33] Name: text``  with U+200E marks before the bracket
             and before system and attachment text

The day/month order is decided from every header in the file, not the first
one: an order that gives an impossible date anywhere is out, and of those
left, the one under which the chat runs forward in time wins (exports are in
order). A file where both orders read the same is reported as ambiguous.

Parsing reads the file twice (once for the date order, once for messages),
so it takes a way to open it, and holds one message at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from longreach.messages.chat import MAX_MESSAGE_CHARS, Message, ParseError, ParseReport, text_lines

PLATFORM = "whatsapp"
ORDERS = ("dmy", "mdy", "ymd")

# Direction marks WhatsApp and right-to-left locales insert around dates, names and system text.
_MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
_MARKS = _MARK_CHARS
_SPACE = " \u00a0\u202f"
# Day-half markers by locale; matched case-insensitively, before or after the time.
_AM = (
    "am",
    "a.m.",
    "a. m.",
    "a.m",
    "上午",
    "凌晨",
    "早上",
    "오전",
    "ص",
    "ق.ظ",
    "öö",
    "vorm.",
    "午前",
    "sa",
    "چ.ب",
)
_PM = (
    "pm",
    "p.m.",
    "p. m.",
    "p.m",
    "下午",
    "中午",
    "晚上",
    "오후",
    "م",
    "ب.ظ",
    "ös",
    "nachm.",
    "午後",
    "ch",
    "چ.ك",
)


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_HALF = _alternatives(_AM + _PM)
_HEADER = re.compile(
    rf"^[{_MARKS}]*(?P<open>\[)?[{_MARKS}]*"
    rf"(?P<d1>\d{{1,4}})[{_MARKS}]*(?P<sep>[./\-])[{_MARKS}]*(?P<d2>\d{{1,2}})[{_MARKS}]*(?P=sep)[{_MARKS}]*"
    rf"(?P<d3>\d{{1,4}})\.?"
    rf"[{_MARKS}]*,?[{_SPACE}{_MARKS}]+"
    rf"(?:(?P<pre>{_HALF})[{_SPACE}]?)?"
    rf"(?P<h>\d{{1,2}})[:.](?P<mi>\d{{2}})(?:[:.](?P<s>\d{{2}}))?"
    rf"(?:[{_SPACE}]*(?P<post>{_HALF}))?[{_MARKS}]*"
    rf"(?(open)\][{_SPACE}]|[{_SPACE}][\-–][{_SPACE}])"
    r"(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PM_SET = {w.casefold() for w in _PM}

# iOS marks attachment and system text with U+200E; these are the attachment forms.
_IOS_ATTACHED = re.compile(
    r"^\u200e?<(?:attached|adjunto|anexado|angehängt|вложение|ekli|مرفق): (?P<name>[^<>]+)>$"
)
_IOS_OMITTED = re.compile(
    r"^\u200e?(?P<kind>image|video|audio|sticker|GIF|document|Contact card) omitted$", re.IGNORECASE
)
# Android: "<Media omitted>" in whatever language; a file kept beside the chat is "NAME (file attached)".
_ANDROID_OMITTED = re.compile(r"^<[^<>:/\\\n]{2,40}>$")
_ANDROID_ATTACHED = re.compile(
    r"^(?P<name>(?:IMG|VID|AUD|PTT|DOC|STK)-\d{8}-WA\d{4,}\.[A-Za-z0-9]{1,5}|[^\s/\\]+\.[A-Za-z0-9]{1,5}) "
    r"\((?P<label>[^()\n]{2,40})\)(?:\n(?P<caption>.*))?$",
    re.DOTALL,
)
_ATTACHED_LABELS = {"file attached", "datei angehängt", "archivo adjunto", "arquivo anexado", "файл добавлен"}


@dataclass(frozen=True)
class _Header:
    line: int
    d: tuple[str, str, str]
    h: int
    mi: int
    s: int | None
    half: str | None  # "am" / "pm" when the clock has 12 hours
    ios: bool
    rest: str


def looks_like_header(text: str) -> bool:
    return _HEADER.match(text) is not None


def _header(number: int, text: str) -> _Header | None:
    m = _HEADER.match(text)
    if m is None:
        return None
    half_word = m["pre"] or m["post"]
    half = None if half_word is None else ("pm" if half_word.casefold() in _PM_SET else "am")
    return _Header(
        number,
        (m["d1"], m["d2"], m["d3"]),
        int(m["h"]),
        int(m["mi"]),
        int(m["s"]) if m["s"] else None,
        half,
        m["open"] is not None,
        m["rest"],
    )


def _year(raw: str) -> int:
    year = int(raw)
    if year < 100:
        return 2000 + year
    if year > 2400:  # Buddhist era (Thai iOS): 2562 is 2019
        return year - 543
    return year


def _date(d: tuple[str, str, str], order: str) -> dt.date:
    """Raises ValueError for a date that cannot be, in this order."""
    if order == "ymd":
        if len(d[0]) < 3:
            raise ValueError("the year does not come first")
        return dt.date(_year(d[0]), int(d[1]), int(d[2]))
    if len(d[2]) == 3 or len(d[0]) > 2:
        raise ValueError("the year does not come last")
    day, month = (d[0], d[1]) if order == "dmy" else (d[1], d[0])
    return dt.date(_year(d[2]), int(month), int(day))


def _time(h: _Header) -> dt.time:
    hour = h.h
    if h.half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{hour} is not an hour of a 12-hour clock")
        hour = hour % 12 + (12 if h.half == "pm" else 0)
    return dt.time(hour, h.mi, h.s or 0)


@dataclass
class DateOrder:
    order: str
    ambiguous: bool  # every date in the file reads as a real date in more than one order


def decide_order(open_file: Callable[[], IO[bytes]]) -> DateOrder:
    """The date order under which every header is a real date and the chat runs forward in time."""
    impossible = dict.fromkeys(ORDERS, 0)
    backwards = dict.fromkeys(ORDERS, 0)
    last: dict[str, dt.datetime] = {}
    with open_file() as fh:
        for number, text in text_lines(fh, ParseReport(), lenient=True):
            h = _header(number, text)
            if h is None:
                continue
            for order in ORDERS:
                try:
                    when = dt.datetime.combine(_date(h.d, order), _time(h))
                except ValueError:
                    impossible[order] += 1
                    continue
                if order in last and when < last[order]:
                    backwards[order] += 1
                last[order] = when
    seen = {o for o in ORDERS if o in last}
    if not seen:
        return DateOrder("dmy", False)
    ranked = sorted(seen, key=lambda o: (impossible[o], backwards[o], ORDERS.index(o)))
    best = ranked[0]
    ties = [o for o in ranked if (impossible[o], backwards[o]) == (impossible[best], backwards[best])]
    return DateOrder(best, len(ties) > 1)


def parse(
    open_file: Callable[[], IO[bytes]],
    *,
    order: str | None = None,
    lenient: bool = False,
    report: ParseReport | None = None,
) -> Iterator[Message]:
    """Every message of the export, in file order."""
    report = report if report is not None else ParseReport()
    if order is None:
        decided = decide_order(open_file)
        order = decided.order
        if decided.ambiguous:
            report.notes.append(
                f"every date in the file reads both ways; read as {order.upper()} (choose with --date-order)"
            )
    elif order not in ORDERS:
        raise ValueError(f"date order must be one of {', '.join(ORDERS)}")
    with open_file() as fh:
        current: _Open | None = None
        for number, text in text_lines(fh, report, lenient):
            h = _header(number, text)
            if h is not None:
                try:
                    when = dt.datetime.combine(_date(h.d, order), _time(h))
                except ValueError as exc:
                    report.problem(
                        ParseError(number, f"the date or time cannot be read as {order}: {exc}"), lenient
                    )
                    continue
                if current is not None:
                    yield current.finish(report)
                current = _Open(h, when.isoformat())
            elif current is None:
                report.problem(
                    ParseError(number, "no WhatsApp message header (date, time) before this line"), lenient
                )
            elif not current.add(text):
                report.problem(
                    ParseError(
                        current.header.line, f"the message is longer than {MAX_MESSAGE_CHARS:,} characters"
                    ),
                    lenient,
                )
        if current is not None:
            yield current.finish(report)
    if report.messages == 0 and not report.bad_lines:
        raise ParseError(0, "no WhatsApp messages found: this does not look like a WhatsApp chat export")


class _Open:
    """The message being read: its header and the lines so far."""

    def __init__(self, header: _Header, timestamp: str) -> None:
        self.header = header
        self.timestamp = timestamp
        self.lines = [header.rest]
        self.chars = len(header.rest)
        self.cut = False

    def add(self, text: str) -> bool:
        if self.cut:
            return True
        self.chars += len(text) + 1
        if self.chars > MAX_MESSAGE_CHARS:
            self.cut = True
            return False
        self.lines.append(text)
        return True

    def finish(self, report: ParseReport) -> Message:
        report.messages += 1
        h = self.header
        body = "\n".join(self.lines)
        msg = Message(timestamp=self.timestamp, sender=None, text=body, platform=PLATFORM, line=h.line)
        sender, sep, text = body.partition(": ")
        if h.ios and sep:
            _ios(msg, sender, text)
        elif not h.ios and sep and "\n" not in sender and '"' not in sender and len(sender) <= 80:
            msg.sender, msg.text = sender, text
            _android_media(msg)
        else:
            _system(msg, body)
        return msg


def _system(msg: Message, text: str) -> None:
    msg.system, msg.sender, msg.text = True, None, text.lstrip(_MARK_CHARS)


def _ios(msg: Message, sender: str, text: str) -> None:
    sender = sender.strip(_MARK_CHARS)
    attached = _IOS_ATTACHED.match(text)
    omitted = _IOS_OMITTED.match(text)
    if attached:
        msg.sender, msg.text, msg.attachments = sender, "", [attached["name"]]
    elif omitted:
        msg.sender, msg.text, msg.omitted = sender, "", [omitted["kind"].lower()]
    elif text.startswith("\u200e"):
        # The chat's own name introduces iOS system lines ("Messages and calls are end-to-end encrypted").
        _system(msg, text)
    else:
        msg.sender, msg.text = sender, text


def _android_media(msg: Message) -> None:
    if _ANDROID_OMITTED.match(msg.text):
        msg.text, msg.omitted = "", ["media"]
        return
    attached = _ANDROID_ATTACHED.match(msg.text)
    if attached and (
        attached["label"].casefold() in _ATTACHED_LABELS
        or attached["name"][:4] in ("IMG-", "VID-", "AUD-", "PTT-", "DOC-", "STK-")
    ):
        msg.attachments = [attached["name"]]
        msg.text = attached["caption"] or ""
