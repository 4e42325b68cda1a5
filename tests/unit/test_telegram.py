"""Telegram Desktop exports: one chat, the whole account, every shape of text; hostile JSON."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import IO, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.messages import telegram
from longreach.messages.chat import MAX_MESSAGE_CHARS, Message, ParseError, ParseReport


def source(data: bytes | str | dict[str, Any]) -> Callable[[], IO[bytes]]:
    raw = (
        json.dumps(data).encode()
        if isinstance(data, dict)
        else data.encode()
        if isinstance(data, str)
        else data
    )
    return lambda: io.BytesIO(raw)


def parse(data: bytes | str | dict[str, Any], **kw: Any) -> list[Message]:
    return list(telegram.parse(source(data), **kw))


def msg(ident: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "message",
        "date": "2019-07-02T21:15:00",
        "date_unixtime": "1562094900",
        **fields,
    }


CHAT = {
    "name": "Officer Wang",
    "type": "personal_chat",
    "id": 4471,
    "messages": [
        {
            "id": 1,
            "type": "service",
            "date": "2019-07-02T21:14:05",
            "date_unixtime": "1562094845",
            "actor": "Officer Wang",
            "action": "phone_call",
            "text": "",
        },
        msg(
            2,
            **{
                "from": "Officer Wang",
                "text": ["Think of your family. ", {"type": "link", "text": "hxxp://x[.]cn"}],
            },
        ),
        msg(
            3,
            **{
                "from": "Officer Wang",
                "forwarded_from": "Home News",
                "edited": "2019-07-02T21:20:00",
                "edited_unixtime": "1562095200",
                "photo": "photos/photo_1@02-07-2019_21-16-00.jpg",
                "text": "look",
            },
        ),
        msg(
            4,
            **{
                "from": "Me",
                "file": "(File not included. Change data exporting settings to download.)",
                "text": "",
            },
        ),
        {"id": 5, "type": "message", "date": "2019-07-02T23:59:00", "from": "Me", "text": "no unix time"},
    ],
}


def test_one_chat() -> None:
    got = parse(CHAT)
    assert [m.ref for m in got] == ["1", "2", "3", "4", "5"]
    assert got[0].system and got[0].sender == "Officer Wang" and got[0].text == "phone_call"
    assert (
        got[1].timestamp == "2019-07-02T19:15:00+00:00"
        and got[1].text == "Think of your family. hxxp://x[.]cn"
    )
    assert (got[2].forwarded_from, got[2].edited, got[2].attachments) == (
        "Home News",
        "2019-07-02T19:20:00+00:00",
        ["photos/photo_1@02-07-2019_21-16-00.jpg"],
    )
    assert (got[3].attachments, got[3].omitted) == ([], ["media"])
    assert got[4].timestamp == "2019-07-02T23:59:00"  # the exporting computer's clock, no zone: kept as given
    assert {m.chat for m in got} == {"Officer Wang"}


def test_the_whole_account() -> None:
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"first_name": "Synthetic", "bio": "not a chat"},
        "contacts": {"list": [{"first_name": "A", "phone_number": "+86 138 0013 8000"}]},
        "chats": {
            "about": "",
            "list": [
                CHAT,
                {
                    "name": "Group",
                    "type": "private_group",
                    "id": 9,
                    "messages": [msg(1, **{"from": "B", "text": "hi"})],
                },
            ],
        },
        "left_chats": {
            "list": [{"name": "Left", "id": 10, "messages": [msg(7, **{"from": "C", "text": "bye"})]}]
        },
    }
    got = parse(export)
    assert [(m.chat, m.ref) for m in got][-2:] == [("Group", "1"), ("Left", "7")]
    assert len(got) == 7


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not valid JSON"),
        (b"\x00" * 1000, "not valid JSON"),
        (
            b'{"name": "x", "messages": [{"id": 1, "type": "message", "date_unixtime": "1", "text": "a"',
            "not valid JSON",
        ),
        (b'{"name": "\xff\xfe", "messages": []}', "not"),
        (b'{"name": "x", "messages": []}', "no Telegram messages found"),
        (b"[1, 2, 3]", "no Telegram messages found"),
    ],
)
def test_what_is_not_an_export_says_so(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(data)


def test_nesting_10000_deep_is_refused_by_message_without_recursion() -> None:
    deep = (
        b'{"messages": [{"id": 1, "type": "message", "date_unixtime": "1", "text": '
        + b"[" * 10_000
        + b"]" * 10_000
        + b"}]}"
    )
    with pytest.raises(ParseError, match="message 1 is nested deeper than"):
        parse(deep)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"id": 8, "type": "message", "text": "x"}, "message 8 has no date"),
        ({"id": 8, "type": "message", "date_unixtime": "soon", "text": "x"}, "not a time"),
        ({"id": 8, "type": "message", "date": "yesterday", "text": "x"}, "not a date"),
        ({"id": 8, "type": "bogus", "date_unixtime": "1", "text": "x"}, "unknown type"),
        ({"id": 8, "type": "message", "date_unixtime": "1", "text": 5}, "neither a string nor a list"),
        (
            {"id": 8, "type": "message", "date_unixtime": "1", "text": [{"type": "bold"}]},
            "entity without text",
        ),
        (
            {"id": 8, "type": "message", "date_unixtime": "1", "text": "x" * (MAX_MESSAGE_CHARS + 1)},
            "longer than",
        ),
    ],
)
def test_a_bad_message_is_named_and_leniently_skipped(item: dict[str, Any], reason: str) -> None:
    export = {
        "name": "x",
        "messages": [
            msg(1, **{"from": "A", "text": "before"}),
            item,
            msg(9, **{"from": "A", "text": "after"}),
        ],
    }
    with pytest.raises(ParseError, match=reason):
        parse(export)
    report = ParseReport()
    assert [m.text for m in telegram.parse(source(export), lenient=True, report=report)] == [
        "before",
        "after",
    ]
    assert report.bad_lines == 1 and reason.split()[-1] in str(report.problems[0])


# Round trip: random chats written as Telegram Desktop writes them, read back exactly.

entities = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.builds(
            lambda t, k: {"type": k, "text": t},
            st.text(max_size=20),
            st.sampled_from(["link", "bold", "mention", "plain"]),
        ),
    ),
    max_size=5,
)


@st.composite
def exports(draw: st.DrawFn) -> tuple[dict[str, Any], list[Message]]:
    chats, expected, when = [], [], draw(st.integers(min_value=1_300_000_000, max_value=1_900_000_000))
    for c in range(draw(st.integers(min_value=1, max_value=3))):
        name = draw(st.text(min_size=1, max_size=20))
        items = []
        for ident in range(draw(st.integers(min_value=0, max_value=8))):
            when += draw(st.integers(min_value=0, max_value=86_400))
            text = draw(st.one_of(st.text(max_size=60), entities))
            plain = (
                text
                if isinstance(text, str)
                else "".join(p if isinstance(p, str) else p["text"] for p in text)
            )
            sender = draw(st.text(min_size=1, max_size=20))
            item = {
                "id": ident,
                "type": "message",
                "date": "2000-01-01T00:00:00",
                "date_unixtime": str(when),
                "from": sender,
                "text": text,
            }
            expected.append(
                Message(
                    timestamp=dt.datetime.fromtimestamp(when, dt.UTC).isoformat(),
                    sender=sender,
                    text=plain,
                    platform="telegram",
                    line=0,
                    chat=name,
                    ref=str(ident),
                )
            )
            items.append(item)
        chats.append({"name": name, "type": "personal_chat", "id": c, "messages": items})
    export = {"chats": {"list": chats}} if len(chats) > 1 or draw(st.booleans()) else chats[0]
    return export, expected


@settings(max_examples=150, deadline=None)
@given(exports())
def test_any_export_reads_back_exactly(case: tuple[dict[str, Any], list[Message]]) -> None:
    export, expected = case
    if not expected:  # chats without messages: nothing to read, and it says so
        with pytest.raises(ParseError, match="no Telegram messages"):
            parse(export)
        return
    assert parse(export) == expected
