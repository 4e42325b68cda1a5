"""Reading passwords and keys for commands: from a terminal, or from stdin in scripts."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import CommandError


def read_secret(prompt: str, *, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CommandError(f"expected {prompt.strip(': ').lower()} on standard input, got end of input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError(f"{prompt.strip(': ')} must be typed at a terminal, or pass --password-stdin")
    return getpass.getpass(prompt)


def parse_private_key(text: str) -> bytes:
    cleaned = "".join(text.split()).replace("-", "")
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError as exc:
        raise CommandError("the recovery key must be 64 hexadecimal characters") from exc
    if len(raw) != 32:
        raise CommandError("the recovery key must be 64 hexadecimal characters")
    return raw


def group(hex_text: str, size: int = 8) -> str:
    return " ".join(hex_text[i : i + size] for i in range(0, len(hex_text), size))


def show_totp(device: Any, out: Any) -> None:
    """The TOTP secret as text and as a QR code for the person's authenticator app."""
    import base64

    import segno

    secret = base64.b32encode(bytes.fromhex(device.key)).decode("ascii")
    out.write(f"TOTP secret for their authenticator app: {secret}")
    out.write("or scan (otpauth link, shown once):")
    segno.make(device.config_url, error="m").terminal(out=out, compact=True)
