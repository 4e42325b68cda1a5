"""WhatsApp "Export chat" text files, from Android and iOS, in any locale's date shape. No Django.

A message starts with a header line and runs until the next header:

    Android  ``31/12/2019, 21:05 - Name: text``   ``12/31/19, 9:05 PM - Name: text``
             ``2019/7/2 下午9:14 - Name: text``     ``31.12.19, 21:05 - text`` (a system line)
    iOS      ``[31/12/2019, 21:05:33] Name: text``  with U+200E marks before the bracket
             and before system and attachment text

Dates are turned into the Gregorian calendar: Thai Buddhist years, and Solar
Hijri and Umm al-Qura years (phones set to those calendars), are told apart by
their range; Japanese era years are written with their era (``R4``, ``H30``).
Text before the first header (a note on top of a forwarded export) is skipped
and reported as a note; a header written in the other platform's shape inside
a message is part of that message.

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
from typing import IO, Any

import hijridate
import jdatetime

from longreach.messages.chat import (
    MAX_MESSAGE_CHARS,
    Message,
    ParseError,
    ParseReport,
    gettext_noop,
    text_chunks,
)

PLATFORM = "whatsapp"
ORDERS = ("dmy", "mdy", "ymd")

# Direction marks WhatsApp and right-to-left locales insert around dates, names and system text.
# A byte-order mark can stand anywhere a file was joined from pieces, so it counts as one too.
_MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"
_SPACE = " \u00a0\u202f"
# Day-half markers by locale, before or after the time (in lower, upper and capitalised case).
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
    "ق.ظ.",  # Persian, as CLDR writes it
    "öö",
    "vorm.",
    "午前",
    "sa",
    "چ.ب",
    "in the morning",
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
    "ب.ظ.",
    "ös",
    "nachm.",
    "午後",
    "ch",
    "چ.ك",
    "in the afternoon",
    "in the evening",
)


def _alternatives(words: tuple[str, ...]) -> str:
    # Upper and lower case spelled out: a case-blind pattern is half again as slow.
    spelled = {v for w in words for v in (w, w.upper(), w.capitalize())}
    return "|".join(re.escape(w) for w in sorted(spelled, key=len, reverse=True))


_HALF = _alternatives(_AM + _PM)
# A day-half word is only tried where one of their first letters stands.
_HALF_START = "".join(sorted({w[0] for w in re.sub(r"\\(.)", r"\1", _HALF).split("|")}))


_M = f"[{_MARK_CHARS}]*"
# Japanese phones set to the Japanese calendar write the era before the year: R4 (Reiwa 4) is 2022,
# H30 (Heisei 30) is 2018; the year after the era's first is added to the year before it began.
_ERAS = {"R": 2018, "令和": 2018, "H": 1988, "平成": 1988}
_ERA_NAMES = "|".join(sorted(_ERAS, key=len, reverse=True))
_ERA_YEAR = re.compile(f"^({_ERA_NAMES})(\\d{{1,2}})$")
_NAMES = ("open", "d1", "sep", "d2", "d3", "pre", "h", "mi", "s", "post", "end")


def _head(capture_time: bool, shape: str = "numeric") -> str:
    """A header up to the sender; without ``capture_time``, only the date is captured (deciding its order).

    ``shape`` is the header's dialect: ``numeric`` (date, then time: nearly every
    phone), ``time_first`` (Vietnamese iOS: ``[14:56:01, 3/18/22]``), and two old
    Android shapes with month names: ``month_time_first`` (``19:23, 28 Aug 2013``)
    and ``month_first`` (``Mar 5, 8:11 PM``, the year left out in the year of the
    export).
    """

    def group(name: str) -> str:
        return f"(?P<{name}>" if capture_time else "(?:"

    start = rf"{_M}(?P<open>\[)?{_M}"
    date = (
        rf"(?P<d1>(?:{_ERA_NAMES})?\d{{1,4}}){_M}(?P<sep>[./\-]){_M}(?P<d2>\d{{1,2}}){_M}(?P=sep){_M}"
        rf"(?P<d3>\d{{1,4}})\.?"
    )
    gap = rf"{_M}[,،]?[{_SPACE}{_MARK_CHARS}]+"
    clock = (
        rf"(?:(?=[{re.escape(_HALF_START)}]){group('pre')}{_HALF})[{_SPACE}]?)?"
        rf"{group('h')}\d{{1,2}})[:.]{group('mi')}\d{{2}})(?:[:.]{group('s')}\d{{2}}))?"
        rf"(?:[{_SPACE}]*(?=[{re.escape(_HALF_START)}]){group('post')}{_HALF}))?"
    )
    month = r"(?P<mon>[^\W\d_]{3,12}\.?)"
    # Android ends the header with " - ", iOS with "] ", old iOS without brackets with ": ".
    end = rf"{_M}(?(open)\][{_SPACE}]|(?:{group('end')}[{_SPACE}][\-–][{_SPACE}])|:[{_SPACE}]))"
    if shape == "time_first":
        return start + clock + gap + date + end
    if shape == "month_time_first":
        return (
            start + clock + gap + rf"(?P<mday>\d{{1,2}})[{_SPACE}]+{month}[{_SPACE}]+(?P<year>\d{{4}})" + end
        )
    if shape == "month_first":
        return (
            start
            + rf"{month}[{_SPACE}]+(?P<mday>\d{{1,2}})(?:,[{_SPACE}]+(?P<year>\d{{4}}))?"
            + gap
            + clock
            + end
        )
    return start + date + gap + clock + end


_HEADER = re.compile("^" + _head(True))
# After a line break: the regex engine then jumps from break to break instead of trying every position.
_HEADER_AT = re.compile("\n" + _head(True))
_DATES_AT = re.compile("\n" + _head(False))  # findall gives (open, d1, sep, d2, d3)
SHAPES = ("numeric", "time_first", "month_time_first", "month_first")
_SHAPE_AT = {shape: re.compile("\n" + _head(True, shape)) for shape in SHAPES}
_SHAPE_DATES_AT = {shape: re.compile("\n" + _head(False, shape)) for shape in SHAPES[:2]}
# Month names as old Android phones wrote them, in the languages of the people this serves and of
# the countries they live in; matched without case and without a final dot.
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january janv janvier ene enero januar ocak oca янв января январь",
        "feb february fév févr février febrero februar fev fevereiro şubat şub фев февраля февраль",
        "mar march mars marzo märz mär março mart мар марта март",
        "apr april avr avril abr abril nisan nis апр апреля апрель",
        "may mai mayo maio mayıs мая май",
        "jun june juin junio juni junho haziran haz июн июня июнь",
        "jul july juil juillet julio juli julho temmuz tem июл июля июль",
        "aug august août ago agosto ağustos ağu авг августа август",
        "sep sept september septembre septiembre set setembro eylül eyl сен сентября сентябрь",
        "oct october octobre octubre okt oktober out outubro ekim eki окт октября октябрь",
        "nov november novembre noviembre novembro kasım kas ноя ноября ноябрь",
        "dec december déc décembre dic diciembre dez dezember dezembro aralık ara дек декабря декабрь",
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names.split(), _number))


def _month(name: str) -> str:
    """The month's number as text; "0" (a date that cannot be) for a name not known."""
    return str(_MONTHS.get(name.rstrip(".").casefold(), 0))


