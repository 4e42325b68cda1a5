"""WhatsApp exports in the shapes phones really write (synthetic text, real structure)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO

import pytest

from longreach.messages import whatsapp
from longreach.messages.chat import MAX_LINE_BYTES, MAX_MESSAGE_CHARS, Message, ParseError, ParseReport

LRM, RLM, NNBSP = "\u200e", "\u200f", "\u202f"


def source(data: bytes | str) -> Callable[[], IO[bytes]]:
    raw = data.encode() if isinstance(data, str) else data
    return lambda: io.BytesIO(raw)


def parse(data: bytes | str, **kw: object) -> list[Message]:
    return list(whatsapp.parse(source(data), **kw))  # type: ignore[arg-type]


def brief(messages: list[Message]) -> list[tuple[str, str | None, str]]:
    return [(m.timestamp, m.sender, m.text) for m in messages]


def test_android_day_first_24_hour_with_system_lines_and_media() -> None:
    chat = (
        "02/07/2019, 21:14 - Messages and calls are end-to-end encrypted. No one outside of this chat,"
        " not even WhatsApp, can read or listen to them. Tap to learn more.\n"
        "02/07/2019, 21:14 - +86 138 0013 8000: Think of your family.\n"
        "Your mother is well. For now.\n"
        "14/07/2019, 08:02 - Dilnur: <Media omitted>\n"
        "14/07/2019, 08:03 - Dilnur: IMG-20190714-WA0003.jpg (file attached)\n"
        "the screenshot\n"
        "14/07/2019, 08:05 - +86 138 0013 8000 changed to +86 139 0000 0001\n"
        "14/07/2019, 08:06 - Dilnur added +90 555 000 0000\n"
    )
    got = parse(chat)
    assert [m.line for m in got] == [1, 2, 4, 5, 7, 8]
    assert got[0].system and got[0].sender is None and got[0].text.startswith("Messages and calls")
    assert (got[1].timestamp, got[1].sender) == ("2019-07-02T21:14:00", "+86 138 0013 8000")
    assert got[1].text == "Think of your family.\nYour mother is well. For now."
    assert (got[2].text, got[2].omitted) == ("", ["media"])
    assert (got[3].attachments, got[3].text) == (["IMG-20190714-WA0003.jpg"], "the screenshot")
    assert got[4].system and "changed to" in got[4].text
    assert got[5].system and got[5].text == "Dilnur added +90 555 000 0000"


def test_android_month_first_12_hour_with_a_narrow_space_before_the_marker() -> None:
    chat = (
        f"7/2/19, 9:14{NNBSP}PM - Officer Wang: We can reach you wherever you are\n"
        f"7/13/19, 12:05{NNBSP}AM - Me: ok\n"
    )
    assert brief(parse(chat)) == [
        ("2019-07-02T21:14:00", "Officer Wang", "We can reach you wherever you are"),
        ("2019-07-13T00:05:00", "Me", "ok"),
    ]


def test_the_order_is_decided_by_a_date_late_in_the_file() -> None:
    early = "".join(f"0{d}/0{m}/2020, 10:00 - A: hi {d}\n" for m in (1, 2) for d in (3, 4))
    late = "25/02/2020, 10:00 - A: this one decides\n"
    got = parse(early + late)
    assert got[0].timestamp == "2020-01-03T10:00:00" and got[-1].timestamp == "2020-02-25T10:00:00"
    month_first = (
        "".join(f"0{m}/0{d}/2020, 10:00 - A: hi\n" for m in (1, 2) for d in (3, 4))
        + "02/25/2020, 10:00 - A: x\n"
    )
    assert parse(month_first)[0].timestamp == "2020-01-03T10:00:00"


def test_running_forward_in_time_decides_when_no_date_is_impossible() -> None:
    # Day first: 4 March, then 3 April. Month first: 3 April, then 4 March, backwards.
    chat = "04/03/2020, 10:00 - A: first\n03/04/2020, 10:00 - A: second\n"
    report = ParseReport()
    got = list(whatsapp.parse(source(chat), report=report))
    assert [m.timestamp[:10] for m in got] == ["2020-03-04", "2020-04-03"]
    assert report.notes == []


def test_a_file_that_reads_both_ways_says_so() -> None:
    report = ParseReport()
    got = list(whatsapp.parse(source("05/05/2020, 10:00 - A: one\n"), report=report))
    assert got[0].timestamp == "2020-05-05T10:00:00"
    assert report.notes and "both ways" in str(report.notes[0])
    got = parse("01/02/2020, 10:00 - A: one\n", order="mdy")
    assert got[0].timestamp == "2020-01-02T10:00:00"


def test_german_dots_two_digit_years() -> None:
    assert brief(parse("31.12.19, 23:59 - Anna: Frohes neues Jahr\n")) == [
        ("2019-12-31T23:59:00", "Anna", "Frohes neues Jahr")
    ]


def test_chinese_year_first_with_day_half_before_the_time() -> None:
    chat = "2019/7/2 下午9:14 - 王警官: 想想你的家人\n2019/7/3 上午8:01 - 我: 好\n"
    assert brief(parse(chat)) == [
        ("2019-07-02T21:14:00", "王警官", "想想你的家人"),
        ("2019-07-03T08:01:00", "我", "好"),
    ]


def test_arabic_indic_digits_right_to_left_marks_and_arabic_day_half() -> None:
    chat = f"٢{RLM}/٧{RLM}/٢٠١٩ ٩:١٤ م - ضابط: فكر في عائلتك\n١٣{RLM}/٧{RLM}/٢٠١٩ ٨:٠١ ص - أنا: حسنا\n"
    assert brief(parse(chat)) == [
        ("2019-07-02T21:14:00", "ضابط", "فكر في عائلتك"),
        ("2019-07-13T08:01:00", "أنا", "حسنا"),
    ]


def test_ios_brackets_marks_seconds_attachments_and_system_lines() -> None:
    chat = (
        f"{LRM}[02/07/2019, 21:14:05] Police: {LRM}Messages and calls are end-to-end encrypted.\r\n"
        "[02/07/2019, 21:14:09] Police: Come back home.\r\n"
        "We will forgive you.\r\n"
        f"{LRM}[13/07/2019, 10:01:00] Me: {LRM}<attached: 00000012-PHOTO-2019-07-13-10-01-00.jpg>\r\n"
        f"[13/07/2019, 10:02:00] Police: {LRM}image omitted\r\n"
        f"[13/07/2019, 10:03:00] Police: {LRM}audio omitted\r\n"
    )
    got = parse(chat)
    assert (
        got[0].system
        and got[0].sender is None
        and got[0].text == "Messages and calls are end-to-end encrypted."
    )
    assert (got[1].sender, got[1].text, got[1].timestamp) == (
        "Police",
        "Come back home.\nWe will forgive you.",
        "2019-07-02T21:14:09",
    )
    assert (got[2].sender, got[2].attachments) == ("Me", ["00000012-PHOTO-2019-07-13-10-01-00.jpg"])
    assert [m.omitted for m in got[3:]] == [["image"], ["audio"]]


def test_ios_twelve_hour_and_a_buddhist_year() -> None:
    assert parse("[13/7/2562 9:14:05 PM] A: hi\n")[0].timestamp == "2019-07-13T21:14:05"


def test_an_impossible_date_is_named_by_line() -> None:
    chat = "02/07/2019, 21:14 - A: one\n02/07/2019, 25:14 - A: two\n"
    with pytest.raises(ParseError) as err:
        parse(chat)
    assert err.value.line == 2 and "cannot be read" in str(err.value)
    report = ParseReport()
    got = list(whatsapp.parse(source(chat), lenient=True, report=report))
    assert len(got) == 1 and report.bad_lines == 1 and str(report.problems[0]).startswith("line 2:")


def test_text_before_the_first_message_is_skipped_and_said() -> None:
    chat = "Forwarded by a caseworker:\n\nthe chat below\n02/07/2019, 21:14 - A: one\n"
    report = ParseReport()
    got = list(whatsapp.parse(source(chat), report=report))
    assert brief(got) == [("2019-07-02T21:14:00", "A", "one")] and got[0].line == 4
    assert report.bad_lines == 0
    (note,) = [n for n in report.notes if "skipped" in n.template]
    assert note.line == 1 and note.params == {"count": 2, "first": 1, "last": 3}


@pytest.mark.parametrize("data", [b"", b"\n\n", b"just some text\n", b"\x00" * 10_000])
def test_what_is_not_a_chat_says_so(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse(data)


def test_invalid_utf8_is_named_by_line_and_byte() -> None:
    chat = b"02/07/2019, 21:14 - A: one\n02/07/2019, 21:15 - A: t\xffwo\n"
    with pytest.raises(ParseError, match=r"line 2: not UTF-8 text \(byte 25 of the line\)"):
        parse(chat)
    report = ParseReport()
    # Leniently the line is kept, with U+FFFD for the byte that is not UTF-8, and counted.
    assert [m.text for m in whatsapp.parse(source(chat), lenient=True, report=report)] == ["one", "t\ufffdwo"]
    assert report.bad_lines == 1


def test_mixed_line_endings_count_lines_as_an_editor_would() -> None:
    chat = "02/07/2019, 21:14 - A: one\r\n02/07/2019, 21:15 - A: two\rmore\n02/07/2019, 21:16 - A: three"
    got = parse(chat)
    assert [(m.line, m.text) for m in got] == [(1, "one"), (2, "two\nmore"), (4, "three")]


class Endless(io.RawIOBase):
    """``size`` bytes of one byte value, made up as they are read (a 1 GB line that uses no memory)."""

    def __init__(self, prefix: bytes, size: int, fill: bytes = b"a") -> None:
        self.prefix, self.left, self.fill = prefix, size, fill

    def readable(self) -> bool:
        return True

    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.prefix:
            n = min(len(buf), len(self.prefix))
            buf[:n], self.prefix = self.prefix[:n], self.prefix[n:]
            return n
        n = min(len(buf), self.left)
        buf[:n] = self.fill * n
        self.left -= n
        return n


def test_a_gigabyte_single_line_is_refused_without_being_held() -> None:
    import tracemalloc

    def endless() -> IO[bytes]:
        return io.BufferedReader(Endless(b"02/07/2019, 21:14 - A: one\n", 1024**3))

    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match=r"line 2: longer than"):
            list(whatsapp.parse(endless, order="dmy"))
        report = ParseReport()
        got = list(whatsapp.parse(endless, order="dmy", lenient=True, report=report))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [m.text for m in got] == ["one"] and report.bad_lines == 1
    assert peak < 16 * MAX_LINE_BYTES  # a few blocks of reading, never the line


def test_a_message_that_never_ends_is_cut_and_named() -> None:
    lines = MAX_MESSAGE_CHARS // 1000 + 5
    chat = "02/07/2019, 21:14 - A: start\n" + ("x" * 1000 + "\n") * lines + "02/07/2019, 21:15 - A: next\n"
    with pytest.raises(ParseError, match="line 1: the message is longer than"):
        parse(chat)
    report = ParseReport()
    got = list(whatsapp.parse(source(chat), lenient=True, report=report))
    assert [m.line for m in got] == [1, lines + 2]
    assert len(got[0].text) <= MAX_MESSAGE_CHARS and got[1].text == "next" and report.bad_lines == 1


def test_a_pasted_colon_in_a_group_subject_is_not_a_sender() -> None:
    got = parse('02/07/2019, 21:14 - Aziz changed the subject from "News" to "Warning: they call at night"\n')
    assert got[0].system and got[0].sender is None


# Round trip: random chats written the way each kind of phone writes them, read back exactly.

import datetime as dt  # noqa: E402
from dataclasses import dataclass as _dataclass  # noqa: E402

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SENDERS = [
    "+86 138 0013 8000",
    "Officer Wang",
    "Дильнур",
    "دىلنۇر",
    "王警官",
    "Ayşe",
    "+90 555 000 00 00",
    "me",
    'Ilham "Teacher" T.',
]
SYSTEM = [
    "Messages and calls are end-to-end encrypted. No one outside of this chat can read them.",
    "+86 138 0013 8000 changed to +86 139 0000 0001",
    "Officer Wang added Ayşe",
    "You joined using this group's invite link",
]
HALVES = [("AM", "PM", False), ("a. m.", "p. m.", False), ("上午", "下午", True), ("ص", "م", False)]
words = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz ,.!?'ğüşçöıабвгдежзийклмнопфыэюя家人你们想عائلتكپۇ0123456789",
    max_size=40,
)


@_dataclass
class Variant:
    ios: bool
    order: str
    sep: str
    year4: bool
    half: tuple[str, str, bool] | None
    space: str
    plain: bool = False  # old iOS: no brackets, the header ends in ": "
    comma: str = ", "  # ", " or the Arabic comma
    rtl: bool = False  # right-to-left marks between the date's parts
    bom: bool = False  # a byte-order mark before every header
    preface: tuple[str, ...] = ()  # lines before the first message
    time_first: bool = False  # Vietnamese iOS: [14:56:01, 3/18/22]
    calendar: str = "gregorian"  # or "buddhist" (Thai: 2565) or "japanese" (era first: R4, H30)

    def header(self, when: dt.datetime) -> str:
        year = when.year + 543 if self.calendar == "buddhist" else when.year
        y = f"{year:04d}" if self.year4 else f"{year % 100:02d}"
        d, m = f"{when.day:02d}", f"{when.month}"
        sep = f"{RLM}{self.sep}" if self.rtl else self.sep
        first = f"{year}"
        if self.calendar == "japanese":
            first = f"R{when.year - 2018}" if when.year >= 2019 else f"H{when.year - 1988}"
        date = {"dmy": f"{d}{sep}{m}{sep}{y}", "mdy": f"{m}{sep}{d}{sep}{y}"}.get(
            self.order, f"{first}{sep}{m}{sep}{d}"
        )
        if self.half is None:
            clock = f"{when.hour:02d}:{when.minute:02d}"
        else:
            am, pm, before = self.half
            word = pm if when.hour >= 12 else am
            hour = when.hour % 12 or 12
            clock = (
                f"{word}{hour}:{when.minute:02d}" if before else f"{hour}:{when.minute:02d}{self.space}{word}"
            )
        mark = BOM if self.bom else ""
        if self.ios:
            clock = clock.replace(f":{when.minute:02d}", f":{when.minute:02d}:{when.second:02d}", 1)
            if self.plain:
                return f"{mark}{date}{self.comma}{clock}: "
            if self.time_first:
                return f"{mark}[{clock}{self.comma}{date}] "
            return f"{mark}[{date}{self.comma}{clock}] "
        return f"{mark}{date}{self.comma}{clock} - "


variants = st.builds(
    Variant,
    ios=st.booleans(),
    order=st.sampled_from(["dmy", "mdy", "ymd"]),
    sep=st.sampled_from(["/", ".", "-"]),
    year4=st.booleans(),
    half=st.none() | st.sampled_from(HALVES),
    space=st.sampled_from([" ", NNBSP]),
    plain=st.booleans(),
    comma=st.sampled_from([", ", "، "]),
    rtl=st.booleans(),
    bom=st.booleans(),
    time_first=st.booleans(),
    calendar=st.sampled_from(["gregorian", "gregorian", "buddhist", "japanese"]),
    preface=st.lists(
        st.sampled_from(["Forwarded by a caseworker:", "", "--- chat below ---", "Exported 2022-03-27"]),
        max_size=3,
    ).map(tuple),
)


@st.composite
def chats(draw: st.DrawFn) -> tuple[Variant, list[Message], str]:
    v = draw(variants)
    if v.calendar == "japanese":
        v.order = "ymd"  # the era year always comes first
    if v.order == "ymd" or v.calendar == "buddhist":
        v.year4 = True
    when = draw(st.datetimes(min_value=dt.datetime(2012, 1, 1), max_value=dt.datetime(2030, 1, 1)))
    when = when.replace(microsecond=0, second=when.second if v.ios else 0)
    expected, out = [], []
    for n in range(draw(st.integers(min_value=1, max_value=25))):
        when += dt.timedelta(
            seconds=draw(st.integers(min_value=0, max_value=40 * 86400))
            // (1 if v.ios else 60)
            * (1 if v.ios else 60)
        )
        kind = draw(st.sampled_from(["text", "text", "text", "system", "attached", "omitted"]))
        sender = draw(st.sampled_from(SENDERS))
        lines = draw(st.lists(words, min_size=1, max_size=4))
        for extra in lines[1:]:
            assume(not whatsapp.looks_like_header(extra))
        text = "\n".join(lines)
        assume(not text.startswith("<") and "(" not in text)
        msg = Message(timestamp=when.isoformat(), sender=sender, text=text, platform="whatsapp", line=0)
        if kind == "system":
            msg.sender, msg.system, msg.text = None, True, draw(st.sampled_from(SYSTEM))
            body = f"Chat: {LRM}{msg.text}" if v.ios else msg.text
        elif kind == "attached":
            name = f"IMG-{when:%Y%m%d}-WA{n:04d}.jpg"
            msg.attachments = [name]
            if v.ios:
                msg.text, body = "", f"{sender}: {LRM}<attached: {name}>"
            else:
                body = f"{sender}: {name} (file attached)\n{text}"
        elif kind == "omitted":
            msg.text, msg.omitted = "", ["image" if v.ios else "media"]
            body = f"{sender}: {LRM}image omitted" if v.ios else f"{sender}: <Media omitted>"
        else:
            body = f"{sender}: {text}"
        msg.line = sum(chunk.count("\n") + 1 for chunk in out) + 1 + len(v.preface)
        out.append(v.header(when) + body)
        expected.append(msg)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return v, expected, ("\n".join([*v.preface, *out]) + "\n").replace("\n", newline)


@settings(max_examples=300, deadline=None)
@given(chats())
def test_any_chat_written_as_a_phone_writes_it_reads_back_exactly(
    chat: tuple[Variant, list[Message], str],
) -> None:
    variant, expected, text = chat
    report = ParseReport()
    got = list(whatsapp.parse(source(text), report=report))
    if report.notes:  # both orders read the whole file: it says so, and the right order reads it exactly
        got = list(whatsapp.parse(source(text), order=variant.order))
    assert got == expected


# Shapes from real phones that used to be read wrong (issue 16): synthetic text, real structure.

ALM = "\u061c"  # Arabic letter mark
BOM = "\ufeff"


@pytest.mark.parametrize(
    ("line", "when"),
    [
        # Arabic-locale iOS: Arabic comma after the date, right-to-left marks between the parts.
        (f"[{RLM}27{RLM}/3{RLM}/2022، 21:41:35] دلنور: مرحبا\n", "2022-03-27T21:41:35"),
        # The same with Arabic-Indic digits and the evening marker after the time.
        ("[٢٧\u200f/٣\u200f/٢٠٢٢، ٩:٤١:٣٥ م] دلنور: مرحبا\n", "2022-03-27T21:41:35"),
        ("[٢٧\u200f/٣\u200f/٢٠٢٢، ٩:٤١:٣٥ ص] دلنور: مرحبا\n", "2022-03-27T09:41:35"),
        # Persian: Extended Arabic-Indic digits, year first, the Persian afternoon marker.
        ("[۱۴۰۱/۱/۷، ۹:۴۱:۳۵ ب.ظ] دلنور: سلام\n", None),
        # Arabic-locale Android: Arabic comma, an Arabic letter mark before the dash.
        (f"27/3/2022، 9:41 م{ALM} - دلنور: مرحبا\n", "2022-03-27T21:41:00"),
        # A 12-hour clock that writes the hour after noon as 0.
        ("13/07/2019, 0:24 PM - A: hi\n", "2019-07-13T12:24:00"),
        ("13/07/2019, 0:24 AM - A: hi\n", "2019-07-13T00:24:00"),
        # Day-half words.
        ("02/07/2019, 9:05 in the morning - A: hi\n", "2019-07-02T09:05:00"),
        ("02/07/2019, 9:05 in the evening - A: hi\n", "2019-07-02T21:05:00"),
        # Old iOS without brackets, with and without a comma.
        ("7/13/16, 4:56:55 PM: A: hi\n", "2016-07-13T16:56:55"),
        ("13/06/15 10:59:59: A: hi\n", "2015-06-13T10:59:59"),
    ],
)
def test_headers_from_more_phones(line: str, when: str | None) -> None:
    (got,) = parse(line)
    assert got.sender is not None and got.text in ("مرحبا", "سلام", "hi")
    if when is not None:
        assert got.timestamp == when


@pytest.mark.parametrize(
    ("line", "when"),
    [
        # A phone set to the Solar Hijri calendar: 7 Farvardin 1401 is 27 March 2022.
        ("[۱۴۰۱/۱/۷، ۹:۴۱:۳۵ ب.ظ] دلنور: سلام\n", "2022-03-27T21:41:35"),
        ("[۱۴۰۱/۱/۷، ۹:۴۱:۳۵ ب.ظ.] دلنور: سلام\n", "2022-03-27T21:41:35"),
        ("[۱۴۰۱/۱/۷، ۹:۴۱:۳۵ ق.ظ.] دلنور: سلام\n", "2022-03-27T09:41:35"),
        # Umm al-Qura: 24 Sha'ban 1443 is 27 March 2022.
        ("[24/8/1443، 9:41:35 م] دلنور: سلام\n", "2022-03-27T21:41:35"),
        # Thai Buddhist era.
        ("[27/3/2565 21:41:35] A: hi\n", "2022-03-27T21:41:35"),
        # Japanese era: Reiwa 4 is 2022, Heisei 30 is 2018 (Latin letter or kanji).
        ("[R4/03/27 21:41:35] 太郎: こんにちは\n", "2022-03-27T21:41:35"),
        ("R4/03/27 21:41 - 太郎: こんにちは\n", "2022-03-27T21:41:00"),
        ("[H30/12/31 23:59:01] 太郎: こんにちは\n", "2018-12-31T23:59:01"),
        ("[令和4/3/27 21:41:35] 太郎: こんにちは\n", "2022-03-27T21:41:35"),
    ],
)
def test_dates_from_other_calendars_are_gregorian(line: str, when: str) -> None:
    (got,) = parse(line)
    assert got.timestamp == when


def test_an_era_year_read_day_first_is_refused_with_its_reason() -> None:
    with pytest.raises(ParseError, match="year"):
        parse("[R4/03/27 21:41:35] A: hi\n", order="dmy")


def test_byte_order_marks_anywhere_do_not_merge_messages() -> None:
    chat = (
        f"{BOM}02/07/2019, 21:14 - A: one\n"
        f"{BOM}02/07/2019, 21:15 - B: two\n"
        f"02/07/2019,{BOM} 21:16 - A: three\n"
        f"[02/07/2019, 21:17:00] C: pasted\n"
    )
    got = parse(chat)
    assert [(m.sender, m.text) for m in got] == [
        ("A", "one"),
        ("B", "two"),
        ("A", "three\n[02/07/2019, 21:17:00] C: pasted"),
    ]


def test_senders_with_quoted_nicknames_keep_their_messages() -> None:
    chat = (
        '02/07/2019, 21:14 - Ilham "Teacher" T.: are you safe\n'
        '02/07/2019, 21:15 - Aziz changed the subject from "News" to "Warning: they call at night"\n'
        "02/07/2019, 21:16 - Aziz changed the subject to “Alert: read this”\n"
    )
    got = parse(chat)
    assert (got[0].sender, got[0].text, got[0].system) == ('Ilham "Teacher" T.', "are you safe", False)
    assert got[1].system and got[1].sender is None
    assert got[2].system and got[2].sender is None


def test_ios_calls_deletions_and_named_documents_keep_their_sender() -> None:
    chat = (
        f"[02/07/2019, 21:14:00] Officer Wang: {LRM}Missed voice call\n"
        f"[02/07/2019, 21:15:00] Officer Wang: {LRM}This message was deleted\n"
        f"[02/07/2019, 21:16:00] Officer Wang: {LRM}Notice.pdf • {LRM}3 pages {LRM}document omitted\n"
        f"[02/07/2019, 21:17:00] Group: {LRM}Messages and calls are end-to-end encrypted.\n"
    )
    got = parse(chat)
    assert [(m.sender, m.text, m.system) for m in got] == [
        ("Officer Wang", "Missed voice call", False),
        ("Officer Wang", "This message was deleted", False),
        ("Officer Wang", "Notice.pdf", False),
        (None, "Messages and calls are end-to-end encrypted.", True),
    ]
    assert got[2].omitted == ["document"]


def test_a_header_in_the_other_phones_shape_is_text_of_the_message_it_sits_in() -> None:
    android = "02/07/2019, 21:14 - A: he sent me this:\n[02/07/2019, 21:10:00] Police: come home\n"
    assert brief(parse(android)) == [
        ("2019-07-02T21:14:00", "A", "he sent me this:\n[02/07/2019, 21:10:00] Police: come home")
    ]
    ios = "[02/07/2019, 21:14:00] A: he sent me this:\n02/07/2019, 21:10 - Police: come home\n"
    assert brief(parse(ios)) == [
        ("2019-07-02T21:14:00", "A", "he sent me this:\n02/07/2019, 21:10 - Police: come home")
    ]


def test_a_two_digit_year_99_is_1999_not_2099() -> None:
    assert parse("31/12/99, 23:59 - A: hi\n")[0].timestamp == "1999-12-31T23:59:00"
    assert parse("31/12/19, 23:59 - A: hi\n")[0].timestamp == "2019-12-31T23:59:00"


def _order(chat: str) -> whatsapp.DateOrder:
    return whatsapp.decide_order(source(chat))


def test_the_day_in_a_media_file_name_decides_the_order() -> None:
    # Every date reads both ways and runs forward both ways; the photo's name says 10 May.
    chat = (
        "5/10/22, 9:05 pm - A: look\n"
        "5/10/22, 9:06 pm - A: IMG-20220510-WA0003.jpg (file attached)\n"
        "5/11/22, 8:00 am - B: ok\n"
    )
    decided = _order(chat)
    assert (decided.order, decided.ambiguous, decided.by) == ("mdy", False, "media")
    assert parse(chat)[1].timestamp == "2022-05-10T21:06:00"


@pytest.mark.parametrize(
    ("name", "day"),
    [
        ("WhatsApp Chat - Aziz 2019-02-10.zip", "2019-02-10"),
        ("chat_20190210.txt", "2019-02-10"),
        ("export 2019_02_10 and 2018-01-01.txt", "2019-02-10"),
        ("WhatsApp Chat with +86 138 0013 8000.txt", None),
        ("IMG 20191332.txt", None),  # no 32nd day of a 13th month
        ("201902101.txt", None),  # nine digits are not a date
    ],
)
def test_a_date_in_the_export_file_name_is_found(name: str, day: str | None) -> None:
    found = whatsapp.exported_on(name)
    assert (found.isoformat() if found else None) == day


def test_no_message_after_the_export_decides_the_order() -> None:
    chat = "01/02/19, 9:05 pm - A: a\n02/03/19, 9:05 pm - A: b\n"
    # Day first: 1 Feb and 2 Mar (after 10 Feb); month first: 2 Jan and 3 Feb (before it).
    exported = whatsapp.exported_on("WhatsApp Chat 2019-02-10.txt")
    decided = whatsapp.decide_order(source(chat), exported=exported)
    assert (decided.order, decided.ambiguous, decided.by) == ("mdy", False, "export")
    assert [m.timestamp for m in whatsapp.parse(source(chat), exported=exported)] == [
        "2019-01-02T21:05:00",
        "2019-02-03T21:05:00",
    ]
    # Without the name the file is undecidable, and says so.
    assert _order(chat).ambiguous


def test_an_upper_case_clock_leans_month_first_and_says_it_is_unsure() -> None:
    chat = "5/10/22, 9:05 PM - A: hello\n5/11/22, 8:00 AM - B: hi\n"
    assert _order(chat) == whatsapp.DateOrder("mdy", True, alternative="dmy", by="clock")
    report = ParseReport()
    assert parse(chat, report=report)[0].timestamp == "2022-05-10T21:05:00"
    (note,) = report.notes
    assert note.params["alternative"] == "dmy" and "month/day/year" in str(note)
    lower = "5/10/22, 9:05 pm - A: hello\n5/11/22, 8:00 am - B: hi\n"
    assert _order(lower) == whatsapp.DateOrder("dmy", True, alternative="mdy", by="")


def test_running_forward_outranks_the_clock() -> None:
    # Day first: 12 May, then 3 June. Month first: 5 December, then 6 March (backwards).
    chat = "12/5/22, 9:05 PM - A: a\n3/6/22, 9:05 PM - A: b\n"
    assert _order(chat) == whatsapp.DateOrder("dmy", False, by="forward")


@pytest.mark.parametrize(
    ("chat", "expected"),
    [
        # Vietnamese iOS: the time before the date.
        (
            "[14:56:01, 3/18/22] Lan: chào\n[09:00:00, 3/19/22] Minh: ok\n",
            [("2022-03-18T14:56:01", "Lan", "chào"), ("2022-03-19T09:00:00", "Minh", "ok")],
        ),
        # Old Android, time first and a month name.
        (
            "19:23, 28 Aug 2013 - Aziz: salam\n08:05, 2 Sep 2013 - Officer: call me\n",
            [("2013-08-28T19:23:00", "Aziz", "salam"), ("2013-09-02T08:05:00", "Officer", "call me")],
        ),
        # Old Android, month first: the year is written for earlier years and left out in the export's.
        (
            "Dec 30, 2012, 8:11 PM - Aziz: salam\nMar 5, 8:11 PM - Officer: call me\n",
            [("2012-12-30T20:11:00", "Aziz", "salam"), ("2013-03-05T20:11:00", "Officer", "call me")],
        ),
        # Month names in Russian and Turkish.
        (
            "19:23, 28 авг 2013 - Дильнур: привет\n19:24, 28 Ağu 2013 - Ayşe: selam\n",
            [("2013-08-28T19:23:00", "Дильнур", "привет"), ("2013-08-28T19:24:00", "Ayşe", "selam")],
        ),
    ],
)
def test_older_and_other_header_dialects(chat: str, expected: list[tuple[str, str, str]]) -> None:
    assert brief(parse(chat)) == expected


def test_a_guessed_year_is_said_and_no_year_at_all_is_a_clear_error() -> None:
    report = ParseReport()
    parse("Dec 30, 2012, 8:11 PM - A: one\nMar 5, 8:11 PM - B: two\n", report=report)
    assert [n.params for n in report.notes] == [{"year": "2013"}]
    with pytest.raises(ParseError, match="the year is not written"):
        parse("Mar 5, 8:11 PM - A: one\nMar 6, 9:00 AM - B: two\n")
    with pytest.raises(ParseError, match="month must be in 1..12"):
        parse("19:23, 28 Foo 2013 - A: one\n")


def test_the_dialect_is_the_one_with_most_headers() -> None:
    assert whatsapp.detect_shape(source("02/07/2019, 21:14 - A: one\n")) == "numeric"
    assert whatsapp.detect_shape(source("[14:56:01, 3/18/22] A: one\n")) == "time_first"
    assert whatsapp.detect_shape(source("no chat here\n")) == "numeric"
