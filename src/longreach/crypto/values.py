"""Exact, typed byte encodings for sealed field values.

A sealed column must give back exactly what was stored: ``0`` is not ``False``,
``""`` is not ``None`` and a date is not a string. Each plaintext starts with a
one-byte tag naming its type; decoding checks the tag against the field kind.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from longreach.crypto import CryptoError

Kind = Literal["text", "json", "date"]

_NONE = b"N"
_TEXT = b"S"
_JSON = b"J"
_DATE = b"D"


def encode(kind: Kind, value: Any) -> bytes:
    if value is None:
        return _NONE
    if kind == "text":
        if not isinstance(value, str):
            raise TypeError(f"sealed text field needs str, got {type(value).__name__}")
        # surrogatepass would store text that cannot be shown; refuse it instead.
        return _TEXT + value.encode("utf-8")
    if kind == "json":
        try:
            raw = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"sealed JSON field cannot store this value: {exc}") from exc
        return _JSON + raw.encode("utf-8")
    if kind == "date":
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise TypeError(f"sealed date field needs datetime.date, got {type(value).__name__}")
        return _DATE + value.isoformat().encode("ascii")
    raise ValueError(f"unknown sealed kind {kind!r}")


def decode(kind: Kind, raw: bytes) -> Any:
    tag, body = raw[:1], raw[1:]
    if tag == _NONE and not body:
        return None
    expected = {"text": _TEXT, "json": _JSON, "date": _DATE}[kind]
    if tag != expected:
        raise CryptoError(f"sealed value holds type tag {tag!r}, field expects {kind}")
    if kind == "text":
        return body.decode("utf-8")
    if kind == "json":
        return json.loads(body.decode("utf-8"))
    return dt.date.fromisoformat(body.decode("ascii"))