def detect_shape(open_file: Callable[[], IO[bytes]]) -> str:
    """The header dialect with the most headers in the file's first megabyte (numeric when none)."""
    with open_file() as fh:
        first = next(text_chunks(fh, ParseReport(), lenient=True), (1, ""))[1]
    counts = {shape: len(pattern.findall("\n" + first)) for shape, pattern in _SHAPE_AT.items()}
    best = max(SHAPES, key=lambda shape: (counts[shape], shape == "numeric"))
    return best if counts[best] else "numeric"


_PM_SET = {w.casefold() for w in _PM}


# iOS marks attachment and system text with U+200E; these are the attachment forms.
_IOS_ATTACHED = re.compile(
    r"^\u200e?<(?:attached|adjunto|anexado|angehängt|вложение|ekli|مرفق): (?P<name>[^<>]+)>$"
)
_IOS_OMITTED = re.compile(
    r"^\u200e?(?P<kind>image|video|audio|sticker|GIF|document|Contact card) omitted$", re.IGNORECASE
)
# Marked like system text, but said by the sender: calls, deleted messages, a named file left out.
_IOS_FROM_SENDER = re.compile(
    r"^\u200e(?:Missed (?:voice|video|group voice|group video) call|Voice call|Video call"
    r"|This message was deleted|You deleted this message|Waiting for this message"
    r"|.*\u200e(?:document|image|video|audio|sticker|GIF) omitted$)",
    re.IGNORECASE | re.DOTALL,
)
_IOS_KIND_OMITTED = re.compile(r"\u200e(?P<kind>document|image|video|audio|sticker|GIF) omitted$", re.I)
# Android: "<Media omitted>" in whatever language; a file kept beside the chat is "NAME (file attached)".
_ANDROID_OMITTED = re.compile(r"^<[^<>:/\\\n]{2,40}>$")
_ANDROID_ATTACHED = re.compile(
    r"^(?P<name>(?:IMG|VID|AUD|PTT|DOC|STK)-\d{8}-WA\d{4,}\.[A-Za-z0-9]{1,5}|[^\s/\\]+\.[A-Za-z0-9]{1,5}) "
    r"\((?P<label>[^()\n]{2,40})\)(?:\n(?P<caption>.*))?$",
    re.DOTALL,
)
_ATTACHED_LABELS = {"file attached", "datei angehängt", "archivo adjunto", "arquivo anexado", "файл добавлен"}


