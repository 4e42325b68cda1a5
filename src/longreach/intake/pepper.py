"""The server pepper behind receipts, and the Argon2id cost of checking one.

The pepper is 32 random bytes in a file beside the signing key, outside the
database: a stolen database alone cannot be searched for receipts. Losing the
file makes every receipt unusable, so setup creates it once and the admin
guide says to back it up separately from the database.
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path

from django.conf import settings

from longreach.crypto.keys import KDF_TEST, KdfParams

# A receipt has 66 bits of entropy and the pepper 256 bits, so the pepper is
# what stops an offline search; the stretching only has to make each guess
# cost something even for a thief who has both. 3 passes over 8 MiB take
# about 7 ms here, which keeps a burst of reporters on a two-core server
# close to a plain form post (benchmarks/intake_load.py).
KDF_RECEIPT = KdfParams(opslimit=3, memlimit=8 * 1024 * 1024)


class PepperMissing(RuntimeError):
    """The pepper file is missing or unreadable: the reporting line cannot work."""


def receipt_params() -> KdfParams:
    return KDF_TEST if settings.KDF_PROFILE == "test" else KDF_RECEIPT


def ensure(path: Path | None = None) -> bool:
    """Create the pepper file if it does not exist; True if it was created."""
    path = Path(path or settings.INTAKE_PEPPER_FILE)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    _read.cache_clear()
    return True


@functools.lru_cache(maxsize=4)
def _read(path: str) -> bytes:
    try:
        raw = Path(path).read_text(encoding="ascii").strip()
        value = bytes.fromhex(raw)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise PepperMissing(f"intake pepper file {path} cannot be read: {exc}") from exc
    if len(value) != 32:
        raise PepperMissing(f"intake pepper file {path} must hold 64 hexadecimal characters")
    return value


def load() -> bytes:
    return _read(str(settings.INTAKE_PEPPER_FILE))
