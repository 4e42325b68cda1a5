"""Which format an export is, and its messages with the bytes of their attachments. No Django.

Shared by ``longreach parse-chat`` (a file on disk) and the import of an
evidence item (a file decrypted as it is read): both hand over a function
that opens the export from its start, as often as a parser needs.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from longreach.messages import chat, mail, telegram, whatsapp
from longreach.messages.chat import Message, ParseError, ParseReport, gettext_noop

FORMATS = ("whatsapp", "telegram", "email")
SNIFF_LINES = 50
MAX_ATTACHMENT_BYTES = (
    512 * 1024 * 1024
)  # one member of an export's archive; larger ones are reported, not kept

Opener = Callable[[], IO[bytes]]


@dataclass
class Attachment:
    """A file that came with a message: its name as the export gives it, and how to read it."""

    name: str
    size: int
    read: Callable[[], IO[bytes]]


def zip_chat_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The chat text inside a WhatsApp export with media: ``_chat.txt`` (iOS) or ``WhatsApp Chat ….txt``."""
    texts = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".txt")]
    for info in texts:
        name = info.filename.rsplit("/", 1)[-1]
        if name == "_chat.txt" or name.startswith("WhatsApp"):
            return info
    if len(texts) == 1:
        return texts[0]
    raise ParseError(
        0, gettext_noop("the archive holds no WhatsApp chat text (_chat.txt or 'WhatsApp Chat … .txt')")
    )


def detect(open_file: Opener) -> str:
    """The format, from the first bytes: JSON is Telegram's; a header block or mbox separator is e-mail;
    a WhatsApp header near the top is WhatsApp's."""
    with open_file() as fh:
        head = fh.read(4096)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "telegram"
    if mail.looks_like_mbox(head) or mail.looks_like_eml(head):
        return "email"
    with open_file() as fh:
        for _ in range(SNIFF_LINES):
            raw = fh.readline(4096)
            if not raw:
                break
            if whatsapp.looks_like_header(raw.decode("utf-8", "replace").lstrip("\ufeff")):
                return "whatsapp"
    raise ParseError(
        0,
        gettext_noop(
            "not a chat export this version reads "
            "(WhatsApp text or .zip, Telegram JSON, e-mail .eml or .mbox)"
        ),
    )


def is_zip(open_file: Opener) -> bool:
    with open_file() as fh:
        return fh.read(4) == b"PK\x03\x04" and zipfile.is_zipfile(fh)


@dataclass
class Export:
    """An export opened for reading: the chat text's opener, and an archive's other members by name."""

    chat: Opener
    members: dict[str, zipfile.ZipInfo]
    archive: Opener | None
    chat_name: str = ""  # the chat's member name inside an archive

    def attachment(self, name: str) -> Attachment | None:
        info = self.members.get(name.rsplit("/", 1)[-1])
        archive = self.archive
        if info is None or archive is None:
            return None

        def read() -> IO[bytes]:
            zf = zipfile.ZipFile(archive())
            return zf.open(info)

        return Attachment(info.filename.rsplit("/", 1)[-1], info.file_size, read)


def open_export(open_file: Opener) -> Export:
    """The chat inside a WhatsApp .zip (with its media members), or the file itself."""
    if not is_zip(open_file):
        return Export(open_file, {}, None)
    with zipfile.ZipFile(open_file()) as zf:
        member = zip_chat_member(zf)
        members = {
            i.filename.rsplit("/", 1)[-1]: i for i in zf.infolist() if not i.is_dir() and i is not member
        }

    def open_member() -> IO[bytes]:
        return zipfile.ZipFile(open_file()).open(member)

    return Export(open_member, members, open_file, member.filename.rsplit("/", 1)[-1])


def messages(
    export: Export,
    fmt: str,
    *,
    order: str | None = None,
    lenient: bool = False,
    report: ParseReport,
    with_payloads: bool = False,
    name: str = "",
) -> Iterator[tuple[Message, list[mail.Payload]]]:
    """Each message with its e-mail attachments' bytes (other formats name files the archive holds).

    ``name`` is the export's file name as kept; a date in it (or in the chat's name inside a .zip)
    helps decide a WhatsApp file's date order."""
    if fmt == "telegram":
        for message in telegram.parse(export.chat, lenient=lenient, report=report):
            yield message, []
    elif fmt == "email":
        yield from mail.parse(export.chat, lenient=lenient, report=report, with_payloads=with_payloads)
    elif fmt == "whatsapp":
        exported = whatsapp.exported_on(name) or whatsapp.exported_on(export.chat_name)
        for message in whatsapp.parse(
            export.chat, order=order, lenient=lenient, report=report, exported=exported
        ):
            yield message, []
    else:
        raise ParseError(0, gettext_noop("unknown format %(format)s"), format=repr(fmt))


class OriginalLines:
    """The export's own lines for each message of a text export, read in step with the parse.

    Messages arrive in the order of their first line; a message's lines run
    up to the line before the next message's first. One message is held
    back until the next one says where it ends.
    """

    MAX_CHARS = 64 * 1024  # of one message's original; longer ones are cut (the evidence item has all)

    def __init__(self, open_file: Opener) -> None:
        self._fh = open_file()
        self._lines = self._iter_lines()
        self._number = 0
        self._pending: tuple[Message, int] | None = None

    def _iter_lines(self) -> Iterator[str]:
        report = ParseReport()
        for _, text in chat.text_chunks(self._fh, report, lenient=True):
            yield from text.split("\n")[:-1]  # the parsers count "\n" only

    def _take(self, until: int | None) -> str:
        """Lines from the cursor up to (not including) line ``until``; all that is left when None."""
        kept: list[str] = []
        size = 0
        while until is None or self._number + 1 < until:
            line = next(self._lines, None)
            if line is None:
                break
            self._number += 1
            if size < self.MAX_CHARS:
                kept.append(line)
                size += len(line) + 1
        return "\n".join(kept)[: self.MAX_CHARS]

    def add(self, message: Message) -> tuple[Message, str] | None:
        """Hand in the next message; get back the one before it with its original lines."""
        done = None
        if self._pending is not None:
            done = (self._pending[0], self._take(message.line))
        else:
            self._take(message.line)  # lines before the first message (none, or a BOM-only line)
        self._pending = (message, message.line)
        return done

    def finish(self) -> tuple[Message, str] | None:
        done = (self._pending[0], self._take(None)) if self._pending is not None else None
        self._pending = None
        self._fh.close()
        return done