def looks_like_header(text: str) -> bool:
    return _HEADER.match(text) is not None


# Two-digit years: WhatsApp is from 2009, so "99" is 1999 (a date that fails the order check), never 2099.
_CENTURY_PIVOT = dt.date.today().year % 100 + 5


def _year(raw: str) -> int:
    year = int(raw)
    if year < 100:
        return (2000 if year <= _CENTURY_PIVOT else 1900) + year
    if year > 2400:  # Buddhist era (Thai iOS): 2562 is 2019
        return year - 543
    return year


def _date(d1: str, d2: str, d3: str, order: str) -> dt.date:
    """Raises ValueError for a date that cannot be, in this order."""
    era = _ERA_YEAR.match(d1)
    if era:
        if order != "ymd":
            raise ValueError("an era year (R4, H30) comes first")
        return _gregorian(_ERAS[era[1]] + int(era[2]), int(d2), int(d3))
    if order == "ymd":
        if d1 == "?":
            raise ValueError("the year is not written (old Android phones leave it out in the export's year)")
        if len(d1) < 3:
            raise ValueError("the year does not come first")
        return _gregorian(_year(d1), int(d2), int(d3))
    if len(d3) == 3 or len(d1) > 2:
        raise ValueError("the year does not come last")
    day, month = (d1, d2) if order == "dmy" else (d2, d1)
    return _gregorian(_year(d3), int(month), int(day))


# In WhatsApp's years (2009 on) the two Hijri calendars cannot be taken for each other: Solar Hijri
# 1388-1410 is 2009-2031, Umm al-Qura 1430-1460 is 2009-2038, and neither is a Gregorian year then.
_SOLAR_HIJRI = range(1380, 1416)
_LUNAR_HIJRI = range(1420, 1471)


def _gregorian(year: int, month: int, day: int) -> dt.date:
    if year in _SOLAR_HIJRI:
        return jdatetime.date(year, month, day).togregorian()  # type: ignore[no-any-return]
    if year in _LUNAR_HIJRI:
        return _lunar(year, month, day)
    return dt.date(year, month, day)


def _lunar(year: int, month: int, day: int) -> dt.date:
    g = hijridate.Hijri(year, month, day).to_gregorian()
    return dt.date(g.year, g.month, g.day)


def _clock(h: str, mi: str, s: str | None, half_word: str | None) -> str:
    """HH:MM:SS on a 24-hour clock; raises ValueError for a time that cannot be."""
    hour = int(h)
    if half_word is not None:
        if not 0 <= hour <= 12:  # some phones write "0:24 PM" for 12:24 PM
            raise ValueError(f"{hour} is not an hour of a 12-hour clock")
        hour = hour % 12 + (12 if half_word.casefold() in _PM_SET else 0)
    return dt.time(hour, int(mi), int(s) if s else 0).isoformat()


def _date_text(d1: str, d2: str, d3: str, order: str) -> str:
    return _date(d1, d2, d3, order).isoformat()


@dataclass
class DateOrder:
    order: str
    ambiguous: bool  # every signal in the file leaves more than one order
    alternative: str = ""  # the other order that reads the whole file, when ambiguous
    by: str = ""  # the signal that decided: "impossible", "media", "export", "forward", "clock" or ""


# A date in the export's own file name ("WhatsApp Chat - Aziz 2022-05-10.zip", a caseworker's
# "chat_20220510.txt") is the day it was exported or later: no message is after it.
_NAME_DAY = re.compile(r"(?<!\d)(20\d\d)[-_. ]?(0[1-9]|1[0-2])[-_. ]?(0[1-9]|[12]\d|3[01])(?!\d)")


