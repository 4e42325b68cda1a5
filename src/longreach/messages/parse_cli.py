"""``longreach parse-chat FILE``: one JSON object per message on stdout; no settings, no database, no keys.

The format is recognised from the content (``--format`` overrides). A
WhatsApp export with media (a .zip) is read without extracting anything: the
chat text is streamed out of the archive. Exit 0 when the file was read
(a summary goes to stderr), 1 naming the line and the reason when it cannot
be, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from longreach.messages import mail, telegram, whatsapp
from longreach.messages.chat import Message, ParseError, ParseReport

FORMATS = ("auto", "whatsapp", "telegram", "email")
SNIFF_LINES = 50


def whatsapp_zip_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The chat text inside a WhatsApp export with media: ``_chat.txt`` (iOS) or ``WhatsApp Chat ….txt``."""
    texts = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".txt")]
    for info in texts:
        name = info.filename.rsplit("/", 1)[-1]
        if name == "_chat.txt" or name.startswith("WhatsApp"):
            return info
    if len(texts) == 1:
        return texts[0]
    raise ParseError(0, "the archive holds no WhatsApp chat text (_chat.txt or 'WhatsApp Chat … .txt')")


def opener(path: Path) -> Callable[[], IO[bytes]]:
    if path.suffix.lower() not in (".eml", ".mbox") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            member = whatsapp_zip_member(zf)

        def open_member() -> IO[bytes]:
            # The member stays readable after its archive is closed (it holds the file itself).
            with zipfile.ZipFile(path) as zf:
                return zf.open(member)

        return open_member
    return lambda: open(path, "rb")


def detect(open_file: Callable[[], IO[bytes]]) -> str:
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
        0, "not a chat export this version reads (WhatsApp text or .zip, Telegram JSON, e-mail .eml or .mbox)"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="longreach parse-chat",
        description="Parse a chat export and write one JSON object per message to stdout.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", choices=FORMATS, default="auto")
    parser.add_argument("--date-order", choices=whatsapp.ORDERS, help="WhatsApp: how dates are written")
    parser.add_argument(
        "--lenient", action="store_true", help="skip lines that cannot be read, and count them"
    )
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"parse-chat: {args.file}: no such file", file=sys.stderr)
        return 2
    report = ParseReport()
    try:
        open_file = opener(args.file)
        fmt = detect(open_file) if args.format == "auto" else args.format
        out = sys.stdout
        messages: Iterable[Message]
        if fmt == "telegram":
            messages = telegram.parse(open_file, lenient=args.lenient, report=report)
        elif fmt == "email":
            messages = (m for m, _ in mail.parse(open_file, lenient=args.lenient, report=report))
        else:
            messages = whatsapp.parse(open_file, order=args.date_order, lenient=args.lenient, report=report)
        for message in messages:
            out.write(message.as_json())
            out.write("\n")
    except ParseError as exc:
        print(f"parse-chat: {args.file}: {exc}", file=sys.stderr)
        return 1
    except (OSError, zipfile.BadZipFile) as exc:
        print(f"parse-chat: {args.file}: cannot be read: {exc}", file=sys.stderr)
        return 1
    summary = f"parse-chat: {args.file}: {report.messages:,} messages ({fmt})"
    if report.bad_lines:
        what = {"telegram": "messages", "email": "e-mails"}.get(fmt, "lines")
        summary += f"; {report.bad_lines:,} {what} could not be read and were skipped"
    print(summary, file=sys.stderr)
    for line in report.notes + report.problems:
        print(f"  {line}", file=sys.stderr)
    return 0
