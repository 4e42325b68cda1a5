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
from pathlib import Path

from longreach.messages import reading, whatsapp
from longreach.messages.chat import ParseError, ParseReport


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="longreach parse-chat",
        description="Parse a chat export and write one JSON object per message to stdout.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", choices=("auto", *reading.FORMATS), default="auto")
    parser.add_argument("--date-order", choices=whatsapp.ORDERS, help="WhatsApp: how dates are written")
    parser.add_argument(
        "--lenient", action="store_true", help="skip lines that cannot be read, and count them"
    )
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"parse-chat: {args.file}: no such file", file=sys.stderr)
        return 2
    report = ParseReport()
    path: Path = args.file
    try:
        export = reading.open_export(lambda: open(path, "rb"))
        fmt = reading.detect(export.chat) if args.format == "auto" else args.format
        out = sys.stdout
        for message, _ in reading.messages(
            export, fmt, order=args.date_order, lenient=args.lenient, report=report, name=path.name
        ):
            out.write(message.as_json())
            out.write("\n")
    except ParseError as exc:
        print(f"parse-chat: {args.file}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # the reader stopped reading (``| head``); longreach.cli ends quietly
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