def exported_on(name: str) -> dt.date | None:
    """The latest real date written in a file name, or None."""
    days = []
    for year, month, day in _NAME_DAY.findall(name):
        try:
            days.append(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return max(days, default=None)


# WhatsApp names the media it saves by the day it was sent: IMG-20220510-WA0003.jpg.
_MEDIA_DAY = re.compile(r"\b(?:IMG|VID|AUD|PTT|DOC|STK)-(20\d{6})-WA\d")
_UPPER_HALF = re.compile(r"\d[ \u00a0\u202f]?(?:AM|PM)\b")


def decide_order(
    open_file: Callable[[], IO[bytes]], shape: str = "numeric", exported: dt.date | None = None
) -> DateOrder:
    """The date order under which every header is a real date, and the file's other signals agree.

    In turn: an order that makes any date impossible is out; then the one under
    which the days in media file names match the days of their messages; then
    the one with no message after the day the export was made (``exported``,
    from its file name; a day's grace for time zones); then the one under
    which the chat runs forward in time; last, the clock: a file
    with upper-case "AM"/"PM" was written by a U.S.-English phone, which writes
    month first. Only the distinct dates are tried (a chat has thousands of days,
    not millions), in the order they first appear.
    """
    found: dict[tuple[str, ...], None] = {}
    media: dict[tuple[str, str, str, str], None] = {}
    upper = lower = 0
    with open_file() as fh:
        for _, text in text_chunks(fh, ParseReport(), lenient=True):
            found.update(dict.fromkeys(_SHAPE_DATES_AT[shape].findall("\n" + text)))
            if "-WA" in text:
                for m in _SHAPE_AT[shape].finditer("\n" + text):
                    in_name = _MEDIA_DAY.search(text, m.end() - 1, text.find("\n", m.end() - 1))
                    if in_name:
                        media[(m["d1"], m["d2"], m["d3"], in_name[1])] = None
            if upper + lower < 1000:
                upper += len(_UPPER_HALF.findall(text, 0, 200_000))
                lower += text.count(" am ", 0, 200_000) + text.count(" pm ", 0, 200_000)
    dates = dict.fromkeys((d1, d2, d3) for _open, d1, _sep, d2, d3 in found)
    impossible = dict.fromkeys(ORDERS, 0)
    backwards = dict.fromkeys(ORDERS, 0)
    mismatched = dict.fromkeys(ORDERS, 0)
    after_export = dict.fromkeys(ORDERS, 0)
    last: dict[str, dt.date] = {}
    for d in dates:
        for order in ORDERS:
            try:
                day = _date(d[0], d[1], d[2], order)
            except ValueError:
                impossible[order] += 1
                continue
            if order in last and day < last[order]:
                backwards[order] += 1
            if exported is not None and (day - exported).days > 1:
                after_export[order] += 1
            last[order] = day
    for d1, d2, d3, named in media:
        saved = dt.date(int(named[:4]), int(named[4:6]), int(named[6:]))
        for order in ORDERS:
            try:
                if abs((_date(d1, d2, d3, order) - saved).days) > 1:
                    mismatched[order] += 1
            except ValueError:
                pass
    seen = [o for o in ORDERS if o in last]
    if not seen:
        return DateOrder("dmy", False)
    clock = {"mdy": 0 if upper > lower else 1, "dmy": 1 if upper > lower else 0, "ymd": 2}

    def rank(o: str) -> tuple[int, ...]:
        return (impossible[o], mismatched[o], after_export[o], backwards[o], clock[o])

    ranked = sorted(seen, key=rank)
    best, rest = ranked[0], ranked[1:]
    if not rest:
        return DateOrder(best, False, by="impossible" if len(seen) < len(ORDERS) else "")
    runner = rest[0]
    for position, signal in enumerate(("impossible", "media", "export", "forward")):
        if rank(best)[position] != rank(runner)[position]:
            return DateOrder(best, False, by=signal)
    by_clock = rank(best)[4] != rank(runner)[4] and upper > lower
    return DateOrder(best, True, alternative=runner, by="clock" if by_clock else "")


_ORDER_WORDS = {"dmy": "day/month/year", "mdy": "month/day/year", "ymd": "year/month/day"}


def parse(
    open_file: Callable[[], IO[bytes]],
    *,
    order: str | None = None,
    lenient: bool = False,
    report: ParseReport | None = None,
    exported: dt.date | None = None,
) -> Iterator[Message]:
    """Every message of the export, in file order; ``exported``, the day in the export's file name,
    helps decide the date order."""
    report = report if report is not None else ParseReport()
    shape = detect_shape(open_file)
    if shape.startswith("month"):
        order = "ymd"  # the month is a name: nothing to decide
    elif order is None:
        decided = decide_order(open_file, shape, exported)
        order = decided.order
        if decided.ambiguous:
            report.note(
                gettext_noop(
                    "every date in the file reads both ways; they were read as %(order)s: check a date you "
                    "know, and read the file again as %(other)s if it is wrong"
                ),
                order=_ORDER_WORDS[order],
                other=_ORDER_WORDS[decided.alternative],
                alternative=decided.alternative,
            )
    elif order not in ORDERS:
        raise ValueError(f"date order must be one of {', '.join(ORDERS)}")
    reader = _Reader(order, report, lenient, shape)
    with open_file() as fh:
        for first, text in text_chunks(fh, report, lenient):
            yield from reader.chunk(first, text)
    yield from reader.close()
    if report.messages == 0 and not report.bad_lines:
        raise ParseError(
            0, gettext_noop("no WhatsApp messages found: this does not look like a WhatsApp chat export")
        )


class _Reader:
    """Headers found by one regex pass per chunk; a message is the text up to the next header.

    This loop runs once per message of files with millions of them, so it
    works on slices of the chunk and caches what each date and clock read as.
    """

    def __init__(self, order: str, report: ParseReport, lenient: bool, shape: str = "numeric") -> None:
        self.order, self.report, self.lenient = order, report, lenient
        self.pattern = _SHAPE_AT[shape]
        self.pick: Callable[[re.Match[str]], tuple[str | None, ...]] | None = {
            "numeric": None,  # the fast path: its groups are already in _NAMES order
            "time_first": lambda m: m.group(*_NAMES),
        }.get(shape, self._month_groups)
        self.last_year: int | None = None  # month-name headers: the last year written
        self.guessed_year = ""
        self.dates: dict[tuple[str, str, str], str | ValueError] = {}
        self.clocks: dict[tuple[str, str, str | None, str | None], str | ValueError] = {}
        # The message being read: its line, its time, and whether iOS wrote it.
        self.open: tuple[int, str, bool] | None = None
        # How the file's first header ends ("]", "-" or ":"); a header written the other way is
        # text pasted into a message (an iOS line quoted in an Android chat), not a new message.
        self.style: str | None = None
        self.skipped: list[int] = []  # lines before the first message
        self.parts: list[str] = []  # its text from earlier chunks, when it spans more than one
        self.chars = 0
        self.cut = False  # the message went over MAX_MESSAGE_CHARS: reported, the rest not kept
        self.dropping = False  # after a header that cannot be read, until the next one

    def chunk(self, first: int, chunk: str) -> Iterator[Message]:
        text = "\n" + chunk  # each header is found after a line break, the first one too
        line, counted, pos = first - 1, 0, 0
        count, dates, clocks = text.count, self.dates, self.clocks
        pick = self.pick
        for m in self.pattern.finditer(text):
            g: tuple[Any, ...] = (
                m.groups() if pick is None else pick(m)
            )  # open, d1, sep, d2, d3, pre, h, mi, s, post, end
            style = "]" if g[0] is not None else "-" if g[10] is not None else ":"
            if self.style is not None and style != self.style:
                continue
            start = m.start()
            if self.open is not None:
                yield self.finish(text[pos:start])
            elif start > pos and not self.dropping:
                self._before_first(text, pos, start, first)
            line += count("\n", counted, start + 1)
            counted = start + 1
            pos = m.end()
            date = dates.get((g[1], g[3], g[4]))
            if date is None:
                date = dates[(g[1], g[3], g[4])] = self._read(_date_text, g[1], g[3], g[4], self.order)
            clock = clocks.get((g[6], g[7], g[8], g[5] or g[9]))
            if clock is None:
                clock = clocks[(g[6], g[7], g[8], g[5] or g[9])] = self._read(
                    _clock, g[6], g[7], g[8], g[5] or g[9]
                )
            if isinstance(date, ValueError) or isinstance(clock, ValueError):
                problem = date if isinstance(date, ValueError) else clock
                self.report.problem(
                    ParseError(
                        line,
                        gettext_noop("the date or time cannot be read as %(order)s: %(detail)s"),
                        order=self.order,
                        detail=str(problem),
                    ),
                    self.lenient,
                )
                self.dropping = True
                continue
            self.open, self.dropping = (line, f"{date}T{clock}", style != "-"), False
            self.style = style
        tail = text[pos:-1]
        if self.open is not None:
            if not self.cut:
                self.parts.append(tail)  # the next chunk's text starts with the line break
                self.chars += len(tail)
                if self.chars > MAX_MESSAGE_CHARS:
                    self._too_long()
        elif tail and not self.dropping:
            self._before_first(text, pos, len(text) - 1, first)

    def _month_groups(self, m: re.Match[str]) -> tuple[str | None, ...]:
        """A month-name header in the numeric layout, year first; a year left out is guessed and said."""
        year = m["year"]
        if year:
            self.last_year = int(year)
        elif self.last_year is not None:
            year = self.guessed_year = str(self.last_year + 1)
        else:
            year = "?"
        return (
            m["open"],
            year,
            "-",
            _month(m["mon"]),
            m["mday"],
            m["pre"],
            m["h"],
            m["mi"],
            m["s"],
            m["post"],
            m["end"],
        )

    @staticmethod
    def _read(read: Callable[..., str], *args: str | None) -> str | ValueError:
        try:
            return read(*args)
        except ValueError as exc:
            return exc

    def _too_long(self) -> None:
        """Report a message over MAX_MESSAGE_CHARS once; it is kept cut to that length."""
        assert self.open is not None
        self.report.problem(
            ParseError(
                self.open[0],
                gettext_noop("the message is longer than %(limit)s characters"),
                limit=f"{MAX_MESSAGE_CHARS:,}",
            ),
            self.lenient,
        )
        self.cut = True

    def _before_first(self, text: str, start: int, end: int, first: int) -> None:
        """Lines before the first header (a note on top of a forwarded export) are skipped and counted."""
        offset = start
        for piece in text[start:end].split("\n"):
            if piece.strip(_SPACE + _MARK_CHARS + "\r\t"):
                self.skipped.append(first - 1 + text.count("\n", 0, offset + 1))
            offset += len(piece) + 1

    def close(self) -> Iterator[Message]:
        if self.open is not None:
            yield self.finish()
        if self.guessed_year:
            self.report.note(
                gettext_noop(
                    "dates without a year were read as %(year)s, the year after the last one written: "
                    "check a date you know"
                ),
                year=self.guessed_year,
            )
        if self.skipped and self.report.messages:
            self.report.note(
                gettext_noop(
                    "%(count)s lines before the first message (lines %(first)s to %(last)s) are not part of "
                    "the chat and were skipped"
                ),
                line=self.skipped[0],
                count=len(self.skipped),
                first=self.skipped[0],
                last=self.skipped[-1],
            )

    def finish(self, piece: str = "") -> Message:
        assert self.open is not None
        if not self.cut and len(piece) + self.chars > MAX_MESSAGE_CHARS:
            self._too_long()
            self.parts.append(piece)
        line, when, ios = self.open
        if self.cut:
            body = "".join(self.parts)[:MAX_MESSAGE_CHARS]
        else:
            body = "".join(self.parts) + piece if self.parts else piece
        self.open, self.parts, self.chars, self.cut = None, [], 0, False
        self.report.messages += 1
        msg = Message(timestamp=when, sender=None, text=body, platform=PLATFORM, line=line)
        sender, sep, text = body.partition(": ")
        if ios and sep:
            _ios(msg, sender, text)
        elif not ios and sep and "\n" not in sender and _balanced(sender) and len(sender) <= 80:
            msg.sender, msg.text = sender, text
            if text[:1] == "<" or " (" in text:
                _android_media(msg)
        else:
            _system(msg, body)
        return msg


def _balanced(sender: str) -> bool:
    """A name may quote a nickname (First "Nick" Last); a colon inside a quoted subject is not a sender's."""
    return sender.count('"') % 2 == 0 and sender.count("“") == sender.count("”") and "«" not in sender


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
    elif _IOS_FROM_SENDER.match(text):
        msg.sender, msg.text = sender, text.strip(_MARK_CHARS)
        if left_out := _IOS_KIND_OMITTED.search(text):
            # "‎Report.pdf • ‎3 pages ‎document omitted": the file's name is what the sender showed.
            name = text.lstrip(_MARK_CHARS).split("•")[0].split("\u200e")[0].strip(_SPACE)
            msg.text, msg.omitted = name, [left_out["kind"].lower()]
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
