"""Telegram Desktop JSON exports (``result.json``), one chat or the whole account. No Django.

Service messages (calls, joins, pins) are ``system`` messages; unlike
WhatsApp's they name who acted, which is kept as the sender.

The file is read as a stream of JSON events (ijson, with its C backend), so
an export of any size is parsed one message at a time. Times come from
``date_unixtime`` (UTC) where the export has it; ``date`` is the exporting
computer's local time with no zone, kept only as a fallback. ``text`` is a
string or a list of strings and entities (links, mentions, bold...), which
are joined back into the text as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import IO, Any

import ijson

from longreach.messages.chat import MAX_MESSAGE_CHARS, Message, ParseError, ParseReport, gettext_noop

PLATFORM = "telegram"
MAX_DEPTH = 32  # a message is a few levels deep; anything deeper is not an export
# Where messages sit: one chat's export, or each chat of a full export.
_MESSAGE_ARRAYS = ("messages", "chats.list.item.messages", "left_chats.list.item.messages")
_CHAT_NAMES = ("name", "chats.list.item.name", "left_chats.list.item.name")
_MEDIA = ("photo", "file", "sticker", "video", "voice", "audio")  # keys whose value is an exported file


def parse(
    open_file: Callable[[], IO[bytes]], *, lenient: bool = False, report: ParseReport | None = None
) -> Iterator[Message]:
    """Every message of every chat in the export, in file order."""
    report = report if report is not None else ParseReport()
    chat: str | None = None
    builder: ijson.ObjectBuilder | None = None
    base = ""
    with open_file() as fh:
        events = ijson.parse(fh, use_float=True)
        try:
            for prefix, event, value in events:
                if builder is not None:
                    if prefix.count(".") - base.count(".") > MAX_DEPTH:
                        raise ParseError(
                            0,
                            gettext_noop("message %(id)s is nested deeper than %(limit)s levels"),
                            id=report.messages + 1,
                            limit=MAX_DEPTH,
                        )
                    if prefix == base and event in ("end_map", "end_array"):
                        builder.event(event, value)
                        item, builder = builder.value, None
                        message = _message(item, chat, report, lenient)
                        if message is not None:
                            report.messages += 1
                            yield message
                    else:
                        builder.event(event, value)
                    continue
                if event == "string" and prefix in _CHAT_NAMES:
                    chat = value
                elif event == "start_map" and prefix.endswith(".item") and prefix[:-5] in _MESSAGE_ARRAYS:
                    builder, base = ijson.ObjectBuilder(), prefix
                    builder.event(event, value)
        except ijson.JSONError as exc:
            raise ParseError(0, gettext_noop("not valid JSON: %(detail)s"), detail=str(exc)) from None
        except UnicodeDecodeError as exc:
            raise ParseError(
                0, gettext_noop("not UTF-8 text (at byte %(byte)s of a read)"), byte=exc.start + 1
            ) from None
    if report.messages == 0 and not report.bad_lines:
        raise ParseError(
            0, gettext_noop("no Telegram messages found: this does not look like a Telegram Desktop export")
        )


def _message(item: Any, chat: str | None, report: ParseReport, lenient: bool) -> Message | None:
    ident = item.get("id") if isinstance(item, dict) else None
    where = str(ident)[:40] if ident is not None else str(report.messages + report.bad_lines + 1)
    try:
        if not isinstance(item, dict):
            raise _Bad(gettext_noop("message %(id)s is not an object"))
        kind = item.get("type", "message")
        if kind not in ("message", "service"):
            raise _Bad(
                gettext_noop("message %(id)s has an unknown type %(value)s"), value=repr(str(kind)[:40])
            )
        text = _text(item.get("text", ""))
        if len(text) > MAX_MESSAGE_CHARS:
            raise _Bad(
                gettext_noop("message %(id)s is longer than %(limit)s characters"),
                limit=f"{MAX_MESSAGE_CHARS:,}",
            )
        system = kind == "service"
        msg = Message(
            timestamp=_when(item),
            sender=_str(item.get("actor") if system else item.get("from")),
            text=text if text or not system else _str(item.get("action")) or "",
            platform=PLATFORM,
            line=0,
            system=system,
            attachments=[_str(item[k]) or "" for k in _MEDIA if isinstance(item.get(k), str)],
        )
        msg.chat = chat
        msg.ref = str(ident) if ident is not None else ""
        msg.forwarded_from = _str(item.get("forwarded_from"))
        msg.edited = _edited(item)
        if any(
            item.get(k) == "(File not included. Change data exporting settings to download.)" for k in _MEDIA
        ):
            msg.attachments, msg.omitted = [], ["media"]
        return msg
    except _Bad as exc:
        report.problem(ParseError(0, exc.template, id=where, **exc.params), lenient)
        return None


class _Bad(Exception):
    """A message that cannot be read; its template names the message by %(id)s."""

    def __init__(self, template: str, **params: str | int) -> None:
        super().__init__(template)
        self.template, self.params = template, params


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise _Bad(gettext_noop("message %(id)s has text that is neither a string nor a list"))
    out = []
    for piece in value:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
            out.append(piece["text"])
        else:
            raise _Bad(gettext_noop("message %(id)s has a text entity without text"))
    return "".join(out)


def _utc(unix: Any) -> str:
    try:
        seconds = int(unix)
        return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        raise _Bad(
            gettext_noop("message %(id)s has a date_unixtime that is not a time: %(value)s"),
            value=repr(str(unix)[:40]),
        ) from None


def _when(item: dict[str, Any]) -> str:
    if "date_unixtime" in item:
        return _utc(item["date_unixtime"])
    local = item.get("date")
    if not isinstance(local, str):
        raise _Bad(gettext_noop("message %(id)s has no date"))
    try:
        return dt.datetime.fromisoformat(local).isoformat()
    except ValueError:
        raise _Bad(
            gettext_noop("message %(id)s has a date that is not a date: %(value)s"), value=repr(local[:40])
        ) from None


def _edited(item: dict[str, Any]) -> str | None:
    if "edited_unixtime" in item:
        return _utc(item["edited_unixtime"])
    edited = item.get("edited")
    return edited if isinstance(edited, str) else None
